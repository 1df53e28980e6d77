"""The department queue: every filter, constant query counts, and fetching one case by code or id."""

import datetime as dt

import pytest
from django.contrib.gis.geos import Point

from muang.cases.selectors import (
    BBox,
    case_detail,
    case_public_detail,
    case_queue,
    cases_shared_with,
    get_case_for,
)
from muang.cases.services import (
    case_add_note,
    case_assign,
    case_change_status,
    case_escalate_overdue,
    case_invite,
    case_mark_duplicate,
)
from muang.cases.tests.conftest import MONDAY_9
from muang.cases.tests.factories import CaseCategoryFactory, bkk, submit_case
from muang.core.access import Actor
from muang.core.errors import AccessDenied, InvalidInput, NotFound
from muang.core.models import Role
from muang.core.tests.factories import UserFactory, member

pytestmark = pytest.mark.django_db
NOW = bkk(2026, 11, 25, 12, 0)  # Wednesday noon


@pytest.fixture
def q(town):
    """Five cases: received Monday and Tuesday, in two departments and places, in several statuses."""
    dogs = CaseCategoryFactory(organization=town.org, code="stray_animal", default_department=town.health)
    c = {
        "light_mon": submit_case(town.category, now=MONDAY_9, location=Point(102.10, 16.54, srid=4326)),
        "light_tue": submit_case(
            town.category, now=bkk(2026, 11, 24, 9), location=Point(102.20, 16.60, srid=4326)
        ),
        "light_done": submit_case(town.category, now=MONDAY_9, location=None),
        "dog_mon": submit_case(dogs, now=MONDAY_9, location=Point(102.11, 16.55, srid=4326)),
        "dog_future": submit_case(dogs, now=bkk(2026, 11, 25, 11), location=Point(102.11, 16.55, srid=4326)),
    }
    case_assign(actor=town.head, case=c["light_mon"], assignee=town.officer.user, now=MONDAY_9)
    case_change_status(actor=town.officer, case=c["light_done"], status="resolved", now=MONDAY_9)
    return c


def names(qs, q) -> set[str]:
    ids = {case.pk for case in qs}
    return {name for name, case in q.items() if case.pk in ids}


def queue(town, **filters):
    return case_queue(actor=town.officer, organization=town.org, now=NOW, **filters)


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({}, {"light_mon", "light_tue", "light_done", "dog_mon", "dog_future"}),
        ({"department": "works"}, {"light_mon", "light_tue", "light_done"}),
        ({"department": "nope"}, set()),
        ({"category": "stray_animal"}, {"dog_mon", "dog_future"}),
        ({"statuses": ["assigned", "resolved"]}, {"light_mon", "light_done"}),
        ({"is_open": False}, {"light_done"}),
        ({"overdue": True}, {"light_mon", "light_tue", "dog_mon"}),
        ({"overdue": False}, {"light_done", "dog_future"}),
        ({"assignee": "nobody"}, set()),
        ({"unassigned": True}, {"light_tue", "light_done", "dog_mon", "dog_future"}),
        ({"created_from": bkk(2026, 11, 24), "created_to": bkk(2026, 11, 25)}, {"light_tue"}),
        ({"bbox": BBox(102.05, 16.50, 102.15, 16.58)}, {"light_mon", "dog_mon", "dog_future"}),
        ({"department": "works", "is_open": True, "overdue": True}, {"light_mon", "light_tue"}),
    ],
)
def test_queue_filters(town, q, filters, expected):
    assert names(queue(town, **filters), q) == expected


def test_queue_by_assignee_and_escalation(town, q):
    assert names(queue(town, assignee=town.officer.user.username), q) == {"light_mon"}
    case_escalate_overdue(now=NOW, organization=town.org)
    assert names(queue(town, escalated=True), q) == {"light_mon", "light_tue", "dog_mon"}
    assert names(queue(town, escalated=False), q) == {"light_done", "dog_future"}


