"""The pages: the mayor's city page, a department's page, the exports, the entry forms (bad input is a form
error on its field, never a 500, nothing written), the public page and a district office's roll-up."""

import io
from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from muang.core.access import SYSTEM
from muang.core.models import AuditEntry, Role
from muang.core.tests.factories import DistrictOfficeFactory, OrganizationFactory, member
from muang.core.thai_dates import fiscal_year
from muang.kpi import periods, services
from muang.kpi.models import Indicator, ManualValue, Snapshot
from muang.kpi.tests.conftest import evidence_png

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _last_month():
    return periods.last_closed_month(periods.today())


def _figures(org, waste: str = "24.5", months: int = 3):
    last = _last_month()
    lines = ["indicator,month,value"]
    for month in periods.months_back(last, months):
        lines.append(f"environment.waste_recycled,{month:%Y-%m},{waste}")
    services.csv_import(actor=SYSTEM, organization=org, text="\n".join(lines))
    services.snapshot_month(month=last, organizations=[org])


def test_the_mayor_sees_the_seven_areas_with_figures_targets_and_trend(town):
    _figures(town.org)
    indicator = Indicator.objects.get(code="environment.waste_recycled")
    services.target_set(
        actor=town.executive,
        organization=town.org,
        indicator=indicator,
        fiscal_year=fiscal_year(_last_month()),
        value="30",
    )
    response = client_for(town.executive.user).get(reverse("kpi:city"))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('class="card kpi-area"') == 7
    assert 'data-area="education"' in html and 'data-area="energy"' not in html
    assert 'data-code="environment.waste_recycled"' in html and "24.5" in html
    assert "behind target" in html or "ต่ำกว่าเป้าหมาย" in html
    assert "vendor/uplot/uPlot.iife.min.js" in html and 'id="kpi-data"' in html
    depa = client_for(town.executive.user).get(reverse("kpi:city") + "?framework=depa").content.decode()
    assert 'data-area="energy"' in depa and 'data-area="education"' not in depa
    # The standard an indicator answers to is cited in the reader's language (the catalogue's references).
    assert "solid waste that is recycled" in html
    thai = client_for(town.executive.user)
    thai.cookies[settings.LANGUAGE_COOKIE_NAME] = "th"
    html = thai.get(reverse("kpi:city")).content.decode()
    assert "ISO 37120:2018 — ร้อยละของขยะมูลฝอยของเมืองที่นำกลับมาใช้ใหม่" in html
    assert "solid waste that is recycled" not in html
    assert client_for(town.executive.user).get(reverse("kpi:city") + "?framework=nope").status_code == 404


def test_a_departments_page_shows_the_indicators_of_its_duties(town):
    town.health.duties = ["public_health"]
    town.health.save()
    _figures(town.org)
    html = client_for(town.other_head.user).get(reverse("kpi:department", args=["health"])).content.decode()
    assert 'data-code="environment.waste_recycled"' in html and 'data-code="cases.satisfaction"' not in html
    assert client_for(town.other_head.user).get(reverse("kpi:department", args=["nope"])).status_code == 404


def test_the_exports_for_the_council(town):
    from openpyxl import load_workbook

    _figures(town.org)
    client = client_for(town.executive.user)
    response = client.get(reverse("kpi:export-xlsx"))
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.values)
    assert rows[0][0] == town.org.name_th
    waste = next(r for r in rows if r[1] in ("Share of solid waste recycled", "ขยะมูลฝอยที่นำกลับมาใช้ใหม่"))
    assert waste[-1] == 24.5
    pdf = client.get(reverse("kpi:export-pdf"))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_a_figure_without_evidence_or_out_of_range_is_a_form_error_on_its_field(town):
    client = client_for(town.officer.user)
    url = reverse("kpi:values")
    assert client.get(url).status_code == 200
    month = _last_month().isoformat()
    response = client.post(
        url, {"action": "enter", "indicator": "living.piped_water", "month": month, "value": "50"}
    )
    assert response.status_code == 400 and b'data-field="evidence"' in response.content
    response = client.post(
        url,
        {
            "action": "enter",
            "indicator": "living.piped_water",
            "month": month,
            "value": "150",
            "evidence": evidence_png(),
        },
    )
    assert response.status_code == 400 and b'data-field="value"' in response.content
    assert not ManualValue.objects.exists()
    response = client.post(
        url,
        {
            "action": "enter",
            "indicator": "living.piped_water",
            "month": month,
            "value": "88",
            "evidence": evidence_png(),
        },
    )
    assert response.status_code == 302
    entry = ManualValue.objects.get()
    # The evidence is served to the organisation's staff only.
    assert client.get(entry.evidence.url).status_code == 200
    outsider = client_for(member(OrganizationFactory(), Role.EXECUTIVE))
    assert outsider.get(entry.evidence.url).status_code in (403, 404)
    # The head approves it: it becomes the month's figure.
    response = client_for(town.head.user).post(
        reverse("kpi:decide", args=[entry.pk]), {"decision": "approve"}
    )
    assert response.status_code == 302
    assert Snapshot.objects.get(indicator__code="living.piped_water").value == Decimal("88")
    # Deciding it again is said on the page, not a 500; nothing changes.
    again = client_for(town.executive.user).post(
        reverse("kpi:decide", args=[entry.pk]), {"decision": "reject"}
    )
    assert again.status_code == 302
    entry.refresh_from_db()
    assert entry.status == ManualValue.Status.APPROVED


