"""A citizen on a phone at the site's root, and at its dead ends (issue 8, items 15 and 17), in Thai.

The root used to send citizens to the staff sign-in (whose header named the host, 127.0.0.1:8000); a mistyped
tracking code gave a bare English "Not Found"; there was no skip link and no favicon.
"""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_citizen_finds_their_way_from_the_home_page_and_back_from_dead_ends(
    live_server, page, hashed_static, tmp_path
):
    url = live_server.url
    page.goto(f"{url}/")
    assert page.locator("h1").inner_text() == "บริการเมืองออนไลน์"
    for section in ("#home-report", "#home-follow", "#home-figures", "#home-tax", "#staff-entrance"):
        assert page.locator(section).is_visible(), section
    assert page.locator("#staff-entrance a").get_attribute("href") == "/accounts/login/"
    # No sideways scrolling on a phone.
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    page.screenshot(path=tmp_path / "home.png", full_page=True)

    # The skip link is the first stop of the keyboard, shown when focused, and leads to the content.
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    assert skip.evaluate("(el) => el === document.activeElement") and skip.is_visible()
    assert skip.inner_text() == "ข้ามไปยังเนื้อหา"
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"

    # Our own favicon, served (hashed) by this installation.
    icon = page.locator("link[rel=icon]").get_attribute("href")
    assert icon.startswith("/static/core/favicon.") and icon.endswith(".svg")
    response = page.request.get(f"{url}{icon}")
    assert response.ok and "svg" in response.headers["content-type"]

    # A mistyped tracking code: a Thai page that says so, keeps the code to correct, and leads back.
    page.fill("#home-track-code", "0001-ABCD-EFGH")
    page.click("#home-follow button[type=submit]")
    page.wait_for_selector("#not-found")
    assert page.locator("h1").inner_text() == "ไม่พบเรื่องแจ้ง"
    assert "ไม่พบเรื่อง 0001-ABCD-EFGH" in page.locator("#track-error").inner_text()
    assert page.locator("#track-code").input_value() == "0001-ABCD-EFGH"
    page.screenshot(path=tmp_path / "tracking-404.png", full_page=True)
    page.click("#way-back")
    page.wait_for_url(f"{url}/")

    # Any other missing page: a Thai 404 with a way back.
    response = page.goto(f"{url}/billing/no-such-page/")
    assert response.status == 404
    assert page.locator("h1").inner_text() == "ไม่พบหน้าที่ต้องการ"
    page.screenshot(path=tmp_path / "404.png", full_page=True)
    page.click("#way-back")
    page.wait_for_url(f"{url}/")

    # The staff entrance: the sign-in page names the installation, not the host it was reached at.
    page.click("#staff-entrance a")
    page.wait_for_url(f"{url}/accounts/login/")
    header = page.locator("header.top").inner_text()
    assert "Muang" in header and "localhost" not in header and "127.0.0.1" not in header
