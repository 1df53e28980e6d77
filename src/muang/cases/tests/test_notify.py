"""The notify step (muang.cases.notify, ADR 0012): every reporter who left a way to be reached hears of each public
status change exactly once, through the outbox, written in the same transaction as the change. Delivered here
to the recorded SMS gateway (muang.testing.sms_server) and to a real SMTP server (muang.testing.smtp_server)."""

import datetime as dt

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from muang.cases.models import Case
from muang.cases.notify import public_link, reporter_notify
from muang.cases.services import (
    case_assign,
    case_change_status,
    case_reopen_by_citizen,
)
from muang.cases.tests.conftest import MONDAY_9
from muang.cases.tests.factories import CaseCategoryFactory, submit_case
from muang.core import outbox
from muang.core.mail import MailAdapter, MailDeliveryError
from muang.core.models import Citizen, Notification
from muang.testing.sms_server import start_fake_sms
from muang.testing.smtp_server import start_smtp_sink

pytestmark = pytest.mark.django_db
LATER = MONDAY_9 + dt.timedelta(hours=1)
PUBLIC = "https://muang.example.go.th"


@pytest.fixture(autouse=True)
def _public_url(settings):
    settings.MUANG_PUBLIC_URL = PUBLIC + "/"


@pytest.fixture
def sms(settings):
    state, server = start_fake_sms()
    settings.MUANG_SMS_API_BASE = state.url
    settings.MUANG_SMS_API_KEY, settings.MUANG_SMS_API_SECRET = "key", "secret"
    settings.MUANG_SMS_SENDER, settings.MUANG_SMS_CREDIT_TYPE = "MUANG", "standard"
    yield state
    server.shutdown()


@pytest.fixture
def smtp(settings):
    state, server = start_smtp_sink()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = state.host, state.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.DEFAULT_FROM_EMAIL = "muang@example.go.th"
    yield state
    server.shutdown()


@pytest.fixture
def open_category(town):
    """A category that takes reports with only an e-mail address."""
    return CaseCategoryFactory(
        organization=town.org, code="noise", default_department=town.works, allow_anonymous=True
    )


def work_the_case(town, case: Case) -> Case:
    """Three public status changes: assigned, in progress, resolved."""
    case_assign(actor=town.head, case=case, assignee=town.officer.user, now=MONDAY_9)
    case = case_change_status(actor=town.officer, case=case, status="in_progress", now=MONDAY_9)
    return case_change_status(actor=town.officer, case=case, status="resolved", message="ซ่อมแล้ว", now=LATER)


def deliver() -> dict:
    """Run the outbox as the worker does (the rows were enqueued on the wall clock)."""
    return dict(outbox.deliver_due(now=timezone.now() + dt.timedelta(seconds=1)))


def test_a_web_reporter_who_left_a_phone_number_gets_an_sms_for_each_public_status_change(town, sms):
    case = submit_case(town.category, now=MONDAY_9, contact_phone="081-234-5678")
    case = work_the_case(town, case)
    rows = Notification.objects.filter(subject__startswith=f"case:{case.pk}:").order_by("id")
    assert [(n.channel, n.recipient, n.organization_id) for n in rows] == [
        (Notification.Channel.SMS, "0812345678", town.org.pk)
    ] * 3
    assert deliver() == {"sent": 3}
    assert [r.form["msisdn"] for r in sms.requests] == ["66812345678"] * 3
    texts = [r.form["message"] for r in sms.requests]
    link = f"{PUBLIC}/r/{case.tracking_code}"
    assert all(case.tracking_code in t and link in t and "ความคืบหน้าเรื่องแจ้ง" in t for t in texts)
    # Running the outbox again sends nothing more: each update goes out exactly once.
    assert deliver() == {}
    assert len(sms.requests) == 3
    assert set(rows.values_list("status", flat=True)) == {Notification.Status.SENT}


def test_the_update_names_the_status_in_thai(town, sms):
    case = submit_case(town.category, now=MONDAY_9, contact_phone="0812345678")
    case = case_assign(actor=town.head, case=case, assignee=town.officer.user, now=MONDAY_9)
    deliver()
    assert f"“{case.status.name_th}”" in sms.requests[0].form["message"]


def test_an_e_mail_reporter_gets_a_mail_through_a_real_smtp_server_once(town, open_category, smtp):
    case = submit_case(open_category, now=MONDAY_9, contact_email="somsri@example.com")
    case = work_the_case(town, case)
    rows = Notification.objects.filter(subject__startswith=f"case:{case.pk}:")
    assert set(rows.values_list("channel", "recipient")) == {
        (Notification.Channel.EMAIL, "somsri@example.com")
    }
    assert deliver() == {"sent": 3}
    assert deliver() == {}
    assert len(smtp.messages) == 3
    first = smtp.messages[0]
    assert first["To"] == "somsri@example.com" and first["From"] == "muang@example.go.th"
    assert first["Subject"].strip() == f"ความคืบหน้าเรื่องแจ้ง {case.tracking_code}"  # (folded header)
    body = first.get_content()
    assert case.tracking_code in body and f"{PUBLIC}/r/{case.tracking_code}" in body
    assert smtp.envelopes[0] == ("muang@example.go.th", ["somsri@example.com"])


