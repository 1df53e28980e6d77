"""The LINE webhook, called as LINE calls it: signed raw bodies, conversations to a case, replies in the outbox."""

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone

from muang.cases.models import Case, CaseStatus, Channel
from muang.cases.services import (
    case_add_note,
    case_assign,
    case_change_category,
    case_change_status,
    case_forward,
    case_mark_duplicate,
    case_rate,
    case_reopen,
    case_reopen_by_citizen,
)
from muang.cases.tests.conftest import make_town
from muang.cases.tests.factories import submit_case
from muang.core import outbox
from muang.core.line import LineAdapter, LineDeliveryError
from muang.core.models import Citizen, LineChannel, Notification
from muang.reports.line.messages import parse_postback
from muang.reports.models import LineCaseLink, LineConversation, LineWebhookEvent
from muang.reports.notify import line_reach
from muang.testing.images import assert_clean, jpeg_with_gps, pixel_flood_png
from muang.testing.line_server import start_fake_line

from .test_line_support import (
    SECRET,
    TOKEN,
    USER,
    body_of,
    deliver,
    image,
    inside,
    line_town,
    location,
    postback,
    sign,
    start_content_server,
    text,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def content(settings):
    state, server = start_content_server()
    settings.MUANG_LINE_API_BASE = state.url
    yield state
    server.shutdown()


@pytest.fixture
def town(areas):
    # The texts are English msgids translated to Thai by the lead: the citizen reads English here so that the
    # assertions do not depend on the translation catalogue.
    Citizen.objects.create(line_user_id=USER, preferred_language="en")
    return line_town()


def last_reply(user: str = USER) -> dict:
    n = Notification.objects.filter(recipient=user).order_by("-id").first()
    assert n is not None and n.channel == Notification.Channel.LINE_REPLY and n.reply_token
    return n


def reply_text(n: Notification) -> str:
    return "\n".join(m["text"] for m in n.messages)


def quick_actions(n: Notification) -> list[dict]:
    return [i["action"] for i in n.messages[-1].get("quickReply", {}).get("items", [])]


def say(client, town, event) -> Notification:
    response = deliver(client, town.org.slug, body_of(event))
    assert response.status_code == 200, response.content
    return last_reply(event["source"]["userId"])


def test_a_whole_conversation_files_a_case_in_the_right_department(client, town, content):
    lat, lon = inside(town)

    greeting = say(client, town, text("สวัสดีครับ"))
    assert town.org.name_th in reply_text(greeting)
    assert quick_actions(greeting)[0] == {"type": "location", "label": "Send location"}

    asked = say(client, town, location(lat, lon))
    assert "describe" in reply_text(asked)

    categories = say(client, town, text("ไฟถนนดับหน้าวัด กลางคืนมืดมาก"))
    first = quick_actions(categories)[0]
    assert first["type"] == "postback" and parse_postback(first["data"]) == {
        "action": "category",
        "code": "streetlight",
    }, "the suggested category comes first"
    assert "ไฟส่องสว่างชำรุด" in reply_text(categories)

    photos = say(client, town, postback(first["data"]))
    assert "5" in reply_text(photos)
    say(client, town, image("325708"))
    confirm = say(client, town, postback("action=photos_done"))
    assert "ไฟถนนดับหน้าวัด" in reply_text(confirm) and town.org.name_th in reply_text(confirm)
    assert Case.objects.count() == 0, "nothing is filed before the citizen confirms"

    confirming = postback("action=confirm")
    filed = say(client, town, confirming)

    case = Case.objects.get()
    assert (case.organization, case.department, case.category) == (town.org, town.works, town.category)
    assert case.channel == Channel.LINE and case.idempotency_key == confirming["webhookEventId"]
    assert case.reporter == Citizen.objects.get(line_user_id=USER)
    assert case.description == "ไฟถนนดับหน้าวัด กลางคืนมืดมาก" and case.address == "หน้าวัด"
    assert case.attachments.count() == 1, "the photo was downloaded from LINE and attached"
    assert content.requests[0][0] == "/v2/bot/message/325708/content"
    assert content.requests[0][1]["authorization"] == f"Bearer {TOKEN}"
    assert case.tracking_code in reply_text(filed)
    assert f"http://testserver/r/{case.tracking_code}" in reply_text(filed)
    assert LineConversation.objects.get().state == LineConversation.State.IDLE

    link = LineCaseLink.objects.get()
    assert (link.case, link.channel_organization, link.line_user_id) == (case, town.org, USER)

    status = say(client, town, text("ติดตาม"))
    assert case.tracking_code in reply_text(status) and case.status.name_th in reply_text(status)
    by_code = say(client, town, text(case.tracking_code.lower().replace("-", "")))
    assert case.tracking_code in reply_text(by_code)
    # Every answer went out as a reply through the outbox, to the citizen who wrote.
    assert set(Notification.objects.values_list("channel", "recipient", "organization")) == {
        (Notification.Channel.LINE_REPLY, USER, town.org.pk)
    }


def test_a_point_of_another_organisation_is_filed_there_and_said_so(client, town, content, areas):
    other = line_town()
    lat, lon = inside(other)
    say(client, town, text("แจ้งเรื่อง"))
    told = say(client, town, location(lat, lon))
    assert other.org.name_th in reply_text(told) and town.org.name_th in reply_text(told)
    say(client, town, text("ถนนเป็นหลุมบ่อ รถล้ม"))
    say(client, town, postback("action=category&code=road"))
    say(client, town, postback("action=photos_done"))
    say(client, town, postback("action=confirm"))
    case = Case.objects.get()
    assert case.organization == other.org and case.category.organization == other.org
    assert case.department.code == "health"
    link = LineCaseLink.objects.get()
    assert link.organization == other.org and link.channel_organization == town.org


def test_a_point_outside_every_organisation_is_refused_naming_the_nearest(client, town):
    say(client, town, text("แจ้งเรื่อง"))
    refused = say(client, town, location(15.0, 100.5))
    assert "nearest" in reply_text(refused)
    assert LineConversation.objects.get().state == LineConversation.State.LOCATION
    assert Case.objects.count() == 0


def test_cancel_starts_over(client, town):
    say(client, town, text("แจ้งเรื่อง"))
    say(client, town, text("ยกเลิก"))
    assert LineConversation.objects.get().state == LineConversation.State.IDLE


def test_a_redelivered_event_is_acknowledged_and_not_processed_twice(client, town, content):
    lat, lon = inside(town)
    for event in (
        text("สวัสดี"),
        location(lat, lon),
        text("ไฟถนนดับ"),
        postback("action=category&code=streetlight"),
    ):
        say(client, town, event)
    say(client, town, postback("action=photos_done"))
    confirming = body_of(postback("action=confirm"))
    assert deliver(client, town.org.slug, confirming).json() == {"processed": 1}
    replies = Notification.objects.count()
    again = deliver(client, town.org.slug, confirming)
    assert again.status_code == 200 and again.json() == {"processed": 0}
    assert Case.objects.count() == 1 and Notification.objects.count() == replies


@pytest.mark.parametrize(
    "signature",
    ["", sign("another-secret", b"{}"), "not base64 at all"],
    ids=["missing", "other secret", "garbage"],
)
def test_a_wrong_signature_is_refused_and_nothing_is_stored(client, town, signature):
    response = deliver(client, town.org.slug, body_of(text("สวัสดี")), signature=signature)
    assert response.status_code == 400
    assert not LineWebhookEvent.objects.exists() and Citizen.objects.count() == 1
    assert not Notification.objects.exists() and not LineConversation.objects.exists()


def test_a_body_changed_after_signing_is_refused(client, town):
    body = body_of(text("สวัสดี"))
    response = deliver(client, town.org.slug, body + b" ", signature=sign(SECRET, body))
    assert response.status_code == 400 and not LineWebhookEvent.objects.exists()


def test_unknown_organisation_or_inactive_channel_is_not_found(client, town):
    assert deliver(client, "no-such-town", body_of(text("x"))).status_code == 404
    LineChannel.objects.filter(organization=town.org).update(is_active=False)
    assert deliver(client, town.org.slug, body_of(text("x"))).status_code == 404
    assert not LineWebhookEvent.objects.exists()


def test_only_post_is_allowed(client, town):
    assert client.get(f"/line/{town.org.slug}/webhook").status_code == 405


def test_line_verify_call_with_no_events_is_acknowledged(client, town):
    assert deliver(client, town.org.slug, body_of()).json() == {"processed": 0}


def test_a_photo_line_no_longer_has_is_left_out_and_said_so(client, town, content):
    content.missing.add("999")
    lat, lon = inside(town)
    for event in (
        text("สวัสดี"),
        location(lat, lon),
        text("ไฟถนนดับ"),
        postback("action=category&code=streetlight"),
    ):
        say(client, town, event)
    say(client, town, image("999"))
    say(client, town, postback("action=photos_done"))
    filed = say(client, town, postback("action=confirm"))
    assert Case.objects.get().attachments.count() == 0
    assert "could not be attached" in reply_text(filed)


def test_a_pixel_flood_photo_is_left_out_and_the_citizen_told_why(client, town, content):
    content.bodies["777"] = pixel_flood_png(7000)
    content.bodies["778"] = jpeg_with_gps()
    lat, lon = inside(town)
    for event in (
        text("สวัสดี"),
        location(lat, lon),
        text("ไฟถนนดับ"),
        postback("action=category&code=streetlight"),
        image("777"),
        image("778"),
    ):
        say(client, town, event)
    say(client, town, postback("action=photos_done"))
    filed = say(client, town, postback("action=confirm"))
    case = Case.objects.get()
    kept = case.attachments.get()  # the good photo is filed, the flood is not
    assert_clean(kept.file.read())
    assert "1 photo(s) could not be attached" in reply_text(filed) and "too many pixels" in reply_text(filed)


def file_through_line(client, town) -> Case:
    lat, lon = inside(town)
    for event in (
        text("สวัสดี"),
        location(lat, lon),
        text("ไฟถนนดับ"),
        postback("action=category&code=streetlight"),
        postback("action=photos_done"),
        postback("action=confirm"),
    ):
        say(client, town, event)
    return Case.objects.get(channel=Channel.LINE)


def pushes() -> list[Notification]:
    return list(Notification.objects.filter(channel=Notification.Channel.LINE_PUSH).order_by("id"))


def test_status_change_is_pushed_to_the_line_reporter(client, town, content):
    case = file_through_line(client, town)
    case = case_change_status(actor=town.admin, case=case, status="in_progress")
    [n] = pushes()
    assert n.channel == Notification.Channel.LINE_PUSH and n.recipient == USER and n.organization == town.org
    assert case.tracking_code in n.messages[0]["text"] and case.status.name_th in n.messages[0]["text"]
    assert n.subject == f"case:{case.pk}:status:{case.status_id}"
    assert line_reach(submit_case(town.category)) == [], "web reports get no LINE push"


def test_every_public_status_change_pushes_once_and_nothing_else_does(client, town, content):
    other_town = make_town()
    # Given a case filed through LINE
    case = file_through_line(client, town)
    assert pushes() == [], "filing is answered by a reply, not a push"
    worker = town.officer.user

    def note(public: bool):
        return lambda c: case_add_note(actor=town.head, case=c, message="ช่างกำลังไป", public=public).case

    def forward(c):
        case_forward(actor=town.admin, case=c, to_organization=other_town.org, reason="ถนนของจังหวัด")
        return Case.objects.get(pk=c.pk)

    steps = [
        ("assign: received → assigned", lambda c: case_assign(actor=town.head, case=c, assignee=worker), 1),
        ("internal note", note(public=False), 0),
        ("public note", note(public=True), 0),
        ("in progress", lambda c: case_change_status(actor=town.head, case=c, status="in_progress"), 1),
        ("resolved", lambda c: case_change_status(actor=town.head, case=c, status="resolved"), 1),
        ("rated", lambda c: case_rate(actor=town.head, case=c, stars=4), 0),
        ("reopened by staff", lambda c: case_reopen(actor=town.head, case=c, reason="ยังดับอยู่"), 1),
        (
            "re-triaged to another department, still in progress",
            lambda c: case_change_category(
                actor=town.admin, case=c, category=c.category, department=town.health
            ),
            0,
        ),
        ("forwarded", forward, 1),
    ]
    for label, step, expected in steps:
        before = len(pushes())
        case = step(case)
        assert len(pushes()) - before == expected, label
    # Then each push names the status the case moved to, in order
    statuses = [n.subject.rsplit(":", 1)[1] for n in pushes()]
    codes = [CaseStatus.objects.get(pk=s).code for s in statuses]
    assert codes == ["assigned", "in_progress", "resolved", "in_progress", "forwarded"]
    assert {n.recipient for n in pushes()} == {USER}


def test_the_citizen_keeps_hearing_about_a_forwarded_report_from_the_other_organisation(
    client, town, content
):
    other_town = make_town()
    case = file_through_line(client, town)
    case_forward(actor=town.admin, case=case, to_organization=other_town.org, reason="ถนนของจังหวัด")
    forwarded = Case.objects.get(forwarded_from=case)
    link = LineCaseLink.objects.get(case=forwarded)
    assert (link.organization, link.channel_organization, link.line_user_id) == (
        other_town.org,
        town.org,
        USER,
    )
    assert link.tracking_url.endswith(f"/r/{forwarded.tracking_code}")
    case_assign(actor=other_town.head, case=forwarded, assignee=other_town.officer.user)
    resolved = case_change_status(actor=other_town.head, case=forwarded, status="resolved", message="ซ่อมแล้ว")
    last = pushes()[-1]
    assert last.organization == town.org and last.recipient == USER, (
        "through the LINE account the citizen used"
    )
    assert resolved.tracking_code in last.messages[0]["text"]
    assert [n.subject.rsplit(":", 1)[1] for n in pushes()][-2:] == [
        str(s)
        for s in CaseStatus.objects.filter(organization=other_town.org, code__in=["assigned", "resolved"])
        .order_by("code")
        .values_list("pk", flat=True)
    ]


def test_a_duplicate_mark_pushes_and_a_rolled_back_change_does_not(client, town, content):
    case = file_through_line(client, town)
    original = submit_case(town.category)
    with pytest.raises(RuntimeError), transaction.atomic():
        case_change_status(actor=town.admin, case=case, status="in_progress")
        raise RuntimeError("the surrounding transaction fails")
    assert pushes() == [], "the push is written in the transaction of the change"
    case_mark_duplicate(actor=town.admin, case=case, original=original)
    [n] = pushes()
    assert n.subject.endswith(f":{Case.objects.get(pk=case.pk).status_id}")


def test_web_reports_and_the_reporters_own_reopening_push_nothing(client, town, content):
    web = submit_case(town.category)
    web = case_change_status(actor=town.admin, case=web, status="resolved")
    case_reopen(actor=town.admin, case=web, reason="ยังไม่เรียบร้อย")
    assert pushes() == []
    line = file_through_line(client, town)
    line = case_change_status(actor=town.admin, case=line, status="resolved")
    assert len(pushes()) == 1
    case_reopen_by_citizen(citizen=line.reporter, case=line, reason="ยังดับอยู่")
    assert len(pushes()) == 1, "the reporter reopened it: no push about their own action"


def test_a_line_reporter_who_also_left_a_phone_hears_once_on_line_delivered_through_the_outbox(
    client, town, settings
):
    """The notify step (muang.cases.notify, ADR 0012) picks one channel per reporter: LINE before SMS."""
    line, server = start_fake_line()
    settings.MUANG_LINE_API_BASE = line.url
    try:
        case = file_through_line(client, town)
        Citizen.objects.filter(line_user_id=USER).update(phone="0812345678")
        Case.objects.filter(pk=case.pk).update(contact_phone="0812345678")
        case = case_change_status(actor=town.admin, case=case, status="in_progress")
        updates = Notification.objects.filter(subject__startswith=f"case:{case.pk}:")
        assert list(updates.values_list("channel", "recipient")) == [(Notification.Channel.LINE_PUSH, USER)]
        assert outbox.deliver_due(now=timezone.now() + dt.timedelta(seconds=1))["sent"] >= 1
        assert outbox.deliver_due(now=timezone.now() + dt.timedelta(seconds=1)) == {}
    finally:
        server.shutdown()
    pushed = [r.body for r in line.requests if r.path.endswith("/push")]
    assert len(pushed) == 1 and pushed[0]["to"] == USER
    assert case.tracking_code in pushed[0]["messages"][0]["text"]


def test_adapter_downloads_message_content_from_the_data_host(content):
    expected = content  # the recorded JPEG
    data = LineAdapter(access_token=TOKEN, base_url=expected.url).get_message_content("325708")
    assert data[:2] == b"\xff\xd8", "a JPEG"
    assert expected.requests[-1][0] == "/v2/bot/message/325708/content"
    content.missing.add("404")
    with pytest.raises(LineDeliveryError) as e:
        LineAdapter(access_token=TOKEN, base_url=expected.url).get_message_content("404")
    assert e.value.status == 404 and not e.value.retryable


def test_adapter_uses_the_data_host_in_production():
    adapter = LineAdapter(access_token=TOKEN, base_url="https://api.line.me")
    assert adapter._data_config.host == "https://api-data.line.me"


def test_a_resolved_case_is_rated_with_one_tap_from_the_push(client, town, content):
    case = file_through_line(client, town)
    case = case_change_status(actor=town.admin, case=case, status="resolved", message="ซ่อมแล้ว")
    [push] = pushes()
    stars = [a for a in quick_actions(push) if parse_postback(a["data"]).get("action") == "rate"]
    assert len(stars) == 5
    thanks = say(client, town, postback(stars[0]["data"]))
    case.refresh_from_db()
    assert case.rating == 5 and "★★★★★" in reply_text(thanks)
    again = say(client, town, postback(stars[0]["data"]))
    assert "★★★★★" not in reply_text(again), "a second rating is refused with the reason"
    stranger = say(client, town, postback(stars[1]["data"], user="Uother0000000000000000000000000000"))
    case.refresh_from_db()
    assert case.rating == 5 and reply_text(stranger)


def test_a_draft_whose_organisation_is_gone_starts_over(client, town):
    lat, lon = inside(town)
    say(client, town, text("สวัสดี"))
    say(client, town, location(lat, lon))
    LineConversation.objects.update(data={"organization_id": 0, "lat": lat, "lon": lon})
    again = say(client, town, text("ไฟถนนดับ"))
    assert quick_actions(again)[0]["type"] == "location"
    assert LineConversation.objects.get().state == LineConversation.State.LOCATION


def test_a_signed_body_that_is_not_json_is_a_400(client, town):
    assert deliver(client, town.org.slug, b"not json").status_code == 400
    assert not LineWebhookEvent.objects.exists()
