"""The public list of reports on a phone: cards, not a squeezed table (issue 8, item 17).

On a 390-pixel screen the five-column table broke Thai words apart letter by letter and ran to 13,600 px for
one page of 30 reports.
"""

import pytest

from muang.cases.tests.conftest import make_town
from muang.cases.tests.factories import submit_case
from muang.conftest import load_area_slice
from muang.reports.selectors import PUBLIC_PAGE_SIZE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONG_THAI = "ไฟถนนหน้าโรงเรียนบ้านโนนสะอาดดับทั้งซอยมาสามคืนแล้ว รถจักรยานยนต์มองไม่เห็นหลุมกลางถนน อันตรายมากครับ"


def test_the_public_list_is_cards_on_a_phone(live_server, in_chromium, tmp_path):
    in_chromium(lambda page: _walk(page, live_server.url, tmp_path))


def _walk(page, url: str, tmp_path) -> None:
    load_area_slice()
    town = make_town()
    for _i in range(PUBLIC_PAGE_SIZE + 2):
        submit_case(town.category, description=LONG_THAI)

    page.goto(f"{url}/reports/")
    cards = page.locator("#case-list .case")
    assert cards.count() == PUBLIC_PAGE_SIZE
    # No sideways scrolling, and a page of 30 reports is a few screens long, not 35.
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    height = page.evaluate("() => document.documentElement.scrollHeight")
    assert height < 5000, height
    # Each card is one block the width of the screen, its tracking code on one line (not broken apart).
    first = cards.first.bounding_box()
    assert first["width"] > 300
    for code in page.locator("#case-list .case .code a").all()[:5]:
        assert code.evaluate("(el) => el.getClientRects().length") == 1
        assert code.bounding_box()["height"] < 40
    assert page.locator("#case-list thead").is_hidden()
    page.screenshot(path=tmp_path / "list-phone.png", full_page=True)

    # A wide screen keeps the table with its column headings.
    page.set_viewport_size({"width": 1200, "height": 900})
    assert page.locator("#case-list thead").is_visible()
    page.screenshot(path=tmp_path / "list-wide.png")
