"""The register's staff forms in Chromium: a social-welfare officer adds an elder (birth date typed in the
Buddhist Era), a wrong national ID is refused on its field in Thai, the elder is enrolled, a visit's ADL
re-score says "needs a care plan", and the plan is made from the person's page."""

import uuid

import pytest
from django.utils import timezone

from muang.care.models import CarePlan, Enrolment, Person
from muang.care.tests.helpers import ITEMS_BED, carer, national_id
from muang.care.visits import visit_record
from muang.cases.tests.browser.test_queue_browser import DESK, sign_in
from muang.conftest import load_area_slice

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_elder_added_enrolled_and_given_a_care_plan(live_server, in_chromium, tmp_path, settings):
    settings.LANGUAGE_CODE = "th"
    load_area_slice()
    from muang.core.tests.factories import OrganizationFactory

    org = OrganizationFactory()
    officer = carer(org)
    good = national_id(21)
    wrong = good[:-1] + str((int(good[-1]) + 1) % 10)
    state = {}

    def add(page) -> None:
        sign_in(page, live_server.url, officer.user, "/care/")
        page.click("#care-add-person")
        page.wait_for_selector("#care-person-form")
        page.fill("#id_national_id", wrong)
        page.fill("#id_first_name", "คำแปง")
        page.fill("#id_last_name", "บุญมา")
        page.fill("#id_birth_date", "12/04/2483")
        page.check("input[name=sex][value=female]")
        page.fill("#id_address", "44 หมู่ 7")
        page.fill("#id_phones", "0812223333")
        page.click("#care-person-form button[type=submit]")
        page.wait_for_selector("#care-person-form .errorlist")
        errors = page.locator("#care-person-form .errorlist").all_inner_texts()
        assert any("เลขประจำตัวประชาชน" in e for e in errors), errors  # named, in Thai
        page.fill("#id_national_id", good)
        page.click("#care-person-form button[type=submit]")
        page.wait_for_selector("#care-purpose")
        state["url"] = page.url

    def open_record(page) -> None:
        """Back on the person's page, the purpose is asked again (each read of the record is logged)."""
        page.wait_for_selector("#care-purpose")
        page.check("input[name=purpose][value=care]")
        page.click("#care-purpose button[type=submit]")
        page.wait_for_selector("#care-enrolments")

    def plan(page) -> None:
        sign_in(page, live_server.url, officer.user, "/care/")
        page.goto(state["url"] + "?purpose=care")
        page.wait_for_selector("#care-actions")
        page.click("#care-actions >> text=ลงทะเบียนเข้าโครงการ")
        page.select_option("#id_programme", "ltc")
        page.click("#care-enrol-form button[type=submit]")
        open_record(page)
        assert "การดูแลระยะยาว" in page.locator("#care-enrolments").inner_text()
        page.click("#care-actions >> text=จัดทำแผนการดูแล")
        page.fill("#id_goals", "ป้องกันแผลกดทับ ญาติพลิกตัวทุก 2 ชั่วโมง")
        page.fill("#id_caregivers", "CG สมใจ แสนสุข\nอสม. ทองใบ ใจดี")
        page.click("#care-plan-form button[type=submit]")
        open_record(page)
        assert "ติดเตียง" in page.locator(".care-plan").first.inner_text()
        page.screenshot(path=tmp_path / "care-plan.png", full_page=True)

    in_chromium(add, viewport=DESK)
    elder = Person.objects.get(organization=org)
    assert elder.national_id == good and elder.birth_date.year == 1940
    # The caregiver's visit re-scores the ADL: bed-bound, with no plan yet.
    result = visit_record(
        actor=officer,
        organization=org,
        data={
            "client_uuid": str(uuid.uuid4()),
            "person_id": elder.pk,
            **{f"adl_{k}": v for k, v in ITEMS_BED.items()},
        },
        now=timezone.now(),
    )
    assert result.needs_care_plan
    in_chromium(plan, viewport=DESK)
    assert Enrolment.objects.get(person=elder).programme == "ltc"
    plan_row = CarePlan.objects.get(person=elder)
    assert plan_row.caregivers == ["CG สมใจ แสนสุข", "อสม. ทองใบ ใจดี"] and plan_row.visits_per_month == 4
