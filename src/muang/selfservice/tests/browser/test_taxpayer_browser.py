"""A taxpayer signs in with the SMS code on a phone-sized Thai page, opens the bill, sees the Thai QR code,
downloads the notice, and files a change-of-use notice (ภ.ด.ส.5)."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from muang.billing.services import notices
from muang.billing.services.bills import profile_of
from muang.conftest import load_area_slice
from muang.selfservice.models import UseChangeNotice
from muang.selfservice.tests.factories import build_town
from muang.testing.browser import sign_in_by_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_taxpayer_signs_in_pays_by_qr_downloads_the_notice_and_files_a_change_of_use(
    live_server, in_chromium, sms_gateway, tmp_path
):
    in_chromium(lambda page: _walk(page, live_server.url, sms_gateway, tmp_path))


def _sent_to_the_masked_mobile(page) -> None:
    assert re.search(r"/code/", page.url)
    assert "08x-xxx-5678" in page.locator("#sent-to").inner_text()


def _walk(page, url: str, sms, tmp_path) -> None:
    load_area_slice()
    town = build_town()
    org, owner, bill = town.org, town.owner, town.bill

    page.goto(f"{url}/my-tax/{org.slug}/")
    sent = sign_in_by_code(
        page,
        sms,
        field="#id_tax_id",
        value=owner.national_id,
        on_code_page=_sent_to_the_masked_mobile,
    )
    # The code went out through the outbox to the (stand-in) SMS gateway.
    assert sent["msisdn"] == "66812345678"
    page.wait_for_url(re.compile(rf"/my-tax/{org.slug}/home/$"))
    assert owner.given_and_family_name in page.locator("h1").inner_text()  # "คุณสมหญิง", not "คุณนางสมหญิง"
    page.screenshot(path=tmp_path / "home.png", full_page=True)

    page.click(f"#to-pay a[href$='/bills/{bill.number}/']")
    page.wait_for_selector("#qr-code svg")
    expected = notices.qr_payload(profile_of(org), bill, bill.amount)
    assert page.get_attribute("#qr-code", "data-payload") == expected
    assert "1,000.00" in page.locator("#amount-due").inner_text()
    page.screenshot(path=tmp_path / "bill.png", full_page=True)

    href = page.get_attribute("#notice-link", "href")
    pdf = page.request.get(f"{url}{href}")
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF")

    page.goto(f"{url}/my-tax/{org.slug}/use-change/new/")
    page.select_option("#id_property", f"parcel:{town.parcel.pk}")
    page.select_option("#id_use", "residential")
    page.fill("#id_changed_on", (timezone.localdate() - dt.timedelta(days=7)).isoformat())
    page.fill("#id_note", "เลิกขายของแล้ว ใช้เป็นบ้านพักอาศัย")
    page.click("#file-use-change")
    page.wait_for_url(re.compile(r"/use-change/UC-"))
    notice = UseChangeNotice.objects.get(owner=owner)
    assert page.locator("#reference").inner_text() == notice.reference
    assert notice.use == "residential" and notice.parcel_id == town.parcel.pk
    page.screenshot(path=tmp_path / "use-change.png", full_page=True)

    page.click("#sign-out")
    page.wait_for_url(re.compile(rf"/my-tax/{org.slug}/$"))
