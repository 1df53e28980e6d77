"""The arrears page, its Excel and GeoJSON exports (read back), and warning letters issued from it."""

import datetime as dt
import io
import json
import re
from decimal import Decimal as D

import pytest
from openpyxl import load_workbook

from muang.billing.models import BillKind, BillLine, WarningLetter
from muang.billing.selectors import arrears_report
from muang.billing.tests.factories import issue
from muang.billing.tests.test_services_notices import pdf_text
from muang.core.access import SYSTEM
from muang.property.tests.factories import ParcelFactory

pytestmark = pytest.mark.django_db
AS_OF = {"as_of": "2026-06-15"}


@pytest.fixture
def bills(org):
    parcel = ParcelFactory(organization=org)
    land = issue(org, "1000.00", source_ref="property:owner:7")
    BillLine.objects.filter(bill=land).update(source_ref=f"property:parcel:{parcel.pk}")
    sign = issue(org, "800.00", kind=BillKind.SIGNBOARD_TAX, due_date=dt.date(2026, 3, 31))
    issue(org, "5000.00", due_date=dt.date(2026, 12, 31))  # not due on 15 June
    return {"land": land, "sign": sign, "parcel": parcel}


def test_page_shows_the_report_of_the_day(org, cashier, login, bills):
    page = login(cashier).get("/billing/arrears/", AS_OF).content.decode()
    assert re.findall(r'<tr data-number="([A-Z0-9]+)"', page) == [bills["sign"].number, bills["land"].number]
    report = arrears_report(actor=SYSTEM, organization=org, as_of=dt.date(2026, 6, 15))
    assert f'id="arrears-total">{report.total:,.2f}<' in page  # 1,120.00 + 848.00
    assert report.total == D("1968.00")
    assert "By kind and year" in page
    # a cashier may not send letters: no ticks, no button
    assert 'name="bills"' not in page


def test_page_filters_by_kind_and_rejects_a_bad_day(org, head, login, bills):
    client = login(head)
    page = client.get("/billing/arrears/", {**AS_OF, "kind": "signboard_tax"}).content.decode()
    assert re.findall(r'<tr data-number="([A-Z0-9]+)"', page) == [bills["sign"].number]
    response = client.get("/billing/arrears/", {"as_of": "15/06/2569"})
    assert response.status_code == 422 and 'data-field="as_of"' in response.content.decode()
    assert client.get("/billing/arrears/arrears.xlsx", {"as_of": "nope"}).status_code == 422


def test_excel_export_reads_back(org, cashier, login, bills):
    response = login(cashier).get("/billing/arrears/arrears.xlsx", AS_OF)
    assert response["Content-Disposition"].endswith('.xlsx"')
    book = load_workbook(io.BytesIO(response.content))
    sheet = book.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Arrears as of 2026-06-15"
    header = rows[1]
    assert header[0] == "Bill number" and header[13] == "Total"
    body = {r[0]: r for r in rows[2:-1]}
    land = body[bills["land"].number]
    assert land[2] == 2569 and land[7].date() == dt.date(2026, 4, 30) and land[8] == 46
    assert [D(str(v)).quantize(D("0.01")) for v in land[10:14]] == [
        D("1000.00"),
        D("100.00"),
        D("20.00"),
        D("1120.00"),
    ]
    assert D(str(rows[-1][13])).quantize(D("0.01")) == D("1968.00")  # the total row
    groups = list(book.worksheets[1].iter_rows(values_only=True))
    assert [(g[0], g[1], g[2]) for g in groups[1:]] == [
        ("Land and building tax", 2569, 1),
        ("Signboard tax", 2569, 1),
    ]


def test_excel_export_defuses_formulas(org, cashier, login):
    bill = issue(org, "1000.00")
    bill.payer_name = '=HYPERLINK("http://x")'
    bill.save(update_fields=["payer_name"])
    book = load_workbook(io.BytesIO(login(cashier).get("/billing/arrears/arrears.xlsx", AS_OF).content))
    assert book.worksheets[0].cell(row=3, column=4).value == '\'=HYPERLINK("http://x")'


