"""A shared phone (390 × 844): the visit outbox never shows, nor sends, one account's forms under another's,
and signing out empties it.

A nurse fills a visit on a signal too weak to send it (the form waits in the outbox); her session ends without
signing out and a colleague signs in on the same phone: the colleague's visit pages show no waiting form and
send nothing (the nurse's form is not sent under the colleague's name). The nurse signs in again: her form is
there. She signs out: the page warns that one form has not been sent, and once she confirms, the outbox and the
cached visit pages are gone from the phone (also by the server's Clear-Site-Data); the colleague signs in after
her and finds nothing."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from muang.care.models import Visit
from muang.care.services import person_create
from muang.care.tests.browser.test_visit_browser import ITEMS_HOME
from muang.care.tests.helpers import carer, person_data, planned_home_visit
from muang.cases.tests.browser.test_queue_browser import PHONE, sign_in
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


def test_the_outbox_is_the_signed_in_accounts_and_signing_out_empties_it(
    live_server, in_chromium, tmp_path, settings
):
    settings.LANGUAGE_CODE = "th"
    load_area_slice()
    from muang.core.tests.factories import OrganizationFactory

    today = bangkok_date(timezone.now())
    org = OrganizationFactory()
    nurse, colleague = carer(org), carer(org)
    elder = person_create(actor=nurse, organization=org, today=today, **person_data(1))
    planned_home_visit(nurse, elder, items=ITEMS_HOME, today=today, planned_on=today - dt.timedelta(days=1))
    sends = []
    dialogs = []

    def steps(page) -> None:
        context = page.context
        context.grant_permissions(["geolocation"])
        context.set_geolocation({"latitude": 16.5451, "longitude": 102.1001})
        # The signal is too weak to send anything: every form stays in the outbox. (The context's route also
        # sees the service worker's requests, which a page's route does not.)
        context.route(
            re.compile(r".*/care/visits/submit/$"),
            lambda route: (sends.append(route.request.url), route.abort("internetdisconnected")),
        )
        sign_in(page, live_server.url, nurse.user, "/care/visits/")
        page.locator("#visit-round .care-person a").first.click()
        page.wait_for_selector("#visit-form")
        page.wait_for_selector("#visit-outbox[data-sw-ready='1']", state="attached")
        page.fill("#visit-bp_systolic", "150")
        page.fill("#visit-bp_diastolic", "95")
        page.fill("#visit-pulse", "90")
        page.fill("#visit-notes", "ความดันสูง นัดวัดซ้ำ")
        page.click("#visit-save")
        page.wait_for_selector("#visit-outbox[data-attempts='1']", state="attached")
        # data-attempts counts an attempt when it starts: the refused request reaches our route a moment later.
        for _ in range(100):
            if sends:
                break
            page.wait_for_timeout(50)
        assert page.evaluate("window.muangCareOutbox.count()") == 1 and len(sends) == 1
        assert page.evaluate(CACHED_PAGES) >= 1

        # Her session ends without signing out; a colleague signs in on the same phone.
        context.clear_cookies()
        sign_in(page, live_server.url, colleague.user, "/care/visits/")
        page.wait_for_selector("#visit-outbox[data-attempts='1']", state="attached")
        assert page.evaluate("window.muangCareOutbox.count()") == 0
        assert "เก็บไว้ในเครื่องนี้" not in page.locator("#visit-outbox").inner_text()
        assert len(sends) == 1  # not sent under the colleague's name
        assert page.evaluate(RAW_OUTBOX) == 1  # still waiting for the nurse
        context.clear_cookies()

        # The nurse is back: her form is shown again; she signs out, is warned, confirms.
        sign_in(page, live_server.url, nurse.user, "/care/visits/")
        page.wait_for_selector("#visit-outbox[data-attempts='1']", state="attached")
        assert page.evaluate("window.muangCareOutbox.count()") == 1
        assert "1" in page.locator("#visit-outbox").inner_text()

        def answer(dialog):
            dialogs.append(dialog.message)
            dialog.accept()

        page.on("dialog", answer)
        page.click("form[action='/accounts/logout/'] button")
        page.wait_for_url(re.compile(r"/accounts/login/"))
        assert page.evaluate(RAW_OUTBOX) == 0
        assert page.evaluate(CACHED_PAGES) == 0
        page.screenshot(path=tmp_path / "signed-out.png", full_page=True)

        # The colleague after her finds nothing of hers.
        sign_in(page, live_server.url, colleague.user, "/care/visits/")
        page.wait_for_selector("#visit-outbox[data-attempts='1']", state="attached")
        assert page.evaluate("window.muangCareOutbox.count()") == 0 and page.evaluate(RAW_OUTBOX) == 0
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"] + 1, width

    in_chromium(steps, viewport=PHONE)
    assert len(dialogs) == 1 and "1" in dialogs[0] and "ออกจากระบบ" in dialogs[0], dialogs
    assert not Visit.objects.filter(person=elder, done_at__isnull=False).exists()
