"""Issue 12's home visit on a phone (390 × 844): the caregiver opens the round for today (the overdue first),
starts the visit of a home-bound elder, the signal drops (the page still opens from the service worker's
cache), the form is kept on the phone, the signal returns, the first answer is lost on the way back and the
outbox sends again: the visit arrives once, and its ADL re-score moves the elder into the bed-bound group."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from muang.care.models import Assessment, Person, Visit
from muang.care.services import person_create
from muang.care.tests.helpers import ITEMS_BED, carer, person_data, planned_home_visit
from muang.cases.tests.browser.test_queue_browser import PHONE, sign_in
from muang.conftest import load_area_slice
from muang.core.thai_dates import bangkok_date

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ITEMS_HOME = {**ITEMS_BED, "transfer": 2, "mobility": 2, "toilet": 1, "feeding": 2}  # total 8: home-bound


def test_a_visit_filled_offline_arrives_once_and_moves_the_group(
    live_server, in_chromium, tmp_path, settings
):
    settings.LANGUAGE_CODE = "th"
    load_area_slice()
    from muang.core.tests.factories import OrganizationFactory

    today = bangkok_date(timezone.now())
    org = OrganizationFactory()
    nurse = carer(org)
    elder = person_create(actor=nurse, organization=org, today=today, **person_data(1))
    neighbour = person_create(actor=nurse, organization=org, today=today, **person_data(2, first_name="สมพร"))
    # The neighbour's visit is three days overdue, the elder's is due today.
    for person, day in ((neighbour, today - dt.timedelta(days=3)), (elder, today)):
        planned_home_visit(nurse, person, items=ITEMS_HOME, today=today, planned_on=day)
    submit_calls = []

    def steps(page) -> None:
        context = page.context
        context.grant_permissions(["geolocation"])
        context.set_geolocation({"latitude": 16.5451, "longitude": 102.1001})
        sign_in(page, live_server.url, nurse.user, "/care/visits/")
        rows = page.locator("#visit-round .care-person")
        assert rows.count() == 2
        assert "สมพร" in rows.nth(0).inner_text() and "เกินกำหนด" in rows.nth(0).inner_text()  # overdue first
        assert "บัวผัน" in rows.nth(1).inner_text()
        page.screenshot(path=tmp_path / "visits-today.png", full_page=True)
        rows.nth(1).locator("a").click()
        page.wait_for_selector("#visit-form")
        page.wait_for_selector("#visit-outbox[data-sw-ready='1']", state="attached")
        page.reload()  # now under the service worker, which keeps this page for when the signal is gone
        page.wait_for_function("navigator.serviceWorker.controller !== null")
        assert "2487" in page.locator("#visit-card").inner_text()  # born 1944: B.E. 2487
        page.wait_for_function("document.getElementById('visit-lat').value !== ''")

        context.set_offline(True)
        page.reload()  # no network: the page comes from the phone's cache
        page.wait_for_selector("#visit-form")
        page.wait_for_function("document.getElementById('visit-lat').value !== ''")
        page.fill("#visit-bp_systolic", "148")
        page.fill("#visit-bp_diastolic", "92")
        page.fill("#visit-pulse", "88")
        page.fill("#visit-temperature", "37.1")
        page.click(".visit-adl summary")
        for item, score in ITEMS_BED.items():
            page.select_option(f"#visit-adl_{item}", str(score))
        page.fill("#visit-notes", "ผู้ป่วยลุกจากเตียงเองไม่ได้ ญาติช่วยพลิกตัว")
        page.click("#visit-save")
        page.wait_for_selector("#visit-outbox[data-state='kept']", state="attached")
        assert "บันทึกไว้ในเครื่องนี้" in page.locator("#visit-outbox").inner_text()
        assert page.evaluate("window.muangCareOutbox.count()") == 1
        page.screenshot(path=tmp_path / "visit-kept.png", full_page=True)

        # The signal returns; the server stores the visit but its answer is lost on the way back.
        def lossy(route):
            submit_calls.append(route.request.method)
            if len(submit_calls) == 1:
                route.fetch()  # reaches the server...
                route.abort("internetdisconnected")  # ...the phone never hears back
            else:
                route.continue_()

        page.route(re.compile(r".*/care/visits/submit/$"), lossy)
        context.set_offline(False)  # the page hears "online" and sends what it kept
        page.wait_for_selector("#visit-outbox[data-attempts='1']", state="attached")
        assert len(submit_calls) == 1 and page.evaluate("window.muangCareOutbox.count()") == 1
        assert page.locator("#visit-outbox").get_attribute("data-state") == "kept"
        page.evaluate("window.muangCareOutbox.flush()")  # the retry (the page also retries on a timer)
        page.wait_for_selector("#visit-outbox[data-state='sent']", state="attached")
        status = page.locator("#visit-outbox").inner_text()
        assert "ส่งแล้ว" in status and "ติดเตียง" in status, status
        assert page.locator("#visit-group").inner_text() == "ติดเตียง"  # the card follows the re-score
        assert page.evaluate("window.muangCareOutbox.count()") == 0
        page.screenshot(path=tmp_path / "visit-sent.png", full_page=True)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"] + 1, width

    in_chromium(steps, viewport=PHONE)
    assert len(submit_calls) >= 2  # sent twice...
    done = Visit.objects.filter(person=elder, done_at__isnull=False)
    assert done.count() == 1  # ...stored once
    visit = done.get()
    assert (visit.bp_systolic, visit.pulse, visit.planned_on) == (148, 88, today) and visit.near_home
    assert visit.assessment.total == 4 and Assessment.objects.filter(person=elder).count() == 2
    assert Person.objects.get(pk=elder.pk).adl_group == "bed"


def test_a_form_kept_while_the_outbox_is_sending_goes_right_after_not_at_the_retry(live_server, in_chromium):
    """A caregiver saves a second visit while the first is still on its way (a slow signal): the round that is
    sending read the outbox before the second was kept, so one more round sends it as soon as the first ends,
    not 20 s later on the retry timer."""
    import time

    load_area_slice()
    from muang.core.tests.factories import OrganizationFactory

    today = bangkok_date(timezone.now())
    org = OrganizationFactory()
    nurse = carer(org)
    elder = person_create(actor=nurse, organization=org, today=today, **person_data(1))
    planned_home_visit(nurse, elder, items=ITEMS_HOME, today=today, planned_on=today)
    held, posts = [], []

    def slow(route):
        posts.append(time.monotonic())
        if len(posts) == 1:
            held.append(route)  # the first answer waits: its round is still sending
        else:
            route.continue_()

    def save(page, pulse: str) -> None:
        page.fill("#visit-pulse", pulse)
        page.click("#visit-save")

    def steps(page) -> None:
        sign_in(page, live_server.url, nurse.user, "/care/visits/")
        page.locator("#visit-round .care-person a").first.click()
        page.wait_for_selector("#visit-form")
        page.route(re.compile(r".*/care/visits/submit/$"), slow)
        save(page, "80")
        deadline = time.monotonic() + 15
        while not held and time.monotonic() < deadline:
            page.wait_for_timeout(50)
        assert held, "the first form was not sent"
        save(page, "84")  # kept while the first round waits for its answer
        deadline = time.monotonic() + 15
        while page.evaluate("window.muangCareOutbox.count()") != 2 and time.monotonic() < deadline:
            page.wait_for_timeout(50)
        released = time.monotonic()
        held[0].continue_()
        deadline = released + 10  # well inside the 20 s retry
        while page.evaluate("window.muangCareOutbox.count()") and time.monotonic() < deadline:
            page.wait_for_timeout(50)
        assert page.evaluate("window.muangCareOutbox.count()") == 0
        assert len(posts) == 2 and posts[1] - released < 10, posts

    in_chromium(steps, viewport=PHONE)
    # The first is the day's visit; the second, for the same elder the same day, is answered (409: one visit a
    # day) and so leaves the outbox too: what matters here is when it went.
    assert list(
        Visit.objects.filter(person=elder, done_at__isnull=False).values_list("pulse", flat=True)
    ) == [80]