def test_geojson_export_reads_back(org, cashier, login, bills):
    response = login(cashier).get("/billing/arrears/arrears.geojson", AS_OF)
    assert response["Content-Type"] == "application/geo+json"
    body = json.loads(response.content)
    assert body["type"] == "FeatureCollection" and body["as_of"] == "2026-06-15"
    features = {f["id"]: f for f in body["features"]}
    land, sign = features[bills["land"].number], features[bills["sign"].number]
    parcel = bills["parcel"]
    assert land["geometry"] == {
        "type": "Point",
        "coordinates": [round(parcel.location.x, 6), round(parcel.location.y, 6)],
    }
    assert sign["geometry"] is None  # a signboard bill names no parcel
    assert land["properties"]["total"] == "1120.00" and land["properties"]["days_overdue"] == 46


def test_warning_letters_for_ticked_bills_and_their_pdf(org, head, login, bills, tmp_path):
    client = login(head)
    response = client.post(
        "/billing/arrears/letters", {"bills": [bills["land"].number, bills["sign"].number, "NOPE"]}
    )
    letters = list(WarningLetter.objects.order_by("pk"))
    assert {w.bill for w in letters} == {bills["land"], bills["sign"]}
    assert response.status_code == 302 and response.url.startswith("/billing/letters/?ids=")
    page = client.get(response.url).content.decode()
    assert "2 warning letters issued." in page and "1 bills were skipped" in page
    assert bills["land"].number in page
    pdf = client.get("/billing/letters/letters.pdf", {"ids": ",".join(str(w.pk) for w in letters)})
    assert pdf["Content-Type"] == "application/pdf"
    text = pdf_text(pdf.content, tmp_path)
    assert bills["land"].number in text and bills["sign"].number in text and "หนังสือแจ้งเตือน" in text
    # ticking them again issues nothing new
    client.post("/billing/arrears/letters", {"bills": [bills["land"].number]})
    assert WarningLetter.objects.count() == 2


def test_letters_need_a_choice(org, head, login, bills):
    client = login(head)
    response = client.post("/billing/arrears/letters", {})
    assert response.status_code == 302
    assert "Tick the overdue bills" in client.get(response.url).content.decode()
    response = client.get("/billing/letters/letters.pdf")
    assert response.status_code == 302
    assert "Choose the letters to print." in client.get(response.url).content.decode()
    response = client.get("/billing/letters/letters.pdf", {"ids": "1,x"})
    assert response.status_code == 302


def test_recording_a_letters_delivery_steps_up_the_penalty(org, head, login, bills):
    client = login(head)
    client.post("/billing/arrears/letters", {"bills": [bills["land"].number]})
    letter = WarningLetter.objects.get()
    page = client.get("/billing/letters/").content.decode()
    assert f'action="/billing/letters/{letter.pk}/received"' in page
    response = client.post(
        f"/billing/letters/{letter.pk}/received", {f"w{letter.pk}-received_on": "2020-01-01"}
    )
    assert response.status_code == 422 and "Between the issue date and today." in response.content.decode()
    letter.issued_on = dt.date(2026, 5, 10)  # as if sent in May
    letter.save(update_fields=["issued_on"])
    response = client.post(
        f"/billing/letters/{letter.pk}/received",
        {f"w{letter.pk}-received_on": "2026-05-12", "next": "https://elsewhere.example/"},
    )
    assert response.status_code == 302 and response.url == "/billing/letters/"
    letter.refresh_from_db()
    assert letter.received_on == dt.date(2026, 5, 12) and letter.deadline == dt.date(2026, 6, 11)
    report = arrears_report(actor=SYSTEM, organization=org, as_of=dt.date(2026, 6, 15))
    row = next(r for r in report.rows if r.bill == bills["land"])
    assert row.penalty == D("400.00")  # 40%: the letter's deadline has passed
    assert client.post("/billing/letters/999999/received", {}).status_code == 404


def test_each_export_is_audited_with_its_rows_and_filters(org, cashier, login, bills):
    """Exports of payers' names leave a trace: who, which file, how many rows, which filters (issue 8)."""
    from muang.core.models import AuditEntry

    client = login(cashier)
    client.get("/billing/arrears/arrears.xlsx", {**AS_OF, "kind": "land_building_tax"})
    client.get("/billing/arrears/arrears.geojson", AS_OF)
    entries = list(AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).order_by("pk"))
    assert [(e.object_type, e.object_repr) for e in entries] == [
        ("billing.arrears", f"arrears-{org.slug}-20260615.xlsx"),
        ("billing.arrears", f"arrears-{org.slug}-20260615.geojson"),
    ]
    assert entries[0].changes == {"rows": 1, "filters": {"as_of": "2026-06-15", "kind": "land_building_tax"}}
    assert entries[1].changes["rows"] == 2 and entries[0].actor_user == cashier
