"""A revenue officer opens the tax map, sees a parcel unpaid, the bill is paid, and the map shows it paid."""

import pytest

from muang.billing.tests.factories import billing_organization
from muang.conftest import load_area_slice
from muang.core.models import Role
from muang.core.tests.factories import PASSWORD, member
from muang.property.tests.factories import OwnerFactory, ParcelFactory
from muang.property.tests.map_support import YEAR, own, pay, property_bill

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_map_turns_from_unpaid_to_paid(live_server, in_chromium, tmp_path):
    in_chromium(lambda page: _walk(page, live_server.url, tmp_path))


def _show_parcel(page, parcel) -> None:
    """Centre the map on the parcel at street zoom and wait for the layer that answers that move."""
    page.wait_for_selector("#tax-map[data-ready='1']")
    before = int(page.get_attribute("#tax-map", "data-loads") or 0)
    spot = parcel.location
    page.evaluate("([lat, lon]) => window.muangTaxMap.map.setView([lat, lon], 18)", [spot.y, spot.x])
    page.wait_for_function(f"Number(document.getElementById('tax-map').dataset.loads || 0) > {before}")


def _status(page, code: str) -> str:
    return page.evaluate("(code) => window.muangTaxMap.statusOf(code)", code)


def _walk(page, url: str, tmp_path) -> None:
    load_area_slice()
    org = billing_organization(name_th="เทศบาลตำบลบ้านแฮด")
    parcel = ParcelFactory(organization=org, code="01A007", deed_number="4521")
    neighbour = ParcelFactory(organization=org, code="01A008")
    owner = OwnerFactory(organization=org, name="ประเสริฐ", last_name="ทองดี")
    own(owner, parcel)
    bill = property_bill(owner, (parcel, "1500.00"))
    user = member(org, Role.SYSTEM_ADMIN)

    page.goto(f"{url}/accounts/login/?next=/tax/map/%3Fyear%3D{YEAR}")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{url}/tax/map/?year={YEAR}")
    assert "เทศบาลตำบลบ้านแฮด" in page.locator("h1").inner_text()

    _show_parcel(page, parcel)
    assert _status(page, parcel.code) == "unpaid"
    assert _status(page, neighbour.code) == "not_billed"
    page.screenshot(path=tmp_path / "unpaid.png")

    pay(bill)  # at the counter, through the billing service

    page.reload()
    _show_parcel(page, parcel)
    assert _status(page, parcel.code) == "paid"

    # A real tap on the parcel drawn on the map opens its card.
    x, y = page.evaluate(
        "([lat, lon]) => { const p = window.muangTaxMap.map.latLngToContainerPoint([lat, lon]); return [p.x, p.y]; }",
        [parcel.location.y, parcel.location.x],
    )
    box = page.locator("#tax-map").bounding_box()
    page.mouse.click(box["x"] + x, box["y"] + y)
    card = page.wait_for_selector(f"#parcel-card[data-code='{parcel.code}']")
    assert card.get_attribute("data-status") == "paid"
    text = page.locator("#parcel-card").inner_text()
    assert bill.number in text and "ประเสริฐ ทองดี" in text and "4521" in text
    assert page.locator("#card-bills tr[data-status='paid']").count() == 1

    # Search by the owner's family name finds the parcel and opens its card again.
    page.fill("#id_q", "ทองดี")
    page.wait_for_selector(f"button.hit[data-code='{parcel.code}']").click()
    page.wait_for_selector(f"#parcel-card[data-code='{parcel.code}']")
    page.screenshot(path=tmp_path / "paid.png", full_page=True)
