"""The SMS adapter (ThaiBulkSMS API v2) and the outbox, tested at the HTTP boundary against recorded exchanges."""

import base64
import datetime as dt

import pytest

from muang.core import outbox
from muang.core.models import Notification
from muang.core.sms import SmsAdapter, SmsDeliveryError, mask_thai_mobile, thai_mobile_local, thai_msisdn
from muang.core.tests.factories import OrganizationFactory
from muang.testing.sms_server import recording, start_fake_sms

pytestmark = pytest.mark.django_db
KEY, SECRET = "test-api-key", "test-api-secret"
NOW = dt.datetime(2026, 11, 21, 9, 0, tzinfo=dt.UTC)
ERRORS = recording("thaibulksms_errors")


@pytest.fixture
def sms(settings):
    state, server = start_fake_sms()
    settings.MUANG_SMS_API_BASE = state.url
    settings.MUANG_SMS_API_KEY = KEY
    settings.MUANG_SMS_API_SECRET = SECRET
    settings.MUANG_SMS_SENDER = "MUANG"
    settings.MUANG_SMS_CREDIT_TYPE = "standard"
    yield state
    server.shutdown()


@pytest.fixture
def org(areas):
    return OrganizationFactory()


def enqueue(org, text="Muang: your sign-in code is 123456", subject="", phone="081-234-5678") -> Notification:
    n = outbox.notification_enqueue(
        organization=org,
        channel=Notification.Channel.SMS,
        recipient=phone,
        messages=[{"type": "text", "text": text}],
        subject=subject,
    )
    Notification.objects.filter(pk=n.pk).update(next_attempt_at=NOW, created_at=NOW)
    return n


def answer(name: str) -> tuple[int, dict]:
    return ERRORS[name]["status"], ERRORS[name]["body"]


def test_the_request_is_exactly_what_thaibulksms_documents(sms, org):
    expected = recording("thaibulksms_sms_201")["request"]
    n = enqueue(org)
    assert outbox.deliver_due(now=NOW) == {"sent": 1}
    seen = sms.requests[0]
    assert seen.method == expected["method"] and seen.path == expected["path"]
    assert seen.form == expected["form"]
    assert seen.headers["content-type"] == expected["headers"]["content-type"]
    assert seen.headers["accept"] == expected["headers"]["accept"]
    assert seen.headers["authorization"] == "Basic " + base64.b64encode(f"{KEY}:{SECRET}".encode()).decode()
    n.refresh_from_db()
    assert n.status == Notification.Status.SENT and n.attempts == 1 and n.sent_at is not None


def test_the_answer_is_read(sms):
    sent = SmsAdapter.from_settings().send(to="0812345678", text="hello")
    body = recording("thaibulksms_sms_201")["response"]["body"]
    assert sent.message_id == body["phone_number_list"][0]["message_id"]
    assert sent.used_credit == 1 and sent.remaining_credit == 4999


@pytest.mark.parametrize(
    ("error", "retryable"),
    [
        ("unauthorized", False),
        ("insufficient_credit", False),
        ("too_many_requests", True),
        ("server_error", True),
    ],
)
def test_gateway_errors_are_retried_only_when_worth_it(sms, org, error, retryable):
    sms.answer_with(answer(error))
    n = enqueue(org)
    outcome = outbox.deliver_due(now=NOW)
    n.refresh_from_db()
    assert outcome == ({"retry": 1} if retryable else {"dead": 1})
    assert ERRORS[error]["body"]["error"]["description"] in n.last_error
    if retryable:
        assert n.status == Notification.Status.PENDING and n.next_attempt_at == NOW + outbox.RETRY_DELAYS[0]
        assert outbox.deliver_due(now=n.next_attempt_at) == {"sent": 1}  # the next answer is the recorded 201


def test_a_refused_number_is_not_retried(sms, org):
    sms.answer_with(answer("bad_number"))
    n = enqueue(org)
    assert outbox.deliver_due(now=NOW) == {"dead": 1}
    n.refresh_from_db()
    assert "Invalid phone number" in n.last_error


def test_an_unreachable_gateway_is_retried(settings, org):
    settings.MUANG_SMS_API_BASE = "http://127.0.0.1:9"  # discard port: connection refused
    settings.MUANG_SMS_API_KEY, settings.MUANG_SMS_API_SECRET = KEY, SECRET
    enqueue(org)
    assert outbox.deliver_due(now=NOW) == {"retry": 1}


def test_without_credentials_sms_are_given_up(settings, org):
    settings.MUANG_SMS_API_KEY = ""
    n = enqueue(org)
    assert outbox.deliver_due(now=NOW) == {"dead": 1}
    n.refresh_from_db()
    assert "no SMS gateway is configured" in n.last_error


def test_a_one_time_code_is_blanked_once_sent(sms, org):
    n = enqueue(org, subject="otp:abc")
    outbox.deliver_due(now=NOW)
    n.refresh_from_db()
    assert n.status == Notification.Status.SENT and "123456" not in str(n.messages)


def test_a_one_time_code_is_not_retried_past_its_lifetime(sms, org):
    sms.answer_with(answer("server_error"), answer("server_error"), answer("server_error"))
    n = enqueue(org, subject="otp:abc")
    assert outbox.deliver_due(now=NOW) == {"retry": 1}  # in 30 s
    n.refresh_from_db()
    assert outbox.deliver_due(now=n.next_attempt_at) == {"retry": 1}  # 2 minutes later: still in time
    n.refresh_from_db()
    assert outbox.deliver_due(now=n.next_attempt_at) == {"dead": 1}  # the next try would be after 5 minutes
    n.refresh_from_db()
    assert "123456" not in str(n.messages)


def test_a_number_that_is_not_a_thai_mobile_is_never_sent(sms, org):
    enqueue(org, phone="043-241234")
    assert outbox.deliver_due(now=NOW) == {"dead": 1}
    assert sms.requests == []


@pytest.mark.parametrize(
    ("phone", "local"),
    [
        ("081-234-5678", "0812345678"),
        ("+66 81 234 5678", "0812345678"),
        ("66912345678", "0912345678"),
        ("0612345678", "0612345678"),
        ("043-241234", None),
        ("02-123-4567", None),
        ("", None),
    ],
)
def test_thai_mobile_numbers(phone, local):
    assert thai_mobile_local(phone) == local
    assert thai_msisdn(phone) == ("66" + local[1:] if local else None)


def test_masking():
    assert mask_thai_mobile("0812345678") == "08x-xxx-5678"


def test_adapter_refuses_nonsense_before_calling(sms):
    with pytest.raises(SmsDeliveryError) as e:
        SmsAdapter.from_settings().send(to="1234", text="x")
    assert e.value.retryable is False and sms.requests == []
