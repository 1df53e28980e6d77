"""A shared phone (390 × 844): forms kept in the visit outbox survive the end of the nurse's session (she
signs out, or it expires), are never posted to the sign-in page, are neither shown nor sent under another
account, and are sent once when she signs in again.

1. The signal is too weak to send: the nurse's form waits in the outbox; she signs out. The form is still on
   the phone (the server's Clear-Site-Data keeps the storage); the cached visit pages are gone.
2. A colleague signs in on the same phone: he sees no waiting form and sends nothing; he signs out.
3. The nurse signs in again, the signal is back: her form is sent, once.
4. She fills a second form with the network cut; her session expires meanwhile. The network returns: the
   server's answer is a redirect to the sign-in page, which is not success and is not followed (nothing is
   posted there): the page says in Thai that one visit waits for sign-in. She signs in: it is sent, once
   (with the new session's CSRF token: the kept one is refused after a sign-in)."""

import datetime as dt
import re

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

from muang.care.models import Visit
from muang.care.services import person_create
from muang.care.tests.browser.test_visit_browser import ITEMS_HOME
from muang.care.tests.helpers import carer, person_data, planned_home_visit
from muang.cases.tests.browser.test_queue_browser import PASSWORD, PHONE, sign_in
from muang.conftest import load_area_slice
from muang.core.thai_dates import bangkok_date

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Every form in IndexedDB, whoever filled it (what a curious next user could dig out of the phone).
RAW_OUTBOX = """() => new Promise((resolve) => {
  indexedDB.databases().then((dbs) => {
    if (!dbs.some((d) => d.name === "muang-care-visits")) return resolve(0);
    const open = indexedDB.open("muang-care-visits");
    open.onsuccess = () => {
      const db = open.result;
      if (!db.objectStoreNames.contains("outbox")) { db.close(); return resolve(0); }
      const all = db.transaction("outbox").objectStore("outbox").getAll();
      all.onsuccess = () => { db.close(); resolve(all.result.length); };
    };
  });
})"""
CACHED_PAGES = "() => caches.keys().then((keys) => keys.filter((k) => k.startsWith('care-visits-')).length)"
SUBMIT = re.compile(r".*/care/visits/submit/$")


def fill_visit(page, systolic: str, notes: str) -> None:
    page.fill("#visit-bp_systolic", systolic)
    page.fill("#visit-bp_diastolic", "95")
    page.fill("#visit-pulse", "90")
    page.fill("#visit-notes", notes)
    page.click("#visit-save")


