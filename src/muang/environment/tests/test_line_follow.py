"""Following from LINE (the organisation's LINE account, through the reports app's signed webhook), then exactly
one LINE push per follower when PM2.5 crosses 37.5, delivered by the outbox to the recorded LINE API; and
exactly once when two ingest processes evaluate the same station at the same moment."""

import datetime as dt
import threading

import pytest
from django.db import connections
from django.utils import timezone

from muang.core import outbox
from muang.core.models import LineChannel, Notification
from muang.environment.models import Follow, StationAlert
from muang.environment.selectors import aqi_bands
from muang.environment.services import follow_start, station_evaluate
from muang.reports.tests.test_line_support import SECRET, TOKEN, USER, body_of, deliver, text
from muang.testing.line_server import start_fake_line

from .conftest import NOW, make_city, pm

OTHER = "U" + "7" * 32


def say(client, city, words: str, user: str = USER) -> str:
    response = deliver(client, city.org.slug, body_of(text(words, user)))
    assert response.status_code == 200, response.content
    reply = Notification.objects.filter(recipient=user, channel=Notification.Channel.LINE_REPLY).latest("id")
    return "\n".join(m["text"] for m in reply.messages)


@pytest.fixture
def line_city(areas):
    city = make_city()
    LineChannel.objects.create(
        organization=city.org, channel_id="2000000009", channel_secret=SECRET, access_token=TOKEN
    )
    return city


@pytest.mark.django_db
def test_a_citizen_follows_from_line_and_hears_exactly_once_when_pm25_crosses_37_5(
    client, line_city, settings
):
    city = line_city
    assert f"{city.air.pk} · สถานีอากาศ ตลาดสด" in say(client, city, "เตือน")
    assert "สถานีอากาศ ตลาดสด" in say(client, city, f"เตือน {city.air.pk}")
    say(client, city, f"alert {city.air.pk}", user=OTHER)
    assert set(Follow.objects.values_list("line_user_id", "station_id")) == {
        (USER, city.air.pk),
        (OTHER, city.air.pk),
    }
    line, server = start_fake_line()
    settings.MUANG_LINE_API_BASE = line.url
    try:
        outbox.deliver_due(now=timezone.now() + dt.timedelta(seconds=1))  # the replies
        line.requests.clear()
        for i, value in enumerate([30.0, 36.0, 41.0, 44.0, 43.0, 45.0]):  # the hourly mean passes 37.5 once
            pm(city, value, NOW + i * dt.timedelta(minutes=5))
        outbox.deliver_due(now=timezone.now() + dt.timedelta(seconds=1))
        assert outbox.deliver_due(now=timezone.now() + dt.timedelta(seconds=1)) == {}
    finally:
        server.shutdown()
    pushed = [r.body for r in line.requests if r.path.endswith("/push")]
    assert sorted(p["to"] for p in pushed) == sorted([USER, OTHER])
    assert "PM2.5" in pushed[0]["messages"][0]["text"]
    assert "stop alerts" in pushed[0]["messages"][0]["text"] or "เลิก" in pushed[0]["messages"][0]["text"]


@pytest.mark.django_db
def test_area_whole_organisation_and_stopping(client, line_city):
    city = line_city
    assert "3" in say(client, city, f"เตือน {city.air.pk} 3 กม.")
    assert Follow.objects.get(line_user_id=USER).radius_m == 3000
    say(client, city, "alert all")
    assert Follow.objects.filter(line_user_id=USER).count() == 2
    say(client, city, f"เลิกเตือน {city.air.pk}")
    assert list(Follow.objects.values_list("station_id", flat=True)) == [None]
    say(client, city, "stop alerts")
    assert not Follow.objects.exists()
    assert "not following" in say(client, city, "stop alerts") or "ไม่ได้" in say(client, city, "เลิกเตือน")


@pytest.mark.django_db
def test_an_unknown_station_number_or_another_organisations_station_answers_the_help(
    client, line_city, areas
):
    city, other = line_city, make_city()
    for words in ("เตือน 999999", f"เตือน {other.air.pk}", f"เตือน {city.air.pk} ไกล"):
        assert "เตือน" in say(client, city, words) or "alert" in say(client, city, words)
    assert not Follow.objects.exists()


@pytest.mark.django_db
def test_other_words_still_go_to_the_report_conversation(client, line_city):
    reply = say(client, line_city, "สวัสดีครับ")
    assert not Follow.objects.exists() and reply


@pytest.mark.django_db(transaction=True)
def test_two_ingest_processes_evaluating_the_same_station_at_once_send_one_alert(areas, committed_telemetry):
    city = make_city()
    follow_start(organization=city.org, line_user_id=USER, station=city.air)
    follow_start(organization=city.org, line_user_id=OTHER)
    pm(city, 10.0, NOW - dt.timedelta(minutes=1))
    bands = aqi_bands()
    barrier = threading.Barrier(2)
    results: list[int] = []

    def evaluate() -> None:
        try:
            barrier.wait()
            results.append(
                station_evaluate(
                    organization=city.org,
                    station_id=city.air.pk,
                    at=NOW,
                    figures={"pm25_1h": 60.0},
                    bands=bands,
                )
            )
        finally:
            connections.close_all()

    threads = [threading.Thread(target=evaluate) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [0, 1]
    assert StationAlert.objects.count() == 1
    pushes = Notification.objects.filter(channel=Notification.Channel.LINE_PUSH)
    assert sorted(pushes.values_list("recipient", flat=True)) == sorted([USER, OTHER])
