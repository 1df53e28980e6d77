"""The care centre's staff in Chromium: a band given to a person (a duplicate device id refused on its field
first), the person's rules shown on the band's page; then the on-call list edited: a landline refused on its
field, two people added, the second moved to the top, the first removed. The board's wristbands link leads
there; the board shows severities as words."""

import pytest

from muang.cases.tests.browser.test_queue_browser import DESK, sign_in
from muang.conftest import load_area_slice
from muang.core.models import Duty, Role
from muang.core.tests.factories import OrganizationFactory, member
from muang.ems.models import OnCall, Wristband
from muang.ems.tests.conftest import make_band, make_person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_carer_registers_a_band_and_edits_the_on_call_list(live_server, in_chromium, tmp_path, settings):
    settings.LANGUAGE_CODE = "th"
    load_area_slice()
    org = OrganizationFactory(boundary=None)
    user = member(org, Role.OFFICER, duties=[Duty.CARE])
    make_band(org, n=1, serial="860000000000001")  # somebody else's band
    person = make_person(org, 2)

    def steps(page) -> None:
        sign_in(page, live_server.url, user, "/ems/care/")
        page.click("a[href='/ems/care/bands/']")
        page.click("#new-band")
        page.select_option("#id_person", str(person.pk))
        page.fill("#id_serial", "860000000000001")
        page.fill("#id_heart_rate_min", "45")
        page.fill("#id_heart_rate_max", "120")
        page.fill("#id_geofence_radius_m", "300")
        page.fill("#id_still_hours", "4")
        page.fill("#id_medical_summary", "โรคสมองเสื่อม")
        page.click("#register-band")
        page.wait_for_selector(".errorlist")
        assert "ลงทะเบียนไว้อยู่แล้ว" in page.locator("#band-form").inner_text()
        assert page.input_value("#id_medical_summary") == "โรคสมองเสื่อม"  # what was typed is kept
        page.fill("#id_serial", "860000000000002")
        page.click("#register-band")
        page.wait_for_selector("#band-serial")
        assert page.locator("#band-serial").inner_text() == "860000000000002"
        assert page.input_value("#id_geofence_radius_m") == "300"
        assert "ยังไม่เคยมีการแจ้งเตือน" in page.locator("#alert-history").inner_text()
        page.screenshot(path=tmp_path / "ems-band.png", full_page=True)

        page.goto(f"{live_server.url}/ems/care/on-call/")
        page.fill("#id_name", "สมชาย ใจดี")
        page.fill("#id_phone", "043-312345")  # a landline: no SMS
        page.click("#add-on-call")
        page.wait_for_selector("#on-call-form .errorlist")
        assert "มือถือ" in page.locator("#on-call-form").inner_text()
        page.fill("#id_phone", "081-234-5678")
        page.click("#add-on-call")
        page.wait_for_selector("#on-call li[data-name='สมชาย ใจดี']")
        page.fill("#id_name", "วิไล รักดี")
        page.fill("#id_phone", "0891112222")
        page.click("#add-on-call")
        page.wait_for_selector("#on-call li[data-name='วิไล รักดี']")
        page.locator("#on-call li[data-name='วิไล รักดี'] button.move-up").click()
        page.wait_for_selector("#on-call li:first-child[data-name='วิไล รักดี']")
        page.locator("#on-call li[data-name='สมชาย ใจดี'] button.remove").click()
        page.wait_for_selector("#on-call li[data-name='สมชาย ใจดี']", state="detached")
        page.screenshot(path=tmp_path / "ems-on-call.png", full_page=True)

    in_chromium(steps, viewport=DESK)
    band = Wristband.objects.get(active=True, person=person)
    assert (band.device.serial, band.heart_rate_max, band.still_hours) == ("860000000000002", 120, 4)
    assert list(OnCall.objects.filter(organization=org).values_list("name", "phone", "position")) == [
        ("วิไล รักดี", "0891112222", 1)
    ]
