"""The daily digest of overdue cases that each department head receives by e-mail (moved from test_exports)."""

import datetime as dt

import pytest
from django.core import mail
from django.test import Client

from muang.cases.tests.conftest import make_town
from muang.cases.tests.factories import CaseCategoryFactory, bkk, submit_case
from muang.core import registry
from muang.core.models import DailyRun
from muang.reports.tasks import DIGEST_JOB, overdue_digest_daily, overdue_digest_send, send_overdue_digest

pytestmark = pytest.mark.django_db


@pytest.fixture
def town(areas):
    return make_town()


def signed_in(actor) -> Client:
    client = Client()
    client.force_login(actor.user)
    return client


def _cases(town):
    january = submit_case(
        town.category,
        now=bkk(2026, 1, 10, 9),
        description='=HYPERLINK("http://evil")',
        contact_phone="0812345678",
        contact_name="สมศรี",
    )
    february = submit_case(town.category, now=bkk(2026, 2, 10, 9))
    health = CaseCategoryFactory(organization=town.org, default_department=town.health)
    other_department = submit_case(health, now=bkk(2026, 1, 11, 9))
    return january, february, other_department


def test_the_daily_digest_emails_each_head_their_overdue_cases(town, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    town.head.user.email = "head@example.org"
    town.head.user.save()
    late = submit_case(town.category, now=bkk(2026, 1, 5, 9))
    submit_case(town.category)  # not due yet
    health = CaseCategoryFactory(organization=town.org, default_department=town.health)
    submit_case(health, now=bkk(2026, 1, 5, 9))  # the health head has no email address
    result = overdue_digest_send(now=bkk(2026, 11, 23, 9))
    assert result == {"departments": 2, "sent": 1, "skipped": 1, "no_head": 1}
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["head@example.org"]
    assert late.tracking_code in message.body and town.works.name_th in message.subject


def test_the_digest_names_the_assignee_and_the_due_time_in_the_buddhist_era(town, settings):
    """Issue 8 item 13: people by their names and dates in the Buddhist Era, in the e-mail too."""
    from muang.cases.services import case_assign

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    town.head.user.email = "head@example.org"
    town.head.user.save()
    town.officer.user.first_name, town.officer.user.last_name = "สมปอง", "ขยันดี"
    town.officer.user.save()
    late = submit_case(town.category, now=bkk(2026, 1, 5, 9))
    case_assign(actor=town.head, case=late, assignee=town.officer.user, now=bkk(2026, 1, 5, 10))
    overdue_digest_send(now=bkk(2026, 11, 23, 9))
    body = mail.outbox[0].body
    assert "→ สมปอง ขยันดี" in body and town.officer.user.username not in body
    assert "6 ม.ค. 2569" in body and "2026-01" not in body


def test_the_digest_goes_once_a_day_from_the_configured_hour(town, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.MUANG_DIGEST_HOUR = 7
    town.head.user.email = "head@example.org"
    town.head.user.save()
    submit_case(town.category, now=bkk(2026, 1, 5, 9))
    assert overdue_digest_daily(now=bkk(2026, 11, 23, 6, 59)) is None, "not before 07:00 Bangkok"
    assert mail.outbox == []
    assert overdue_digest_daily(now=bkk(2026, 11, 23, 7, 0))["sent"] == 1
    assert overdue_digest_daily(now=bkk(2026, 11, 23, 7, 15)) is None, "the day's digest has gone"
    assert overdue_digest_daily(now=bkk(2026, 11, 23, 23, 59)) is None
    assert len(mail.outbox) == 1
    assert overdue_digest_daily(now=bkk(2026, 11, 24, 7, 0))["sent"] == 1, "the next day it goes again"
    assert len(mail.outbox) == 2
    assert list(DailyRun.objects.filter(job=DIGEST_JOB).values_list("day", flat=True).order_by("day")) == [
        dt.date(2026, 11, 23),
        dt.date(2026, 11, 24),
    ]


def test_a_digest_that_fails_to_send_is_tried_again(town, settings, monkeypatch):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    town.head.user.email = "head@example.org"
    town.head.user.save()
    submit_case(town.category, now=bkk(2026, 1, 5, 9))

    def broken(*args, **kwargs):
        raise OSError("mail server down")

    monkeypatch.setattr("muang.reports.tasks.send_mass_mail", broken)
    with pytest.raises(OSError):
        overdue_digest_daily(now=bkk(2026, 11, 23, 8))
    assert not DailyRun.objects.filter(job=DIGEST_JOB).exists(), "the claim rolled back with the failure"
    monkeypatch.undo()
    assert overdue_digest_daily(now=bkk(2026, 11, 23, 8, 15))["sent"] == 1
    assert len(mail.outbox) == 1


def test_the_periodic_task_sends_the_digest_once(town, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.MUANG_DIGEST_HOUR = 0  # whatever the time of this run
    assert "muang.reports.tasks.send_overdue_digest" in {p.task for p in registry.periodic_tasks()}
    town.head.user.email = "head@example.org"
    town.head.user.save()
    submit_case(town.category, now=bkk(2026, 1, 5, 9))
    send_overdue_digest.enqueue()  # the task, through the (immediate) test queue
    send_overdue_digest.enqueue()
    assert len(mail.outbox) == 1


def test_the_digest_loads_at_most_its_lines_per_department_and_counts_the_rest(town, settings, monkeypatch):
    """Issue 11: the digest loaded every overdue case (the worker grew to 556 MB on the 1M-case bench); now a
    window query loads at most MAX_LINES per department, with the department's total beside them."""
    from muang.reports.selectors import overdue_by_department

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    town.head.user.email = "head@example.org"
    town.head.user.save()
    works = [submit_case(town.category, now=bkk(2026, 1, day, 9)) for day in (7, 5, 6)]
    health = CaseCategoryFactory(organization=town.org, default_department=town.health)
    alone = submit_case(health, now=bkk(2026, 1, 9, 9))
    submit_case(town.category)  # not due yet

    grouped = overdue_by_department(bkk(2026, 11, 23, 9), limit=2)
    oldest_two = [works[1].pk, works[2].pk]
    assert [c.pk for c in grouped[town.works.pk].cases] == oldest_two, "only the two oldest are loaded"
    assert (grouped[town.works.pk].total, grouped[town.works.pk].more) == (3, 1)
    assert [c.pk for c in grouped[town.health.pk].cases] == [alone.pk] and grouped[town.health.pk].more == 0

    monkeypatch.setattr("muang.reports.tasks.MAX_LINES", 2)
    overdue_digest_send(now=bkk(2026, 11, 23, 9))
    (message,) = mail.outbox
    assert "เกินกำหนด 3 เรื่อง" in message.subject, "the subject counts them all"
    assert works[1].tracking_code in message.body and works[2].tracking_code in message.body
    assert works[0].tracking_code not in message.body
    assert message.body.splitlines()[-1] == "… และอีก 1 เรื่อง"
