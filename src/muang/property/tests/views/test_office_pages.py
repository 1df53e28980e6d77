"""The tax office pages (/tax/): who may open them, another organisation's objects (404), form errors,
the assessment run with its progress, issuing bills with the summary, imports with a dry run, exports."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from muang.billing.models import Bill, BillKind
from muang.billing.tests.factories import billing_organization
from muang.core.models import Duty, Role
from muang.core.tests.factories import UserFactory, member
from muang.property.models import AssessmentRun, LandPrice, Ownership, Parcel, TaxYear
from muang.property.tests.factories import OwnerFactory, ParcelFactory, inside, square, tax_year_fields

YEAR = 2026
pytestmark = pytest.mark.django_db


@pytest.fixture
def org(areas):
    return billing_organization()


@pytest.fixture
def tax_year(org):
    return TaxYear.objects.create(organization=org, year=YEAR, **tax_year_fields(YEAR))


@pytest.fixture
def owner(org, tax_year):
    owner = OwnerFactory(organization=org)
    parcel = ParcelFactory(organization=org, use="other", share_residential=0, share_other=100)
    LandPrice.objects.create(
        organization=org, tax_year=tax_year, key=parcel.code, price_per_square_wah=Decimal(150000)
    )
    Ownership.objects.create(organization=org, owner=owner, parcel=parcel, valid_from=dt.date(2020, 1, 1))
    return owner


def client_of(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def admin(org):
    return client_of(member(org, Role.SYSTEM_ADMIN))


@pytest.fixture
def officer(org):
    return client_of(member(org, Role.OFFICER, duties=[Duty.TAX]))


def run_via_page(client, django_capture_on_commit_callbacks) -> AssessmentRun:
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/tax/assessment/start", {"year": YEAR})
    assert response.status_code == 302
    return AssessmentRun.objects.latest("pk")


def test_pages_need_a_signed_in_member_with_property_view(org, admin, officer, tax_year):
    assert Client().get("/tax/").status_code == 302  # to the sign-in page
    assert client_of(UserFactory()).get("/tax/").status_code == 403
    overseer_org = billing_organization()
    assert client_of(member(overseer_org, Role.OVERSEER)).get("/tax/").status_code == 403
    for path in (
        "/tax/",
        "/tax/assessment/",
        "/tax/assessment/taxpayers/",
        "/tax/years/",
        f"/tax/years/{YEAR}/",
    ):
        assert officer.get(path).status_code == 200, path
        assert admin.get(path).status_code == 200, path
    assert officer.get("/tax/parcels/import/").status_code == 403  # property.edit
    assert officer.post("/tax/assessment/start", {"year": YEAR}).status_code == 403  # valuation.edit
    assert not AssessmentRun.objects.exists()


def test_overview_counts(org, admin, owner, django_capture_on_commit_callbacks):
    ParcelFactory(organization=org, survey_status=Parcel.SurveyStatus.NOT_SURVEYED)
    run_via_page(admin, django_capture_on_commit_callbacks)
    page = admin.get(f"/tax/?year={YEAR}").content.decode()
    assert "1 surveyed, 1 not yet surveyed" in page
    assert "190,000.00" in page and "1 taxpayers, 1 with tax due" in page


def test_run_progress_and_issue_bills_with_the_summary(org, admin, owner, django_capture_on_commit_callbacks):
    run = run_via_page(admin, django_capture_on_commit_callbacks)
    assert run.status == AssessmentRun.Status.DONE
    progress = admin.get(f"/tax/assessment/runs/{run.pk}/progress", HTTP_HX_REQUEST="true")
    assert progress.status_code == 200 and progress["HX-Refresh"] == "true"
    assert 'data-status="done"' in progress.content.decode()
    page = admin.get(f"/tax/assessment/?year={YEAR}").content.decode()
    assert 'data-testid="issue-bills"' in page
    response = admin.post(f"/tax/assessment/runs/{run.pk}/bills", {"lb-issued_on": "2026-02-10"})
    assert response.status_code == 302
    bill = Bill.objects.get(organization=org, kind=BillKind.LAND_BUILDING_TAX)
    assert bill.source_ref == f"property:owner:{owner.pk}" and bill.amount == Decimal("190000.00")
    page = admin.get(response["Location"]).content.decode()
    assert 'data-testid="bills-summary"' in page and 'data-testid="summary-issued">1<' in page
    # the summary is shown once
    assert 'data-testid="bills-summary"' not in admin.get(response["Location"]).content.decode()


def test_issue_bills_form_errors_are_precise(org, admin, owner, django_capture_on_commit_callbacks):
    run = run_via_page(admin, django_capture_on_commit_callbacks)
    response = admin.post(
        f"/tax/assessment/runs/{run.pk}/bills", {"lb-issued_on": "2026-05-10", "lb-due_date": "2026-05-01"}
    )
    assert response.status_code == 422
    assert "The due date cannot be before the issue date." in response.content.decode()
    assert admin.post(f"/tax/assessment/runs/{run.pk}/bills", {}).status_code == 422
    assert not Bill.objects.exists()


def test_an_officer_without_bill_issue_sees_no_button_and_is_refused(
    org, admin, officer, owner, django_capture_on_commit_callbacks
):
    run = run_via_page(admin, django_capture_on_commit_callbacks)
    assert 'data-testid="issue-bills"' not in officer.get(f"/tax/assessment/?year={YEAR}").content.decode()
    assert (
        officer.post(f"/tax/assessment/runs/{run.pk}/bills", {"lb-issued_on": "2026-02-10"}).status_code
        == 403
    )
    assert not Bill.objects.exists()


def test_a_second_start_while_one_runs_says_so(org, admin, tax_year):
    AssessmentRun.objects.create(organization=org, tax_year=tax_year, year=YEAR, started_by_label="x")
    response = admin.post("/tax/assessment/start", {"year": YEAR}, follow=True)
    assert "already queued or running" in response.content.decode()
    assert AssessmentRun.objects.count() == 1


def test_another_organisations_objects_are_404(org, admin, owner, django_capture_on_commit_callbacks):
    other = billing_organization()
    other_year = TaxYear.objects.create(organization=other, year=YEAR, **tax_year_fields(YEAR))
    other_owner = OwnerFactory(organization=other)
    other_run = AssessmentRun.objects.create(
        organization=other, tax_year=other_year, year=YEAR, status="done", started_by_label="x"
    )
    run_via_page(admin, django_capture_on_commit_callbacks)
    assert admin.get(f"/tax/assessment/taxpayers/{owner.pk}/?year={YEAR}").status_code == 200
    assert admin.get(f"/tax/assessment/taxpayers/{other_owner.pk}/?year={YEAR}").status_code == 404
    assert admin.get(f"/tax/assessment/runs/{other_run.pk}/progress").status_code == 404
    assert (
        admin.post(f"/tax/assessment/runs/{other_run.pk}/bills", {"lb-issued_on": "2026-02-10"}).status_code
        == 404
    )
    assert admin.get("/tax/years/2031/").status_code == 404
    assert not Bill.objects.exists()


def test_taxpayers_search_and_the_sheet(org, admin, owner, django_capture_on_commit_callbacks):
    run_via_page(admin, django_capture_on_commit_callbacks)
    listed = admin.get(f"/tax/assessment/taxpayers/?year={YEAR}&q={owner.national_id}").content.decode()
    assert owner.display_name in listed
    assert (
        owner.display_name
        not in admin.get(f"/tax/assessment/taxpayers/?year={YEAR}&q=nobody").content.decode()
    )
    sheet = admin.get(f"/tax/assessment/taxpayers/{owner.pk}/?year={YEAR}").content.decode()
    assert 'data-testid="sheet-total">190,000.00<' in sheet
    assert "0.3" in sheet and "0.4" in sheet  # the two bracket slices of commercial land
    assert "Other use" in sheet


def test_signboard_bills_from_the_page(org, admin, owner, tax_year):
    from muang.property.tests.factories import SignboardFactory

    SignboardFactory(owner=owner, installed_on=dt.date(2020, 1, 1))
    response = admin.post("/tax/assessment/signboard-bills", {"year": YEAR, "sb-issued_on": "2026-04-01"})
    assert response.status_code == 302
    assert Bill.objects.get(kind=BillKind.SIGNBOARD_TAX).amount == Decimal("1040.00")


def test_tax_year_create_and_price_edit_with_form_errors(org, admin, officer, tax_year):
    response = admin.post("/tax/years/", {"year": YEAR})
    assert response.status_code == 422 and "already exists" in response.content.decode()
    response = admin.post("/tax/years/", {"year": YEAR + 1, "copy_from": YEAR})
    assert response.status_code == 302 and TaxYear.objects.filter(organization=org, year=YEAR + 1).exists()
    bad = admin.post(
        f"/tax/years/{YEAR}/prices/land", {"key": "ZZ", "price_per_square_wah": "100", "reason": "x"}
    )
    assert bad.status_code == 422 and not LandPrice.objects.filter(key="ZZ").exists()
    missing = admin.post(f"/tax/years/{YEAR}/prices/land", {"key": "01A", "price_per_square_wah": "100"})
    assert missing.status_code == 422 and "This field is required." in missing.content.decode()
    good = admin.post(
        f"/tax/years/{YEAR}/prices/land",
        {"key": "01A", "price_per_square_wah": "4500.50", "reason": "ภ.ด.ส.1"},
    )
    assert good.status_code == 302
    assert LandPrice.objects.get(tax_year=tax_year, key="01A").price_per_square_wah == Decimal("4500.50")
    assert (
        officer.post(
            f"/tax/years/{YEAR}/prices/land", {"key": "01B", "price_per_square_wah": "1", "reason": "x"}
        ).status_code
        == 403
    )


def test_tax_year_settings_change_the_calendar(org, admin, tax_year):
    data = {
        "reduction_percent": "15",
        "notice_by": "2026-03-15",
        "payment_due": "2026-05-31",
        "instalment_2": "2026-06-30",
        "instalment_3": "2026-06-15",
        "signboard_filing_due": "2026-03-31",
        "reason": "Ministry of Interior moved the dates",
    }
    bad = admin.post(f"/tax/years/{YEAR}/settings", data)
    assert bad.status_code == 422 and "Each instalment is due after the one before." in bad.content.decode()
    data["instalment_3"] = "2026-07-31"
    assert admin.post(f"/tax/years/{YEAR}/settings", data).status_code == 302
    tax_year.refresh_from_db()
    assert tax_year.calendar["payment_due"] == "2026-05-31" and tax_year.reduction_percent == Decimal(15)
    assert tax_year.calendar["instalments"] == ["2026-05-31", "2026-06-30", "2026-07-31"]


def _token(html: str) -> str:
    import re

    return re.search(r'name="token" value="([^"]+)"', html).group(1)


def test_table_import_dry_run_then_confirm(org, admin, tax_year):
    bad = SimpleUploadedFile("prices.csv", b"key,price\n01,1200\nXYZ,5\n")
    response = admin.post(f"/tax/years/{YEAR}/import", {"table": "land_prices", "file": bad})
    page = response.content.decode()
    assert 'data-testid="rejected-rows"' in page and "XYZ" in page and 'name="token"' not in page
    good = SimpleUploadedFile("prices.csv", b"key,price\n01,1200\n01A,4500.50\n")
    page = admin.post(f"/tax/years/{YEAR}/import", {"table": "land_prices", "file": good}).content.decode()
    assert "2 accepted" in page and not LandPrice.objects.exists()
    token = _token(page)
    no_reason = admin.post(f"/tax/years/{YEAR}/import", {"token": token, "reason": ""})
    assert no_reason.status_code == 422 and not LandPrice.objects.exists()
    done = admin.post(f"/tax/years/{YEAR}/import", {"token": token, "reason": "ภ.ด.ส.1 of 2569"})
    assert done.status_code == 302
    assert set(LandPrice.objects.values_list("key", flat=True)) == {"01", "01A"}
    again = admin.post(f"/tax/years/{YEAR}/import", {"token": token, "reason": "twice"})
    assert again.status_code == 422 and "upload it again" in again.content.decode()


def test_parcel_import_dry_run_then_confirm_and_the_token_is_per_session(org, admin):
    rows = [
        "code,deed_no,area_m2,land_use,wkt",
        f'02C001,111,1600,agricultural,"{square(inside(org, 20)).wkt}"',
        "02C003,113,10,residential,POLYGON((0 0,1 1)",
    ]
    upload = SimpleUploadedFile("ltax.csv", "\n".join(rows).encode())
    page = admin.post("/tax/parcels/import/", {"file": upload, "srid": "4326"}).content.decode()
    assert 'data-testid="rejected-rows"' in page and "02C003" in page and "1 accepted" in page
    assert not Parcel.objects.exists()
    token = _token(page)
    intruder = client_of(member(org, Role.SYSTEM_ADMIN))  # another session: the token means nothing there
    assert (
        intruder.post(
            "/tax/parcels/import/", {"token": token, "reason": "x", "skip_rejected": "on"}
        ).status_code
        == 422
    )
    refused = admin.post("/tax/parcels/import/", {"token": token, "reason": "LTAX re-keyed"})
    assert refused.status_code == 422 and "rows were rejected" in refused.content.decode()
    done = admin.post(
        "/tax/parcels/import/", {"token": token, "reason": "LTAX re-keyed", "skip_rejected": "on"}
    )
    assert done.status_code == 302
    assert list(Parcel.objects.values_list("code", flat=True)) == ["02C001"]


def test_parcel_import_form_errors(org, admin):
    response = admin.post("/tax/parcels/import/", {"srid": "4326"})
    assert response.status_code == 422 and "This field is required." in response.content.decode()
    pdf = SimpleUploadedFile("map.pdf", b"%PDF")
    response = admin.post("/tax/parcels/import/", {"file": pdf})
    assert response.status_code == 422 and "zipped Shapefile" in response.content.decode()


def test_exports(org, admin, owner, django_capture_on_commit_callbacks):
    import json

    run_via_page(admin, django_capture_on_commit_callbacks)
    xlsx = admin.get(f"/tax/exports/assessments.xlsx?year={YEAR}")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    geo = admin.get(f"/tax/exports/assessments.geojson?year={YEAR}")
    data = json.loads(b"".join(geo.streaming_content))
    [feature] = data["features"]
    assert feature["properties"]["tax"] == "190000.00" and feature["properties"]["taxpayers"] == 1
    assert admin.get("/tax/exports/registry.xlsx").status_code == 200
    parcels = admin.get("/tax/exports/parcels.geojson")
    assert json.loads(b"".join(parcels.streaming_content))["type"] == "FeatureCollection"
    assert Client().get("/tax/exports/registry.xlsx").status_code == 302


def test_list_pages_do_not_query_per_row(org, admin, tax_year, django_capture_on_commit_callbacks):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def add_taxpayers(n):
        for _ in range(n):
            o = OwnerFactory(organization=org)
            p = ParcelFactory(organization=org, use="other", share_residential=0, share_other=100)
            LandPrice.objects.create(
                organization=org, tax_year=tax_year, key=p.code, price_per_square_wah=1000
            )
            Ownership.objects.create(organization=org, owner=o, parcel=p, valid_from=dt.date(2020, 1, 1))

    counts = []
    for n in (2, 8):
        add_taxpayers(n)
        run_via_page(admin, django_capture_on_commit_callbacks)
        for path in (
            f"/tax/assessment/taxpayers/?year={YEAR}",
            f"/tax/?year={YEAR}",
            f"/tax/assessment/?year={YEAR}",
        ):
            with CaptureQueriesContext(connection) as ctx:
                assert admin.get(path).status_code == 200
            counts.append((path, len(ctx.captured_queries)))
    assert counts[:3] == [(p, c) for p, c in counts[3:]], counts


def test_a_run_without_a_sign_of_life_can_be_given_up_with_a_reason(org, admin, officer, tax_year):
    from django.utils import timezone

    from muang.core.models import AuditEntry

    stuck = AssessmentRun.objects.create(
        organization=org,
        tax_year=tax_year,
        year=YEAR,
        status=AssessmentRun.Status.RUNNING,
        started_at=timezone.now() - dt.timedelta(hours=1),
        started_by_label="worker",
    )
    AssessmentRun.objects.filter(pk=stuck.pk).update(created_at=timezone.now() - dt.timedelta(hours=1))
    page = admin.get(f"/tax/assessment/?year={YEAR}").content.decode()
    assert 'data-testid="run-stale"' in page and 'data-testid="run-abandon"' in page
    assert 'data-testid="run-abandon"' not in officer.get(f"/tax/assessment/?year={YEAR}").content.decode()
    assert officer.post(f"/tax/assessment/runs/{stuck.pk}/abandon", {"reason": "x"}).status_code == 403
    no_reason = admin.post(f"/tax/assessment/runs/{stuck.pk}/abandon", {"reason": ""})
    assert no_reason.status_code == 302
    stuck.refresh_from_db()
    assert stuck.status == AssessmentRun.Status.RUNNING, "a reason is required"
    done = admin.post(f"/tax/assessment/runs/{stuck.pk}/abandon", {"reason": "เครื่องประมวลผลดับ"})
    assert done.status_code == 302
    stuck.refresh_from_db()
    assert stuck.status == AssessmentRun.Status.FAILED and "เครื่องประมวลผลดับ" in stuck.error
    assert AuditEntry.objects.filter(object_type="property.AssessmentRun", object_id=str(stuck.pk)).exists()


def test_the_runs_name_who_started_them_never_a_username(org, owner, django_capture_on_commit_callbacks):
    """Issue 8 item 13 on the runs table: the person by name, the worker or demo as the platform."""
    user = member(org, Role.SYSTEM_ADMIN)
    user.first_name, user.last_name = "สมศรี", "ใจดี"
    user.save(update_fields=["first_name", "last_name"])
    client = client_of(user)
    run = run_via_page(client, django_capture_on_commit_callbacks)
    AssessmentRun.objects.create(
        organization=org,
        tax_year=run.tax_year,
        year=YEAR,
        status=AssessmentRun.Status.FAILED,
        started_by_label="system",
    )
    page = client.get(f"/tax/assessment/?year={YEAR}").content.decode()
    assert "สมศรี ใจดี" in page and "<td>the platform</td>" in page
    assert user.username not in page and "<td>system</td>" not in page
