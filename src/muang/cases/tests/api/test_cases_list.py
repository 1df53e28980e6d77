"""GET /organizations/{slug}/cases: the paginated queue with filters, in a constant number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from muang.cases.services import case_assign, case_invite
from muang.cases.tests.conftest import MONDAY_9
from muang.cases.tests.factories import bkk, submit_case

pytestmark = pytest.mark.django_db


def get(client, town, query: str = ""):
    client.force_login(town.officer.user)
    return client.get(f"/api/v1/organizations/{town.org.slug}/cases{query}")


def test_the_queue_page_shape(client, town):
    case = submit_case(town.category, now=bkk(2025, 1, 6, 9), title="ไฟดับ")
    response = get(client, town)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    item = body["items"][0]
    assert item["tracking_code"] == case.tracking_code and item["title"] == "ไฟดับ"
    assert item["status"] == {
        "code": "received",
        "name_th": "รับเรื่องแล้ว",
        "name_en": "Received",
        "kind": "open",
        "is_resolution": False,
    }
    assert item["category"] == "streetlight" and item["department"] == "works" and item["assignee"] is None
    assert item["is_overdue"] is True  # due on 7 January 2025: past whenever this runs
    assert (item["latitude"], item["longitude"]) == pytest.approx((16.5447, 102.0988))
    assert "contact_phone" not in item


def test_filters_on_the_query_string(client, town):
    mine = submit_case(town.category, now=MONDAY_9)
    submit_case(town.category, now=MONDAY_9)
    case_assign(actor=town.head, case=mine, assignee=town.officer.user)
    codes = lambda r: [i["tracking_code"] for i in r.json()["items"]]  # noqa: E731
    assert codes(get(client, town, "?assignee=me")) == [mine.tracking_code]
    assert len(codes(get(client, town, "?assignee=none"))) == 1
    assert codes(get(client, town, "?status=assigned&status=in_progress")) == [mine.tracking_code]
    assert len(codes(get(client, town, "?department=works&is_open=true&bbox=102.0,16.5,102.2,16.6"))) == 2
    assert codes(get(client, town, "?since=2026-11-24T00:00:00%2B07:00")) == []
    assert len(codes(get(client, town, "?order=due_at"))) == 2


def test_bad_filters_are_422_problems(client, town):
    response = get(client, town, "?bbox=1,2,3")
    assert response.status_code == 422 and response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"][0]["field"] == "bbox"
    assert get(client, town, "?order=random").status_code == 422
    assert get(client, town, "?since=yesterday").status_code == 422


def test_shared_cases(client, town, other_town):
    case = submit_case(other_town.category, now=MONDAY_9)
    case_invite(actor=other_town.head, case=case, organization=town.org)
    body = get(client, town, "?shared=true").json()
    assert [i["tracking_code"] for i in body["items"]] == [case.tracking_code]


def test_queries_do_not_grow_with_the_page(client, town):
    submit_case(town.category, now=MONDAY_9)
    client.force_login(town.officer.user)
    url = f"/api/v1/organizations/{town.org.slug}/cases"
    client.get(url)  # warms the per-process caches (the signed-in user, their memberships): counted warm
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    for _i in range(20):
        submit_case(town.category, now=MONDAY_9)
    case_assign(actor=town.head, case=town.org.cases.first(), assignee=town.officer.user)
    client.get(url)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).json()["count"] == 21
    # the session with the stamps of the per-process caches in one statement (the user and their memberships,
    # which carry the organisation, come from those caches), count, page: three, whatever the page holds
    assert len(many) == len(one) == 3, [q["sql"][:120] for q in many.captured_queries]