def test_kept_forms_survive_the_session_and_are_sent_once_after_signing_in_again(
    live_server, in_chromium, tmp_path, settings
):
    settings.LANGUAGE_CODE = "th"
    load_area_slice()
    from muang.core.tests.factories import OrganizationFactory

    today = bangkok_date(timezone.now())
    org = OrganizationFactory()
    nurse, colleague = carer(org), carer(org)
    elder = person_create(actor=nurse, organization=org, today=today, **person_data(1))
    neighbour = person_create(actor=nurse, organization=org, today=today, **person_data(2, first_name="สมพร"))
    for person, day in ((elder, today - dt.timedelta(days=1)), (neighbour, today)):
        planned_home_visit(nurse, person, items=ITEMS_HOME, today=today, planned_on=day)
    posts = []  # every POST of a form (the context also sees the service worker's requests)
    to_login = []  # every request the outbox's fetch made to the sign-in page (none may be)
    dialogs = []

    def done(person) -> int:
        return Visit.objects.filter(person=person, done_at__isnull=False).count()

    def steps(page) -> None:
        context = page.context
        context.grant_permissions(["geolocation"])
        context.set_geolocation({"latitude": 16.5451, "longitude": 102.1001})
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        context.on(
            "request",
            lambda r: (
                to_login.append(r.url) if r.resource_type == "fetch" and "/accounts/login/" in r.url else None
            ),
        )

        # 1. The signal is too weak to send anything: the form waits in the outbox.
        def weak(route) -> None:
            posts.append(route.request.post_data_buffer)
            route.abort("internetdisconnected")

        context.route(SUBMIT, weak)
        sign_in(page, live_server.url, nurse.user, "/care/visits/")
        page.locator("#visit-round .care-person a", has_text="บัวผัน").click()
        page.wait_for_selector("#visit-form")
        page.wait_for_selector("#visit-outbox[data-sw-ready='1']", state="attached")
        # The page's own flush on load (nothing kept yet) may end before the form is sent or be joined by it,
        # so the form's attempt is awaited as one more attempt than before, with its POST seen by the route.
        before = int(page.locator("#visit-outbox").get_attribute("data-attempts") or 0)
        fill_visit(page, "150", "ความดันสูง นัดวัดซ้ำ")
        for _ in range(600):
            attempts = int(page.locator("#visit-outbox").get_attribute("data-attempts") or 0)
            if posts and attempts > before:
                break
            page.wait_for_timeout(50)
        assert page.evaluate("window.muangCareOutbox.count()") == 1 and len(posts) == 1
        assert page.evaluate(CACHED_PAGES) >= 1
        # She signs out with the form waiting: no warning that it would be lost, and it is not lost.
        page.click("form[action='/accounts/logout/'] button")
        page.wait_for_url(re.compile(r"/accounts/login/"))
        assert page.evaluate(RAW_OUTBOX) == 1
        assert page.evaluate(CACHED_PAGES) == 0  # the pages she opened (health details) are gone
        context.unroute(SUBMIT, weak)
        context.route(SUBMIT, lambda route: (posts.append(route.request.post_data_buffer), route.continue_()))

        # 2. A colleague on the same phone: her form is neither shown nor sent under his name.
        sign_in(page, live_server.url, colleague.user, "/care/visits/")
        page.wait_for_selector("#visit-outbox[data-attempts='1']", state="attached")
        assert page.evaluate("window.muangCareOutbox.count()") == 0
        assert "เก็บไว้ในเครื่องนี้" not in page.locator("#visit-outbox").inner_text()
        assert len(posts) == 1 and page.evaluate(RAW_OUTBOX) == 1
        page.click("form[action='/accounts/logout/'] button")
        page.wait_for_url(re.compile(r"/accounts/login/"))
        assert page.evaluate(RAW_OUTBOX) == 1

        # 3. She signs in again: her form is sent, once.
        sign_in(page, live_server.url, nurse.user, "/care/visits/")
        page.wait_for_selector("#visit-outbox[data-state='sent']", state="attached")
        assert page.evaluate(RAW_OUTBOX) == 0 and len(posts) == 2
        assert done(elder) == 1

        # 4. A second form with the network cut; her session expires meanwhile.
        page.locator("#visit-round .care-person a", has_text="สมพร").click()
        page.wait_for_selector("#visit-form")
        page.wait_for_selector("#visit-outbox[data-sw-ready='1']", state="attached")
        page.wait_for_function("navigator.serviceWorker.controller !== null")
        context.set_offline(True)
        fill_visit(page, "160", "เวียนศีรษะ")
        page.wait_for_selector("#visit-outbox[data-state='kept']", state="attached")
        Session.objects.all().delete()  # the session ends on the server (expired)
        context.set_offline(False)  # the page hears "online" and tries to send
        page.wait_for_selector("#visit-outbox[data-state='signin']", state="attached")
        status = page.locator("#visit-outbox").inner_text()
        assert "1 " in status and "เข้าสู่ระบบ" in status, status
        assert page.evaluate("window.muangCareOutbox.count()") == 1
        assert len(posts) == 3 and to_login == []  # answered by a redirect, not followed, not success
        assert done(neighbour) == 0
        page.screenshot(path=tmp_path / "waiting-for-sign-in.png", full_page=True)
        page.reload()  # the page itself now leads to the sign-in page
        page.wait_for_url(re.compile(r"/accounts/login/"))
        page.fill("#id_username", nurse.user.username)
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_selector("#visit-outbox[data-state='sent']", state="attached")
        assert page.evaluate(RAW_OUTBOX) == 0 and len(posts) == 4
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"] + 1, width

    in_chromium(steps, viewport=PHONE)
    assert dialogs == []
    assert done(elder) == 1 and done(neighbour) == 1
    assert Visit.objects.get(person=neighbour, done_at__isnull=False).bp_systolic == 160