def test_a_bad_csv_names_its_line_on_the_form(town):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(town.officer.user)
    text = "indicator,month,value\nenvironment.waste_recycled,2500-13,2\n"
    upload = SimpleUploadedFile("x.csv", text.encode(), content_type="text/csv")
    response = client.post(reverse("kpi:values"), {"action": "import", "file": upload})
    assert response.status_code == 400 and b'data-field="file"' in response.content
    assert not Snapshot.objects.exists()
    latin = SimpleUploadedFile("x.csv", "indicator,month,value\nà,1,1\n".encode("latin-1"))
    assert client.post(reverse("kpi:values"), {"action": "import", "file": latin}).status_code == 400


def test_targets_and_recompute_refuse_bad_input_on_their_fields(town):
    client = client_for(town.executive.user)
    url = reverse("kpi:manage")
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"action": "target", "indicator": "cases.satisfaction", "fiscal_year": "2590", "value": "4"}
    )
    assert response.status_code == 400 and b'data-field="fiscal_year"' in response.content
    response = client.post(url, {"action": "recompute", "month": _last_month().isoformat(), "reason": ""})
    assert response.status_code == 400 and b'data-field="reason"' in response.content
    before = AuditEntry.objects.count()
    assert client.post(url, {"action": "publish", "public": "1"}).status_code == 302
    assert AuditEntry.objects.count() == before + 1


def test_the_public_page_only_when_the_city_shows_it(town):
    _figures(town.org)
    url = reverse("kpi:public", args=[town.org.slug])
    assert Client().get(url).status_code == 404
    services.publication_set(actor=town.executive, organization=town.org, is_public=True)
    html = Client().get(url).content.decode()
    assert 'data-code="environment.waste_recycled"' in html and "kpi:values" not in html
    assert "Excel" not in html


def test_the_district_office_compares_its_local_governments_from_the_snapshots(areas):
    office = DistrictOfficeFactory()
    busy, quiet = OrganizationFactory(name_th="เทศบาลตำบลขยัน"), OrganizationFactory(name_th="อบต.เงียบ")
    elsewhere = OrganizationFactory(district_id="4001", subdistrict_id=None)
    _figures(busy, "30")
    _figures(quiet, "10")
    _figures(elsewhere, "99")
    # The busy one resolved complaints: the cases module counts as used there.
    sla = Indicator.objects.get(code="cases.resolved_within_sla")
    Snapshot.objects.filter(organization=busy, indicator=sla).update(value=Decimal("90"))
    services.rollup_refresh(month=_last_month())  # the monthly job writes the roll-up from the snapshots
    overseer = member(office, Role.OVERSEER)
    response = client_for(overseer).get(reverse("kpi:rollup"))
    assert response.status_code == 200
    rollup = response.context["rollup"]
    names = [r.name for r in rollup.rows]
    assert names == ["เทศบาลตำบลขยัน", "อบต.เงียบ"]  # never another district's
    waste = Indicator.objects.get(code="environment.waste_recycled")
    first, second = rollup.rows
    assert (
        first.values[waste.pk] == Decimal("30") and first.ranks[waste.pk] == 1 and second.ranks[waste.pk] == 2
    )
    assert first.months_used == {"cases": 1} and first.adoption > second.adoption == 0
    html = response.content.decode()
    assert 'id="adoption-definition"' in html and "เทศบาลตำบลขยัน" in html
    assert "✓ 1/3" in html and "#1" in html  # the module marks and the ranks are on the page
    # A local government's executive holds rollup.view too, but has nothing to compare.
    lg_exec = member(busy, Role.EXECUTIVE)
    assert client_for(lg_exec).get(reverse("kpi:rollup")).status_code == 200
    # An officer of the office has no roll-up.
    assert client_for(member(office, Role.OFFICER)).get(reverse("kpi:rollup")).status_code == 403
