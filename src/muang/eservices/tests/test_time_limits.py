"""Each step's time limit through the shared case engine's calendar (ADR 0018): working days skip weekends and
the organisation's holidays; a limit in calendar days that ends on a day off ends on the next working day; the
clock starts again when the missing documents arrive; overdue applications on the staff's list and the API."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from muang.cases.models import Holiday
from muang.core.access import SYSTEM
from muang.core.errors import InvalidInput
from muang.core.models import Notification
from muang.eservices.models import Application, Service
from muang.eservices.services import (
    application_add_documents,
    application_request_documents,
    application_submit,
    applications_notify_late,
    catalogue_entries,
    catalogue_load,
)
from muang.eservices.tests.helpers import FOOD_DATA, applicant, food_documents, pdf

pytestmark = pytest.mark.django_db

BANGKOK_10AM = dt.time(3, 0, tzinfo=dt.UTC)


def at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, BANGKOK_10AM)


@pytest.fixture
def songkran(org):
    for day, name in [(13, "วันสงกรานต์"), (14, "วันสงกรานต์"), (15, "วันสงกรานต์")]:
        Holiday.objects.create(organization=org, date=dt.date(2026, 4, day), name_th=name)
    Holiday.objects.create(organization=org, date=dt.date(2026, 4, 6), name_th="วันจักรี")


@pytest.fixture
def notification(org):
    return Service.objects.get(organization=org, code="food-premises-notification")


def submit_notification(org, service, day: dt.date, **kw) -> Application:
    return application_submit(
        actor=applicant(org, kw.pop("phone", "0812345678")),
        organization=org,
        service=service,
        applicant_name="สมศรี ใจดี",
        data={"business_name": "ก๋วยเตี๋ยวป้าแดง", "site_address": "3 ซอยสุขใจ", "floor_area": "40"},
        documents={"id-card": pdf(), "floor-plan": pdf()},
        now=at(day),
        **kw,
    )


def test_working_day_steps_skip_the_weekend_and_the_organisations_songkran(org, notification, songkran):
    assert notification.periods == [(1, "working_days"), (6, "working_days")]
    application = submit_notification(org, notification, dt.date(2026, 4, 9))  # a Thursday
    # Step 1: Friday 10 April. Step 2: six working days after, Songkran (13–15) and two weekends skipped.
    assert application.step_due == ["2026-04-10", "2026-04-23"]
    assert application.due_on == dt.date(2026, 4, 23)


def test_without_the_holidays_in_the_calendar_only_weekends_are_skipped(org, notification):
    application = submit_notification(org, notification, dt.date(2026, 4, 9))
    assert application.due_on == dt.date(2026, 4, 20)


def test_a_limit_in_calendar_days_ending_on_a_weekend_and_holiday_ends_on_the_next_working_day(
    org, food, songkran
):
    assert food.periods == [(1, "days"), (15, "days"), (14, "days")]
    application = application_submit(
        actor=applicant(org),
        organization=org,
        service=food,
        applicant_name="สมศรี ใจดี",
        data=FOOD_DATA,
        documents=food_documents(),
        now=at(dt.date(2026, 3, 5)),
    )
    # 30 days from Thursday 5 March: Saturday 4 April; Sunday and Chakri Day (Monday 6) off: Tuesday 7 April.
    assert application.due_on == dt.date(2026, 4, 7)
    assert application.step_due == ["2026-03-06", "2026-03-23", "2026-04-07"]  # 21 March: a Saturday


def test_the_clock_starts_again_the_day_the_missing_documents_are_complete(
    org, notification, songkran, officer
):
    application = submit_notification(org, notification, dt.date(2026, 4, 1))
    assert application.step_due == ["2026-04-02", "2026-04-16"]  # Chakri Day and Songkran skipped
    application_request_documents(
        actor=officer, application=application, codes=["floor-plan"], now=at(dt.date(2026, 4, 2))
    )
    application_add_documents(
        actor=applicant(org),
        application=application,
        documents={"floor-plan": pdf()},
        now=at(dt.date(2026, 4, 10)),
    )
    application.refresh_from_db()
    assert application.step_due == ["2026-04-16", "2026-04-24"]


def test_a_step_in_an_unknown_unit_is_refused_on_the_steps_field(org):
    entry = {**catalogue_entries()[0], "code": "x"}
    entry["steps"] = [{**entry["steps"][0], "unit": "weeks"}]
    with pytest.raises(InvalidInput) as e:
        catalogue_load(actor=SYSTEM, organization=org, entries=[entry])
    assert "steps" in e.value.field_errors


def test_the_seven_day_notices_count_calendar_days_from_the_working_day_limit(org, notification, songkran):
    application = submit_notification(org, notification, dt.date(2026, 4, 9))  # due Thursday 23 April
    assert applications_notify_late(now=at(dt.date(2026, 4, 23))) == 0  # the last day is not late
    assert applications_notify_late(now=at(dt.date(2026, 4, 24))) == 1
    assert applications_notify_late(now=at(dt.date(2026, 4, 30))) == 0
    assert applications_notify_late(now=at(dt.date(2026, 5, 1))) == 1  # 7 calendar days later, a Friday
    application.refresh_from_db()
    assert application.late_notices == 2
    assert Notification.objects.filter(recipient="0812345678").count() == 3  # received + 2 notices


@pytest.fixture
def frozen(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.now", lambda: at(dt.date(2026, 4, 24)))


def test_the_staff_list_and_the_api_show_what_is_past_its_time_limit(
    org, notification, songkran, officer, frozen
):
    late = submit_notification(org, notification, dt.date(2026, 4, 9))  # due 23 April: one day late
    on_time = submit_notification(org, notification, dt.date(2026, 4, 20), phone="0899999999")
    client = Client()
    client.force_login(officer.user)
    url = reverse("eservices:applications")
    page = client.get(url).content.decode()
    assert late.reference in page and on_time.reference in page
    assert 'id="overdue-count"' in page and page.count('class="late"') == 1
    only = client.get(url, {"overdue": "1"}).content.decode()
    assert late.reference in only and on_time.reference not in only
    detail = client.get(reverse("eservices:application", args=[late.reference])).content.decode()
    assert 'id="step-due"' in detail and 'id="late"' in detail
    api = client.get(f"/api/v1/organizations/{org.slug}/eservices/applications", {"overdue": "true"})
    assert api.status_code == 200
    body = api.json()
    items = body["items"] if isinstance(body, dict) else body
    assert [a["reference"] for a in items] == [late.reference]
    assert items[0]["step_due"] == ["2026-04-10", "2026-04-23"]
