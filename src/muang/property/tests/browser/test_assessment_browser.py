"""A tax officer, in a real browser, runs the year's assessment, sees the progress bar reach done, issues the
land and building tax bills and reads the summary."""

import datetime as dt
from decimal import Decimal

import pytest

from muang.billing.models import Bill
from muang.billing.tests.factories import billing_organization
from muang.conftest import load_area_slice
from muang.core.models import Role
from muang.core.tests.factories import PASSWORD, member
from muang.property.assessment.services.assessment import assessment_run_execute
from muang.property.models import AssessmentRun, LandPrice, Ownership, TaxYear
from muang.property.tests.factories import OwnerFactory, ParcelFactory, tax_year_fields

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
YEAR = 2026


def test_officer_runs_the_assessment_and_issues_the_bills(live_server, in_chromium, tmp_path):
    load_area_slice()
    org = billing_organization()
    user = member(org, Role.SYSTEM_ADMIN)
    tax_year = TaxYear.objects.create(organization=org, year=YEAR, **tax_year_fields(YEAR))
    for n in range(3):
        owner = OwnerFactory(organization=org)
        parcel = ParcelFactory(organization=org, use="other", share_residential=0, share_other=100)
        LandPrice.objects.create(
            organization=org, tax_year=tax_year, key=parcel.code, price_per_square_wah=Decimal(1000 * (n + 1))
        )
        Ownership.objects.create(organization=org, owner=owner, parcel=parcel, valid_from=dt.date(2020, 1, 1))

    def steps(page):
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", user.username)
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{live_server.url}/")
        page.goto(f"{live_server.url}/tax/assessment/?year={YEAR}")
        page.click("[data-testid=start-run]")
        # The worker runs inline in tests: the bar reaches done (htmx stops polling once it has).
        page.wait_for_selector("[data-testid=run-progress][data-status=done]", timeout=15_000)
        assert page.locator("[data-testid=run-progress] progress").get_attribute("value") == "100.0"
        page.fill("#id_lb-issued_on", "2026-02-10")
        page.click("[data-testid=issue-bills]")
        summary = page.wait_for_selector("[data-testid=bills-summary]", timeout=10_000)
        assert page.locator("[data-testid=summary-issued]").inner_text() == "3"
        assert "7,200.00" in summary.inner_text()  # 1,200 + 2,400 + 3,600 baht of other-use land
        page.screenshot(path=tmp_path / "bills.png", full_page=True)

        # A run queued for the worker: the page polls its progress until the worker has finished it.
        queued = AssessmentRun.objects.create(
            organization=org, tax_year=tax_year, year=YEAR, started_by=user, started_by_label=user.username
        )
        page.goto(f"{live_server.url}/tax/assessment/?year={YEAR}")
        page.wait_for_selector("[data-testid=run-progress][data-status=queued]")
        assert page.locator("[data-testid=start-run]").is_disabled()
        assessment_run_execute(run_id=queued.pk)  # what the db_worker does
        page.wait_for_selector(
            f"[data-testid=run-progress][data-status=done] >> text={queued.pk}", timeout=15_000
        )
        assert page.locator("[data-testid=start-run]").is_enabled()  # the page reloaded once the run was done

    in_chromium(steps)
    assert set(AssessmentRun.objects.filter(organization=org).values_list("status", flat=True)) == {"done"}
    assert Bill.objects.filter(organization=org, source_ref__startswith="property:owner:").count() == 3