def test_a_reporter_with_a_phone_and_an_address_hears_once_by_sms(town, sms):
    case = submit_case(town.category, now=MONDAY_9, contact_phone="0812345678", contact_email="a@example.com")
    case_assign(actor=town.head, case=case, assignee=town.officer.user, now=MONDAY_9)
    assert list(Notification.objects.values_list("channel", flat=True)) == [Notification.Channel.SMS]


def test_a_landline_is_not_texted_and_an_address_is_used_instead(town, open_category):
    case = submit_case(
        open_category, now=MONDAY_9, contact_phone="02-123-4567", contact_email="a@example.com"
    )
    case_assign(actor=town.head, case=case, assignee=town.officer.user, now=MONDAY_9)
    assert list(Notification.objects.values_list("channel", flat=True)) == [Notification.Channel.EMAIL]


def test_a_reporter_account_phone_is_used_when_the_report_has_none(town):
    reporter = Citizen.objects.create(phone="0891112222", preferred_language="th")
    case = submit_case(town.category, now=MONDAY_9, reporter=reporter)
    case_assign(actor=town.head, case=case, assignee=town.officer.user, now=MONDAY_9)
    assert list(Notification.objects.values_list("channel", "recipient")) == [
        (Notification.Channel.SMS, "0891112222")
    ]


def test_a_reporter_who_left_no_way_to_be_reached_gets_nothing(town, open_category):
    case = submit_case(open_category, now=MONDAY_9)
    work_the_case(town, case)
    assert not Notification.objects.exists()


def test_the_reporters_own_reopening_is_not_sent_back_to_them(town):
    reporter = Citizen.objects.create(phone="0891112222")
    case = submit_case(town.category, now=MONDAY_9, reporter=reporter)
    case = work_the_case(town, case)
    before = Notification.objects.count()
    case_reopen_by_citizen(citizen=reporter, case=case, reason="ยังดับอยู่", now=LATER)
    assert Notification.objects.count() == before
    assert reporter_notify(case=case, citizen=reporter) == []


def test_the_message_is_written_in_the_transaction_of_the_change(town):
    case = submit_case(town.category, now=MONDAY_9, contact_phone="0812345678")
    with pytest.raises(RuntimeError), transaction.atomic():
        case_assign(actor=town.head, case=case, assignee=town.officer.user, now=MONDAY_9)
        assert Notification.objects.count() == 1
        raise RuntimeError("the change is rolled back")
    assert not Notification.objects.exists()
    assert Case.objects.get(pk=case.pk).assignee_id is None


def test_the_link_is_built_from_the_public_url(town):
    case = submit_case(town.category, now=MONDAY_9)
    assert public_link(case) == f"{PUBLIC}/r/{case.tracking_code}"


# --- the e-mail adapter at its boundary ------------------------------------------------------------------------


def test_the_mail_adapter_sends_through_djangos_backend(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.DEFAULT_FROM_EMAIL = "muang@example.go.th"
    MailAdapter.from_settings().send(to="somsri@example.com", subject="เรื่อง\nใหม่", text="สวัสดี")
    (sent,) = mail.outbox
    assert sent.to == ["somsri@example.com"] and sent.subject == "เรื่อง ใหม่" and sent.body == "สวัสดี"


def test_a_refused_recipient_is_given_up_and_a_down_server_is_tried_again(smtp, settings):
    smtp.refuse.add("nobody@example.com")
    with pytest.raises(MailDeliveryError) as refused:
        MailAdapter.from_settings().send(to="nobody@example.com", subject="s", text="t")
    assert not refused.value.retryable
    with pytest.raises(MailDeliveryError) as bad:
        MailAdapter.from_settings().send(to="not an address", subject="s", text="t")
    assert not bad.value.retryable
    settings.EMAIL_PORT = 1  # nothing listens there
    with pytest.raises(MailDeliveryError) as down:
        MailAdapter.from_settings().send(to="somsri@example.com", subject="s", text="t")
    assert down.value.retryable
    assert smtp.messages == []


def test_the_outbox_gives_up_a_refused_address_and_retries_a_down_server(town, open_category, smtp, settings):
    smtp.refuse.add("nobody@example.com")
    refused = submit_case(open_category, now=MONDAY_9, contact_email="nobody@example.com")
    case_assign(actor=town.head, case=refused, assignee=town.officer.user, now=MONDAY_9)
    assert deliver() == {"dead": 1}
    settings.EMAIL_PORT = 1
    later = submit_case(open_category, now=MONDAY_9, contact_email="somsri@example.com")
    case_assign(actor=town.head, case=later, assignee=town.officer.user, now=MONDAY_9)
    assert deliver() == {"retry": 1}
