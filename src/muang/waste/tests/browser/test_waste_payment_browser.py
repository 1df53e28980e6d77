"""A household pays its waste fee by Thai QR (the bank's statement reports it) and the arrears list shrinks; a
citizen's report of a missed collection reaches the route's crew on their phone. Real Chromium, in Thai."""

import datetime as dt

import pytest

from muang.billing.models import Bill
from muang.billing.services.reconciliation import bank_statement_import
from muang.billing.tests.factories import muang_csv
from muang.cases.services.setup import seed_statuses
from muang.cases.tests.factories import CaseCategoryFactory, submit_case
from muang.conftest import load_area_slice
from muang.core.tests.factories import PASSWORD, DepartmentFactory
from muang.testing.browser import click_menu
from muang.waste.models import Stop
from muang.waste.services.billing import waste_billing_run
from muang.waste.services.collection import missed_collections_dispatch
from muang.waste.tests.conftest import make_waste_town

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page, url: str, user) -> None:
    page.goto(f"{url}/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{url}/")


def test_a_qr_payment_shrinks_the_arrears_and_a_missed_collection_reaches_the_crew(
    live_server, in_chromium, settings
):
    settings.LANGUAGE_CODE = "th"
    load_area_slice()
    town = make_waste_town()
    for month in (dt.date(2026, 1, 1), dt.date(2026, 2, 1)):
        waste_billing_run(actor=town.finance_head, organization=town.org, period=month, issued_on=month)
    jan = Bill.objects.get(source_ref=f"waste:account:202601.{town.home.pk}")

    def pay_by_qr() -> None:  # the bank reports the household's Thai QR payment (Ref1 = the bill number)
        bank_statement_import(
            actor=town.finance_officer,
            organization=town.org,
            data=muang_csv([("2026-03-08", "09:00", jan.number, "2569", "20.00", "QR1")]),
            filename="qr-20260308.csv",
        )

    def arrears(page) -> None:
        url = live_server.url
        _sign_in(page, url, town.finance_officer.user)
        page.goto(f"{url}/waste/arrears/")
        row = page.locator('tr[data-account="H001"]')
        assert row.locator("td").nth(2).inner_text() == "2"  # two months unpaid
        assert "ค้างชำระ 2 ราย" in page.locator("#arrears-summary").inner_text()
        pay_by_qr()
        page.reload()
        assert row.locator("td").nth(2).inner_text() == "1"
        assert "40.00" not in row.inner_text() and "20.00" in row.inner_text()

    in_chromium(arrears)

    seed_statuses(town.org)
    desk = DepartmentFactory(organization=town.org, code="palad")
    garbage = CaseCategoryFactory(organization=town.org, code="garbage", default_department=desk)
    stop = Stop.objects.get(route=town.route, seq=2)
    case = submit_case(garbage, location=stop.location, description="รถขยะไม่มาเก็บสามวันแล้ว")
    assert missed_collections_dispatch(organization=town.org) == 1  # the periodic task's one pass

    def crew(page) -> None:
        url = live_server.url
        _sign_in(page, url, town.health_officer.user)
        click_menu(page, "/waste/crew/")
        page.wait_for_selector('section.crew-route[data-route="R1"]')
        missed = page.locator(f'li[data-seq="2"] .crew-missed[data-case="{case.tracking_code}"]')
        assert missed.count() == 1 and "มีผู้แจ้งว่าไม่มีการเก็บขยะ" in missed.inner_text()
        page.fill("#id_stops_collected", "3")
        page.click("section.crew-route button[type=submit]")
        page.wait_for_selector(".crew-trip")
        # The route on the map: its three stops in order, joined by a line.
        page.goto(f"{url}/waste/routes/{town.route.pk}/")
        page.wait_for_selector('#route-map[data-ready="1"]')
        assert page.locator("#route-map path.stop").count() == 3

    in_chromium(crew)