def test_queue_orders(town, q):
    newest = [c.pk for c in queue(town)]
    assert newest[0] == q["dog_future"].pk
    assert [c.pk for c in queue(town, order="created_at")] == list(reversed(newest))
    # Due first (ties by id), then later dues: a closed case keeps the due time it had.
    urgent = [c.pk for c in queue(town, order="due_at")]
    assert urgent == [q[n].pk for n in ("light_mon", "light_done", "dog_mon", "light_tue", "dog_future")]


def test_queue_costs_the_same_queries_for_one_case_or_many(town, django_assert_num_queries):
    submit_case(town.category, now=MONDAY_9)
    actor = Actor(user=town.officer.user)
    with django_assert_num_queries(2):  # the actor's memberships, then the page with everything joined
        rows = list(case_queue(actor=actor, organization=town.org, department="works"))
        _ = [
            (r.category.code, r.status.code, r.department.code, r.assignee, r.organization.slug) for r in rows
        ]
    for _i in range(15):
        submit_case(town.category, now=MONDAY_9)
    actor = Actor(user=town.officer.user)
    with django_assert_num_queries(2):
        rows = list(case_queue(actor=actor, organization=town.org, department="works", statuses=["received"]))
        _ = [
            (r.category.code, r.status.code, r.department.code, r.assignee, r.organization.slug) for r in rows
        ]
    assert len(rows) == 16


def test_queue_is_for_staff_of_the_organisation(town, other_town):
    for actor in (other_town.admin, Actor(user=UserFactory()), Actor(user=member(town.org, Role.OVERSEER))):
        with pytest.raises(AccessDenied):
            case_queue(actor=actor, organization=town.org)


def test_bbox_parsing():
    assert BBox.parse("102.0,16.5,102.2,16.6") == BBox(102.0, 16.5, 102.2, 16.6)
    for bad in ("1,2,3", "a,b,c,d", "102.2,16.5,102.0,16.6", "0,0,190,10"):
        with pytest.raises(InvalidInput):
            BBox.parse(bad)


# --- one case ----------------------------------------------------------------------------------------------------
def test_get_case_by_code_forgives_typing_and_by_id_within_the_organisation(town):
    case = submit_case(town.category, now=MONDAY_9)
    typed = case.tracking_code.lower().replace("-", " ")
    assert get_case_for(actor=town.other_officer, tracking_code=typed) == case  # every officer may look
    assert get_case_for(actor=town.officer, case_id=case.pk, organization=town.org) == case


def test_get_case_refusals(town, other_town):
    case = submit_case(town.category, now=MONDAY_9)
    with pytest.raises(NotFound):
        get_case_for(actor=town.officer, tracking_code="nonsense")
    with pytest.raises(NotFound):
        get_case_for(
            actor=town.officer,
            tracking_code=case.tracking_code[:-1] + ("0" if case.tracking_code[-1] != "0" else "1"),
        )
    with pytest.raises(NotFound):
        get_case_for(actor=other_town.admin, case_id=case.pk, organization=other_town.org)
    with pytest.raises(AccessDenied):
        get_case_for(actor=other_town.admin, tracking_code=case.tracking_code)


def test_shared_cases_of_an_invited_organisation(town, other_town):
    case = submit_case(town.category, now=MONDAY_9)
    assert list(cases_shared_with(actor=other_town.officer, organization=other_town.org)) == []
    case_invite(actor=town.head, case=case, organization=other_town.org)
    assert list(cases_shared_with(actor=other_town.officer, organization=other_town.org)) == [case]
    with pytest.raises(AccessDenied):
        cases_shared_with(actor=town.officer, organization=other_town.org)


