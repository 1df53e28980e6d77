"""Officers at work in a real browser, on a phone and on a desk: the queue's search and filters (Buddhist-Era
dates, the map's area, statuses as tick boxes) and a progress update that leaves the status where it is."""

import re

import pytest

from muang.cases.models import Case
from muang.cases.services import case_assign, case_change_status
from muang.cases.tests.conftest import make_town
from muang.cases.tests.factories import bkk, submit_case
from muang.conftest import load_area_slice
from muang.core.tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESK = {"width": 1280, "height": 900}


def sign_in(page, url: str, user, next_path: str) -> None:
    page.goto(f"{url}/accounts/login/?next={next_path}")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(re.escape(next_path.split("?")[0])))


@pytest.mark.parametrize("viewport", [PHONE, DESK], ids=["phone", "desk"])
def test_a_public_message_alone_leaves_the_case_in_progress(
    live_server, in_chromium, tmp_path, settings, viewport
):
    """Issue 8 item 10."""
    settings.LANGUAGE_CODE = "th"
    load_area_slice()
    town = make_town()
    case = submit_case(town.category, location=town.org.boundary.point_on_surface)
    case = case_assign(actor=town.head, case=case, assignee=town.officer.user)
    case_change_status(actor=town.officer, case=case, status="in_progress")

    def steps(page) -> None:
        sign_in(page, live_server.url, town.officer.user, f"/work/cases/{case.tracking_code}/")
        page.wait_for_selector("#case-map[data-ready='1']")  # the place, on a map at the top
        select = page.locator("#status_status")
        assert select.input_value() == "in_progress"
        assert "กำลังดำเนินการ" in select.locator("option:checked").inner_text()
        page.fill("#status_message", "รอชิ้นส่วนหลอดไฟ คาดว่าเสร็จวันศุกร์")
        page.screenshot(path=tmp_path / "case-update.png", full_page=True)
        page.click("#status-form button[type=submit]")
        page.wait_for_selector(".messages")
        assert page.locator("#status").inner_text() == "กำลังดำเนินการ"
        assert "รอชิ้นส่วนหลอดไฟ" in page.locator("#timeline").inner_text()
        page.screenshot(path=tmp_path / "case-updated.png", full_page=True)

    in_chromium(steps, viewport=viewport)
    case.refresh_from_db()
    assert case.status.code == "in_progress" and case.is_open


@pytest.mark.parametrize("viewport", [PHONE, DESK], ids=["phone", "desk"])
def test_an_officer_finds_cases_by_code_phone_words_dates_and_the_map(
    live_server, in_chromium, tmp_path, settings, viewport
):
    """Issue 8 item 16."""
    settings.LANGUAGE_CODE = "th"
    load_area_slice()
    town = make_town()
    here = town.org.boundary.point_on_surface
    november = submit_case(
        town.category,
        now=bkk(2026, 11, 3, 10),
        location=here,
        description="ไฟถนนดับหน้าวัดป่า",
        contact_phone="081-234-5678",
    )
    december = submit_case(
        town.category, now=bkk(2026, 12, 1, 10), location=here, description="ท่อระบายน้ำอุดตัน ซอย 4"
    )
    far = submit_case(town.category, now=bkk(2026, 12, 2, 10), location=None, address="ตลาดสด")

    def shown(page) -> set[str]:
        return set(
            page.locator("#queue tbody tr[data-code]").evaluate_all("rows => rows.map(r => r.dataset.code)")
        )

    def steps(page) -> None:
        sign_in(page, live_server.url, town.head.user, "/work/cases/")
        assert shown(page) == {november.tracking_code, december.tracking_code, far.tracking_code}

        # The search box: a tracking code as people read it out, a phone number typed any way, Thai words.
        for typed, expected in (
            (november.tracking_code.lower().replace("-", " "), {november.tracking_code}),
            ("0812345678", {november.tracking_code}),
            ("ท่อระบาย", {december.tracking_code}),
        ):
            page.fill("#filter_q", typed)
            with page.expect_navigation():
                page.press("#filter_q", "Enter")
            assert shown(page) == expected, typed
        page.fill("#filter_q", "")

        # Dates in the Buddhist Era, typed or chosen on the calendar; statuses are tick boxes.
        page.click("#more-filters summary")
        page.fill("#filter_created_from", "1/12/2569")
        picker = page.locator("#filter_created_to + .thai-date-button + .thai-date-picker")
        picker.evaluate("(p) => { p.value = '2026-12-01'; p.dispatchEvent(new Event('change')); }")
        assert page.input_value("#filter_created_to") == "01/12/2569"
        page.check("#filter_status input[value='received']")
        page.screenshot(path=tmp_path / "queue-filters.png", full_page=True)
        with page.expect_navigation():
            page.click("#filter-button")
        assert shown(page) == {december.tracking_code}
        assert page.input_value("#filter_created_from") == "01/12/2569"
        assert page.locator("#active-filters").inner_text() == "3"

        # Only what the map shows: a switch on the map, never typed coordinates.
        with page.expect_navigation():
            page.click("#clear-filters")
        page.wait_for_selector("#queue-map[data-ready='1']")
        with page.expect_navigation():
            page.check("#in-view")
        page.wait_for_selector("#area-filter")
        assert shown(page) == {
            november.tracking_code,
            december.tracking_code,
        }  # the one without a place is out
        page.wait_for_selector("#queue-map[data-ready='1']")
        page.screenshot(path=tmp_path / "queue-map-area.png", full_page=True)
        with page.expect_navigation():
            page.click("#area-clear")
        assert len(shown(page)) == 3

    in_chromium(steps, viewport=viewport)
    assert Case.objects.filter(organization=town.org).count() == 3
