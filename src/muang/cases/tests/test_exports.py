"""CSV and Excel exports of cases for a date range: staff only, their department's cases, no contact details."""

import csv
import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from muang.cases.tests.conftest import make_town
from muang.cases.tests.factories import CaseCategoryFactory, bkk, submit_case
from muang.core.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def town(areas):
    return make_town()


def signed_in(actor) -> Client:
    client = Client()
    client.force_login(actor.user)
    return client


def _cases(town):
    january = submit_case(
        town.category,
        now=bkk(2026, 1, 10, 9),
        description='=HYPERLINK("http://evil")',
        contact_phone="0812345678",
        contact_name="สมศรี",
    )
    february = submit_case(town.category, now=bkk(2026, 2, 10, 9))
    health = CaseCategoryFactory(organization=town.org, default_department=town.health)
    other_department = submit_case(health, now=bkk(2026, 1, 11, 9))
    return january, february, other_department


def test_csv_export_for_a_date_range_of_the_officers_department(town):
    january, _february, _other_department = _cases(town)
    response = signed_in(town.officer).get(
        "/work/cases/export", {"created_from": "2026-01-01", "created_to": "2026-01-31", "format": "csv"}
    )
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert [r[0] for r in rows[1:]] == [january.tracking_code]
    assert "0812345678" not in text and "สมศรี" not in text
    assert rows[1][-1].startswith("'=")  # a formula is neutralised
    assert rows[1][1] == "2026-01-10 09:00"  # Bangkok time
    entry = AuditEntry.objects.get(action=AuditEntry.Action.EXPORT)  # who took which cases (issue 8)
    assert entry.actor_user == town.officer.user and entry.object_type == "cases"
    assert entry.object_repr == f"cases-{town.org.slug}-20260101-20260131.csv"
    assert entry.changes == {
        "rows": 1,
        "filters": {"created_from": "2026-01-01", "created_to": "2026-01-31", "department": town.works.code},
    }


def test_excel_export_for_the_executive_covers_every_department(town):
    january, february, other_department = _cases(town)
    response = signed_in(town.executive).get(
        "/work/cases/export", {"created_from": "2026-01-01", "created_to": "2026-02-28", "format": "xlsx"}
    )
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    codes = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert codes == [january.tracking_code, other_department.tracking_code, february.tracking_code]


def test_export_refuses_a_bad_range_naming_the_field_and_strangers(town, client):
    response = signed_in(town.officer).get(
        "/work/cases/export", {"created_from": "2026-02-01", "created_to": "2026-01-01"}
    )
    assert response.status_code == 422 and "created_to" in response.context["form"].errors
    response = client.get("/work/cases/export", {"created_from": "2026-01-01", "created_to": "2026-01-31"})
    assert response.status_code == 302
    other = make_town()
    _cases(town)
    response = signed_in(other.executive).get(
        "/work/cases/export", {"created_from": "2026-01-01", "created_to": "2026-12-31", "format": "csv"}
    )
    assert response.content.decode("utf-8-sig").count("\n") == 1  # the header only: its own organisation


def test_the_export_takes_dates_in_the_buddhist_era(town):
    """Issue 8 item 16: the date fields are dd/mm/yyyy in the Buddhist Era, as Thai officers write them."""
    january, _february, _other_department = _cases(town)
    response = signed_in(town.officer).get(
        "/work/cases/export", {"created_from": "1/1/2569", "created_to": "31/01/2569", "format": "csv"}
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [r[0] for r in rows[1:]] == [january.tracking_code]
    assert "20260101-20260131" in response["Content-Disposition"]
