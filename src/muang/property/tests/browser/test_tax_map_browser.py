"""A revenue officer opens the tax map, sees a parcel unpaid, the bill is paid, and the map shows it paid."""

import pytest

from muang.billing.tests.factories import billing_organization
from muang.conftest import load_area_slice
from muang.core.models import Duty, Role
from muang.core.tests.factories import PASSWORD, member
from muang.property.tests.factories import OwnerFactory, ParcelFactory, inside, square
from muang.property.tests.map_support import YEAR, own, pay, property_bill

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_map_turns_from_unpaid_to_paid(live_server, in_chromium, tmp_path):
    in_chromium(lambda page: _walk(page, live_server.url, tmp_path))


def _show_parcel(page, parcel) -> None:
    """Centre the map on the parcel at street zoom and wait until the layer for that view has loaded."""
    page.wait_for_selector("#tax-map[data-ready='1']")
    spot = parcel.location
    page.evaluate(
        "([lat, lon]) => window.muangTaxMap.map.setView([lat, lon], 18, { animate: false })", [spot.y, spot.x]
    )
    page.wait_for_function(
        "() => document.getElementById('tax-map').dataset.loadedZoom === '18' && !window.muangTaxMap.busy()"
    )


def _status(page, code: str) -> str:
    return page.evaluate("(code) => window.muangTaxMap.statusOf(code)", code)


def _walk(page, url: str, tmp_path) -> None:
    load_area_slice()
    org = billing_organization(name_th="เทศบาลตำบลบ้านแฮด")
    # Side by side near the centre (the factory's grid position depends on how many parcels earlier tests made).
    parcel = ParcelFactory(
        organization=org, code="01A007", deed_number="4521", geometry=square(inside(org, 210))
    )
    neighbour = ParcelFactory(organization=org, code="01A008", geometry=square(inside(org, 211)))
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


def test_a_surveyor_on_a_phone_records_a_parcel(live_server, in_chromium, tmp_path):
    in_chromium(lambda page: _survey(page, live_server.url, tmp_path))


def _survey(page, url: str, tmp_path) -> None:
    from muang.property.models import Parcel

    load_area_slice()
    org = billing_organization()
    parcel = ParcelFactory(organization=org, code="03C010")
    user = member(org, Role.DEPARTMENT_HEAD, duties=[Duty.TAX])
    spot = parcel.geometry.point_on_surface
    # The phone's GPS, as the browser reports it to the page.
    page.context.grant_permissions(["geolocation"])
    page.context.set_geolocation({"latitude": spot.y, "longitude": spot.x, "accuracy": 5})

    page.goto(f"{url}/accounts/login/?next=/tax/map/survey/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{url}/tax/map/survey/")
    page.click("#locate")
    item = page.wait_for_selector(f"#nearby li[data-code='{parcel.code}']")
    assert "you are here" in item.inner_text()
    page.screenshot(path=tmp_path / "nearby.png", full_page=True)
    item.query_selector("a.button").click()
    page.wait_for_selector("#survey-form[data-ready='1']")  # its script has run
    assert page.locator("p.field-share_residential").is_hidden()  # shares only for mixed use
    page.select_option("#id_use", "mixed")
    page.fill("#id_share_residential", "70")
    page.fill("#id_share_other", "20")
    page.fill("#id_reason", "")
    page.click("#survey-form button[type=submit]")
    errors = page.locator("#survey-form [role=alert]").all_inner_texts()
    assert any("90" in e for e in errors) or any("required" in e for e in errors), errors
    page.fill("#id_share_other", "30")
    page.fill("#id_reason", "สำรวจภาคสนาม ร้านค้าหน้าบ้าน")
    page.click("#survey-form button[type=submit]")
    page.wait_for_url(f"{url}/tax/map/survey/?done={parcel.code}")
    parcel = Parcel.objects.get(pk=parcel.pk)
    assert (parcel.use, parcel.share_other) == ("mixed", 30)
    page.screenshot(path=tmp_path / "saved.png", full_page=True)
