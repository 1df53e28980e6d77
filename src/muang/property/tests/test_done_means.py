"""Issue 4's "done means", end to end through the pages a tax office and a citizen use: an officer imports
parcels, sets the year's tables, runs the assessment, prints notices whose QR a banking app could pay, imports
a bank file, and sees the map turn from unpaid to paid; the citizen signs in, sees the bill and its QR code,
pays it by that code (it arrives in the bank file) and sees it paid."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from muang.billing import thaiqr
from muang.billing.demo import demo_bank_statement
from muang.billing.models import Bill, BillKind, BillStatus
from muang.billing.tests.factories import BILLER_ID, billing_organization
from muang.billing.tests.test_services_notices import qr_codes
from muang.core.models import Notification, Role
from muang.core.tests.factories import member
from muang.property.models import AssessmentRun, Parcel
from muang.property.tests.factories import inside, square

pytestmark = pytest.mark.django_db
CITIZEN_ID = "3400500123455"


def client_of(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def token_in(html: str) -> str:
    return re.search(r'name="token" value="([^"]+)"', html).group(1)


def map_status(officer, org, code, year) -> str:
    extent = ",".join(f"{v:.6f}" for v in org.boundary.extent)
    features = officer.get("/tax/map/parcels.geojson", {"bbox": extent, "year": year}).json()["features"]
    return next(f["properties"]["status"] for f in features if f["properties"]["code"] == code)


def test_an_officer_bills_the_registry_and_the_map_turns_paid_as_the_citizen_pays(
    areas, tmp_path, django_capture_on_commit_callbacks
):
    year = timezone.localdate().year
    org = billing_organization()
    officer = client_of(member(org, Role.SYSTEM_ADMIN))

    # 1. Import parcels from the Land Office's CSV: a dry run first, then the import.
    rows = [
        "code,deed_no,area_m2,land_use,wkt",
        f'01A001,5001,400,other,"{square(inside(org, 1)).wkt}"',
        f'01A002,5002,400,other,"{square(inside(org, 3)).wkt}"',
    ]
    upload = ("parcels.csv", "\n".join(rows).encode())
    page = officer.post(
        "/tax/parcels/import/", {"file": SimpleUploadedFile(*upload), "srid": "4326"}
    ).content.decode()
    assert "2 accepted" in page and not Parcel.objects.exists(), "the dry run writes nothing"
    assert (
        officer.post(
            "/tax/parcels/import/", {"token": token_in(page), "reason": "ข้อมูลสำนักงานที่ดิน"}
        ).status_code
        == 302
    )
    assert Parcel.objects.filter(organization=org).count() == 2

    # Owners and their parcels on 1 January (the registry API the survey team uses).
    api = f"/api/v1/organizations/{org.slug}"
    owners = []
    for national_id, name, code in [(CITIZEN_ID, "สมหญิง", "01A001"), ("1101700230708", "สมชาย", "01A002")]:
        owner = officer.post(
            f"{api}/owners",
            {"national_id": national_id, "name": name, "last_name": "รักเมือง", "phone": "0812345678"},
            content_type="application/json",
        )
        assert owner.status_code == 201, owner.content
        owners.append(owner.json()["id"])
        link = officer.post(
            f"{api}/ownerships",
            {"owner_id": owner.json()["id"], "parcel_code": code, "valid_from": f"{year - 3}-01-01"},
            content_type="application/json",
        )
        assert link.status_code == 201, link.content

    # 2. The year's tables: create the year, import the land prices (dry run, then confirm).
    assert officer.post("/tax/years/", {"year": year}).status_code == 302
    prices = SimpleUploadedFile("prices.csv", b"key,price\n01A,5000\n")
    page = officer.post(
        f"/tax/years/{year}/import", {"table": "land_prices", "file": prices}
    ).content.decode()
    confirm = officer.post(f"/tax/years/{year}/import", {"token": token_in(page), "reason": "บัญชีราคาประเมิน"})
    assert confirm.status_code == 302

    # 3. Run the assessment (a background job; immediate under tests) and issue the bills.
    with django_capture_on_commit_callbacks(execute=True):
        assert officer.post("/tax/assessment/start", {"year": year}).status_code == 302
    run = AssessmentRun.objects.get(organization=org)
    assert run.status == AssessmentRun.Status.DONE and run.assessments_count == 2
    issued = officer.post(f"/tax/assessment/runs/{run.pk}/bills", {"lb-issued_on": f"{year}-02-10"})
    assert issued.status_code == 302
    bill = Bill.objects.get(organization=org, kind=BillKind.LAND_BUILDING_TAX, payer_tax_id=CITIZEN_ID)
    assert 0 < bill.amount < 3000 and not bill.has_instalments

    # 4. The notice: a PDF whose QR is a Thai QR bill payment to the organisation for this bill.
    pdf = officer.get(f"/billing/bills/{bill.number}/notice.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    (payload,) = qr_codes(pdf.content, tmp_path)
    qr = thaiqr.parse(payload)  # checks the CRC too
    assert qr.kind == thaiqr.QRKind.BILL_PAYMENT and qr.amount == bill.amount
    assert (qr.biller_id, qr.ref1, qr.ref2) == (BILLER_ID, bill.number, bill.ref2)

    # The map shows both parcels unpaid.
    assert map_status(officer, org, "01A001", year) == "unpaid"

    # 5. The citizen signs in with the national ID and the code sent to the phone on file, sees the bill
    # and its QR code.
    citizen = Client()
    sent = citizen.post(f"/my-tax/{org.slug}/", {"tax_id": CITIZEN_ID})
    code = Notification.objects.filter(channel=Notification.Channel.SMS).get().messages[0]["text"][:6]
    assert citizen.post(sent.url, {"code": code}).status_code == 302
    home = citizen.get(f"/my-tax/{org.slug}/home/").content.decode()
    assert bill.number in home
    mine = citizen.get(f"/my-tax/{org.slug}/bills/{bill.number}/")
    assert (
        mine.status_code == 200
        and citizen.get(f"/my-tax/{org.slug}/bills/{bill.number}/qr.png")["Content-Type"] == "image/png"
    )
    other = Bill.objects.exclude(pk=bill.pk).get(organization=org, kind=BillKind.LAND_BUILDING_TAX)
    assert citizen.get(f"/my-tax/{org.slug}/bills/{other.number}/").status_code == 404

    # 6. The citizen pays by the QR code in a banking app; the bank's statement comes in the next morning.
    statement = demo_bank_statement([bill], paid_on=timezone.localdate(), format="muang")
    uploaded = officer.post(
        "/billing/bank/",
        {
            "bank_format": "muang",
            "file": SimpleUploadedFile("statement.csv", statement, content_type="text/csv"),
        },
    )
    assert uploaded.status_code == 302, uploaded.content.decode()[:3000]
    bill.refresh_from_db()
    assert bill.status == BillStatus.PAID

    # The map turns paid for that parcel; the other is still unpaid. The citizen sees it paid.
    assert map_status(officer, org, "01A001", year) == "paid"
    assert map_status(officer, org, "01A002", year) == "unpaid"
    page = citizen.get(f"/my-tax/{org.slug}/bills/{bill.number}/")
    assert page.context["bill"].status == BillStatus.PAID
