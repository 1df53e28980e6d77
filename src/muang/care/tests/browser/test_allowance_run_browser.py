"""An officer runs the month's allowances in Chromium: starts December 2569, sees the elder who turned 80 in
November paid the new tier (800) and the person who died stopped, downloads the KTB bank file, and a second
run of the month is refused on the page. Thai labels, B.E. months."""

import datetime as dt
from pathlib import Path

import pytest

from muang.care import allowance_views
from muang.care.services import person_death_record
from muang.care.tests.allowance_helpers import IN_DECEMBER, elder, payer
from muang.care.tests.helpers import carer
from muang.cases.tests.browser.test_queue_browser import sign_in
from muang.conftest import load_area_slice
from muang.core.access import SYSTEM

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_officer_runs_the_month_and_downloads_the_bank_file(
    live_server, in_chromium, tmp_path, settings, monkeypatch
):
    settings.LANGUAGE_CODE = "th"
    monkeypatch.setattr(allowance_views, "_today", lambda: IN_DECEMBER)
    load_area_slice()
    from muang.core.tests.factories import OrganizationFactory

    org = OrganizationFactory()
    officer = carer(org)
    payer(org)
    turned_80, _ = elder(org, 1, dt.date(1946, 11, 14), name="บุญมี")
    died, _ = elder(org, 2, dt.date(1950, 1, 1), name="สมศรี")
    person_death_record(actor=SYSTEM, person=died, died_on=dt.date(2026, 11, 20), today=IN_DECEMBER)

    def steps(page) -> None:
        sign_in(page, live_server.url, officer.user, "/care/allowances/")
        assert page.locator("#id_month option:checked").inner_text() == "ธันวาคม 2569"
        page.click("#allowance-run-start button[type=submit]")
        page.wait_for_selector("#allowance-lines")
        assert page.locator("#run-status").inner_text() == "ประมวลผลแล้ว"
        paid = page.locator(f"#allowance-lines tr[data-person='{turned_80.pk}']")
        assert "800.00" in paid.inner_text() and "80–89 ปี" in paid.inner_text()
        assert "80" in paid.inner_text()  # the age counted: on 30 November
        stopped = page.locator(f"#allowance-lines tr[data-person='{died.pk}']")
        assert "เสียชีวิต" in stopped.inner_text() and "0.00" in stopped.inner_text()
        assert "ขั้นอายุ" in page.locator("#allowance-totals").inner_text()
        page.screenshot(path=tmp_path / "allowance-run.png", full_page=True)
        with page.expect_download() as download_info:
            page.click("#file-ktb")
        path = download_info.value.path()
        data = Path(path).read_bytes()
        assert data.startswith(b"101") and data.count(b"\r\n") == 2
        assert download_info.value.suggested_filename == "allowances-2026-12-ktb.txt"

        page.goto(live_server.url + "/care/allowances/")
        page.click("#allowance-run-start button[type=submit]")
        page.wait_for_selector("#allowance-run-error")
        assert "ประมวลผลการจ่ายเบี้ยแล้ว" in page.locator("#allowance-run-error").inner_text()
        assert page.locator("#allowance-runs tbody tr").count() == 1

    in_chromium(steps)