def test_case_detail_in_a_fixed_number_of_queries(town, django_assert_num_queries):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8)).save(out, format="JPEG")
    case = submit_case(town.category, now=MONDAY_9)
    original = submit_case(town.category, now=MONDAY_9)
    for i in range(5):
        case_add_note(
            actor=town.officer,
            case=case,
            message=f"note {i}",
            photos=[SimpleUploadedFile("p.jpg", out.getvalue(), content_type="image/jpeg")],
            now=MONDAY_9 + dt.timedelta(minutes=i),
        )
    case_mark_duplicate(actor=town.officer, case=case, original=original)
    case = get_case_for(actor=town.officer, tracking_code=case.tracking_code)
    # events, photos, linked cases (duplicates, forwarded to), invitations, and the original it duplicates
    with django_assert_num_queries(5):
        detail = case_detail(actor=town.officer, case=case)
        _ = [(e.actor_user, e.actor_organization, list(e.attachments.all())) for e in detail.events]
    assert len(detail.events) == 7 and len(detail.attachments) == 5
    assert detail.duplicate_of.tracking_code == original.tracking_code
    public = case_public_detail(case)
    assert {e.kind for e in public.events} == {"created", "duplicate_marked"}


# --- the search box (issue 8 item 16) ----------------------------------------------------------------------------
@pytest.fixture
def searchable(town):
    from muang.core.models import Citizen

    line_citizen = Citizen.objects.create(display_name="ผู้แจ้ง LINE", phone="+66897654321")
    return {
        "temple": submit_case(
            town.category, description="ไฟถนนดับหน้าวัดป่า ซอย 3", contact_phone="081-234-5678"
        ),
        "market": submit_case(town.category, description="ท่อระบายน้ำอุดตัน", address="ตลาดสดเทศบาล"),
        "led": submit_case(town.category, description="LED lamp flickering", contact_phone="+66812220000"),
        "line": submit_case(town.category, description="ไฟกะพริบ", reporter=line_citizen),
    }


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("ไฟถนน", {"temple"}),  # Thai has no spaces between words: any part of the text
        ("ดับ วัดป่า", {"temple"}),  # every word must appear
        ("ดับ ตลาด", set()),
        ("ตลาดสด", {"market"}),  # the place too
        ("led LAMP", {"led"}),  # whatever the case of the letters
        ("0812345678", {"temple"}),  # the phone however it was written down
        ("081 234 5678", {"temple"}),
        ("+66 81 234 5678", {"temple"}),
        ("0812220000", {"led"}),
        ("089-765-4321", {"line"}),  # a reporter who came through LINE with a phone
        ("2345678", {"temple"}),  # the end of a number
        ("", {"temple", "market", "led", "line"}),
    ],
)
def test_the_search_box_finds_by_words_place_and_phone(town, searchable, typed, expected):
    found = case_queue(actor=town.head, organization=town.org, search=typed)
    assert {k for k, c in searchable.items() if c in found} == expected


def test_the_search_box_finds_a_tracking_code_as_people_say_it(town, searchable, other_town):
    code = searchable["market"].tracking_code
    for typed in (code, code.lower(), code.replace("-", " "), code.replace("-", "")):
        assert list(case_queue(actor=town.head, organization=town.org, search=typed)) == [
            searchable["market"]
        ]
    elsewhere = submit_case(other_town.category)
    assert not case_queue(actor=town.head, organization=town.org, search=elsewhere.tracking_code).exists()


def test_the_search_is_served_by_trigram_indexes(town, searchable):
    """With sequential scans priced out, PostgreSQL reaches the rows of a search through the trigram indexes:
    the search's conditions have the shape the indexes serve (upper(description), the phone's digits)."""
    from django.db import connection

    from muang.cases.models import Case
    from muang.cases.selectors import queue_search

    def plan(search: str) -> str:
        sql, params = (
            Case.objects.filter(queue_search(search)).order_by().values("id").query.sql_with_params()
        )
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(f"EXPLAIN {sql}", params)
            return "\n".join(row[0] for row in cursor.fetchall())

    words = plan("ระบายน้ำ")
    assert "case_description_trgm_idx" in words and "case_address_trgm_idx" in words, words
    assert "case_contact_phone_trgm_idx" in plan("0812345678")
