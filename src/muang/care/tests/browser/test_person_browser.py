"""A nurse on a phone finds an elder by part of the name, opens the health record for a home visit (the purpose
is asked first and recorded) and reads the ADL trend, Thai labels and Buddhist-Era dates."""

import datetime as dt

import pytest

from muang.care.services import assessment_record, person_create
from muang.care.tests.helpers import ITEMS_BED, ITEMS_SOCIAL, TODAY, carer, person_data
from muang.cases.tests.browser.test_queue_browser import PHONE, sign_in
from muang.conftest import load_area_slice
from muang.core.models import AuditEntry, Organization

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_search_then_the_health_record_with_its_trend_on_a_phone(
    live_server, in_chromium, tmp_path, settings
):
    settings.LANGUAGE_CODE = "th"
    load_area_slice()
    from muang.core.tests.factories import OrganizationFactory

    org = OrganizationFactory()
    nurse = carer(org)
    elder = person_create(actor=nurse, organization=org, today=TODAY, **person_data(1))
    person_create(actor=nurse, organization=org, today=TODAY, **person_data(2, first_name="สมชาย"))
    for day, items in (
        (dt.date(2025, 12, 1), ITEMS_SOCIAL),
        (dt.date(2026, 6, 1), ITEMS_SOCIAL),
        (TODAY, ITEMS_BED),
    ):
        assessment_record(actor=nurse, person=elder, assessed_on=day, items=items, today=TODAY)
    assert Organization.objects.filter(pk=org.pk).exists()

    def steps(page) -> None:
        sign_in(page, live_server.url, nurse.user, "/care/")
        page.fill("#care-q", "บัวผัน ศรี")
        page.click(".care-search button[type=submit]")
        page.wait_for_selector("#care-people")
        rows = page.locator(".care-person")
        assert rows.count() == 1 and "ติดเตียง" in rows.first.inner_text()
        page.screenshot(path=tmp_path / "care-list.png", full_page=True)
        rows.first.locator("a").click()
        page.wait_for_selector("#care-purpose")
        page.check("input[name=purpose][value=visit]")
        page.click("#care-purpose button[type=submit]")
        page.wait_for_selector("#adl-trend[data-ready='1']")
        assert page.locator("#adl-trend canvas").count() >= 1
        # The chart's legend in Thai: its dates in the Buddhist Era and the group borders named, not uPlot's
        # "Time" and bare "12" / "5".
        box = page.locator("#adl-trend .u-over").bounding_box()
        page.locator("#adl-trend .u-over").hover(position={"x": box["width"] - 3, "y": box["height"] / 2})
        for _ in range(50):  # the legend follows the cursor on the next frame (no eval under the page's CSP)
            legend = page.locator("#adl-trend .u-legend").inner_text()
            if "2569" in legend:
                break
            page.wait_for_timeout(100)
        assert "วันที่ประเมิน" in legend and "ติดสังคม ตั้งแต่ 12" in legend and "ติดเตียง ต่ำกว่า 5" in legend
        assert "2569" in legend and "Time" not in legend, legend
        assert "ติดเตียง" in page.locator("#care-group").inner_text()
        assert "2487" in page.locator(".care-facts").inner_text()  # born 1944: B.E. 2487
        assert "การเยี่ยมบ้าน" in page.locator("#care-purpose-note").inner_text()
        assert page.locator("#care-assessments tbody tr").count() == 3
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"] + 1, width  # nothing wider than the phone
        page.screenshot(path=tmp_path / "care-person.png", full_page=True)

    in_chromium(steps, viewport=PHONE)
    entry = AuditEntry.objects.get(action="view")
    assert (entry.actor_user_id, entry.reason) == (nurse.user.pk, "visit")
