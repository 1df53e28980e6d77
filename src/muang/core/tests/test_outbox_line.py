"""The outbox and the LINE adapter, tested at the HTTP boundary against recorded LINE exchanges."""

import base64
import datetime as dt
import hashlib
import hmac
import json

import pytest

from muang.core import outbox
from muang.core.contract import PeriodicTask
from muang.core.line import InvalidSignature, LineAdapter, parse_webhook
from muang.core.models import LineChannel, Notification
from muang.core.tests.factories import OrganizationFactory
from muang.testing.line_server import recording, start_fake_line

pytestmark = pytest.mark.django_db
TOKEN = "test-channel-access-token"
NOW = dt.datetime(2026, 11, 21, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def line(settings):
    state, server = start_fake_line()
    settings.MUANG_LINE_API_BASE = state.url
    yield state
    server.shutdown()


@pytest.fixture
def org(areas):
    org = OrganizationFactory()
    LineChannel.objects.create(
        organization=org, channel_id="2000000001", channel_secret="s" * 32, access_token=TOKEN
    )
    return org


def enqueue(org, **kwargs) -> Notification:
    defaults = dict(
        channel=Notification.Channel.LINE_PUSH,
        recipient="U4af4980629e6e0f5a3f2bd4f5f0e6ad0",
        messages=[{"type": "text", "text": "Hello, world1"}],
    )
    n = outbox.notification_enqueue(organization=org, **{**defaults, **kwargs})
    Notification.objects.filter(pk=n.pk).update(next_attempt_at=NOW)
    return n


def test_push_request_is_exactly_what_line_documents(line, org):
    expected = recording("line_push_200")["request"]
    n = enqueue(org)
    assert outbox.deliver_due(now=NOW) == {"sent": 1}
    seen = line.requests[0]
    assert seen.path == expected["path"]
    # The SDK also states LINE's default explicitly: notify the user (notificationDisabled: false).
    assert seen.body.pop("notificationDisabled") is False
    assert seen.body == expected["body"]
    assert seen.headers["authorization"] == f"Bearer {TOKEN}"
    assert seen.headers["content-type"] == "application/json"
    assert seen.headers["x-line-retry-key"] == str(n.retry_key)
    n.refresh_from_db()
    assert n.status == "sent" and n.attempts == 1 and n.sent_at is not None


def test_server_error_is_retried_later_with_the_same_retry_key(line, org):
    line.answer_with(tuple(recording("line_errors")["server_error"].values()))
    n = enqueue(org)
    assert outbox.deliver_due(now=NOW) == {"retry": 1}
    n.refresh_from_db()
    assert n.status == "pending" and n.next_attempt_at == NOW + dt.timedelta(seconds=30)
    assert "500" in n.last_error
    assert outbox.deliver_due(now=NOW + dt.timedelta(seconds=10)) == {}  # not due yet
    assert outbox.deliver_due(now=NOW + dt.timedelta(seconds=31)) == {"sent": 1}
    keys = {r.headers["x-line-retry-key"] for r in line.requests}
    assert keys == {str(n.retry_key)}


def test_a_retry_key_line_already_accepted_counts_as_sent(line, org):
    line.answer_with(tuple(recording("line_errors")["conflict"].values()))
    n = enqueue(org)
    assert outbox.deliver_due(now=NOW) == {"sent": 1}
    n.refresh_from_db()
    assert n.status == "sent"


def test_a_bad_request_is_not_retried(line, org):
    line.answer_with(tuple(recording("line_errors")["bad_request"].values()))
    n = enqueue(org)
    assert outbox.deliver_due(now=NOW) == {"dead": 1}
    n.refresh_from_db()
    assert n.status == "dead" and "May not be empty" in n.last_error


def test_rate_limit_backs_off_and_gives_up_after_the_last_delay(line, org):
    limited = tuple(recording("line_errors")["rate_limited"].values())
    line.answer_with(*[limited] * 10)
    n = enqueue(org)
    when = NOW
    outcomes = []
    for _ in range(len(outbox.RETRY_DELAYS) + 1):
        outcomes.append(outbox.deliver_due(now=when))
        n.refresh_from_db()
        when = n.next_attempt_at
    assert outcomes[-1] == {"dead": 1} and all(o == {"retry": 1} for o in outcomes[:-1])
    assert n.attempts == len(outbox.RETRY_DELAYS) + 1


def test_reply_first_then_push_when_the_reply_failed(line, org):
    expected = recording("line_reply_200")["request"]
    line.answer_with(tuple(recording("line_errors")["server_error"].values()))
    n = enqueue(
        org,
        channel=Notification.Channel.LINE_REPLY,
        reply_token=expected["body"]["replyToken"],
        messages=expected["body"]["messages"],
    )
    outbox.deliver_due(now=NOW)
    assert line.requests[0].path == "/v2/bot/message/reply"
    assert {k: v for k, v in line.requests[0].body.items() if k != "notificationDisabled"} == expected["body"]
    outbox.deliver_due(now=NOW + dt.timedelta(minutes=1))
    assert line.requests[1].path == "/v2/bot/message/push"
    n.refresh_from_db()
    assert n.status == "sent"


def test_unreachable_line_is_retried(org, settings):
    settings.MUANG_LINE_API_BASE = "http://127.0.0.1:9"  # discard port: connection refused
    enqueue(org)
    assert outbox.deliver_due(now=NOW) == {"retry": 1}


def test_no_line_channel_gives_up_with_a_reason(line, areas):
    n = enqueue(OrganizationFactory())
    assert outbox.deliver_due(now=NOW) == {"dead": 1}
    n.refresh_from_db()
    assert "no active LINE channel" in n.last_error


def test_enqueue_delivers_after_commit_through_the_task(line, org, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        n = outbox.notification_enqueue(
            organization=org,
            channel=Notification.Channel.LINE_PUSH,
            recipient="Uabc",
            messages=[{"type": "text", "text": "สวัสดี"}],
        )
    n.refresh_from_db()
    assert n.status == "sent" and line.requests[0].body["messages"][0]["text"] == "สวัสดี"


def test_adapter_returns_line_message_ids(line):
    delivered = LineAdapter(access_token=TOKEN, base_url=line.url).push(
        to="Uabc", messages=[{"type": "text", "text": "x"}], retry_key="123e4567-e89b-12d3-a456-426614174000"
    )
    assert delivered.message_ids == ["461230966842064897"]


def sign(secret: str, body: bytes) -> str:
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


WEBHOOK = {
    "destination": "Uxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
    "events": [
        {
            "type": "message",
            "message": {
                "type": "text",
                "id": "14353798921116",
                "text": "ไฟถนนดับหน้าวัด",
                "quoteToken": "q3Plxr4AgKd",
            },
            "webhookEventId": "01FZ74A0TDDPYRVKNK77XKC3ZR",
            "deliveryContext": {"isRedelivery": False},
            "timestamp": 1692251666727,
            "source": {"type": "user", "userId": "U4af4980629e6e0f5a3f2bd4f5f0e6ad0"},
            "replyToken": "38ef843bde154d9b91c21320ffd17a0f",
            "mode": "active",
        }
    ],
}


def test_webhook_signature_is_checked_on_the_raw_body():
    secret = "8c570fa6dd201bb328f1c1eac23a96d8"
    body = json.dumps(WEBHOOK, ensure_ascii=False).encode()
    events = parse_webhook(body=body, signature=sign(secret, body), channel_secret=secret)
    assert (
        events[0].message.text == "ไฟถนนดับหน้าวัด"
        and events[0].webhook_event_id == "01FZ74A0TDDPYRVKNK77XKC3ZR"
    )
    for bad_signature in ["", sign("another-secret", body), sign(secret, body + b" ")]:
        with pytest.raises(InvalidSignature):
            parse_webhook(body=body, signature=bad_signature, channel_secret=secret)
    with pytest.raises(InvalidSignature, match="UTF-8"):
        parse_webhook(body=b"\xff\xfe", signature=sign(secret, b"\xff\xfe"), channel_secret=secret)


class _Recorder:
    def __init__(self):
        self.calls = 0

    def enqueue(self):
        self.calls += 1


RECORDER = _Recorder()


def test_worker_enqueues_periodic_tasks_on_their_interval(settings):
    from muang.core.management.commands import muang_worker

    path = f"{__name__}.RECORDER"
    tasks = [PeriodicTask(path, 30)]
    RECORDER.calls = 0
    last_run: dict[str, float] = {}
    muang_worker._enqueue_periodic(last_run, tasks)
    muang_worker._enqueue_periodic(last_run, tasks)  # interval not passed: not again
    assert RECORDER.calls == 1
    last_run[path] -= 31
    muang_worker._enqueue_periodic(last_run, tasks)
    assert RECORDER.calls == 2
