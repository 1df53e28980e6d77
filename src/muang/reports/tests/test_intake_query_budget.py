"""The queries of one citizen filing through the web form (POST /r/), warm: the budget of issue 11, item 5,
asserted so that it does not creep back."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from muang.cases.models import Case, CaseEvent
from muang.cases.tests.conftest import make_town
from muang.core.models import Citizen

pytestmark = pytest.mark.django_db


@pytest.fixture
def town(areas):
    return make_town()


def _form(town, n: int) -> dict:
    p = town.org.boundary.point_on_surface
    return {
        "lat": f"{p.y:.6f}",
        "lon": f"{p.x:.6f}",
        "category": town.category.code,
        "description": "ไฟถนนดับทั้งซอยครับ",
        "contact_name": "สมศรี",
        "contact_phone": "0812345678",
        "contact_email": "",
        "idempotency_key": f"{n:032x}",
    }


# A new citizen's filing, warm (measured on the second of the test: the first loads the per-process caches of the
# organisations' areas, the categories with their departments, the statuses, holidays and questions):
#   the stamps of those caches (1), the case's INSERT with its reporter's Citizen row (1: a CTE; `ON CONFLICT DO
#   NOTHING`, a repeated idempotency key or tracking code is answered without a savepoint), its `created` event
#   (1), the street-light joiner's pole lookup (1: the test town's category is the street lights), the session with the reporter's token (1:
#   one INSERT in the filing's own transaction, not a transaction of its own after the response). Under the
#   test's transaction the service's own transaction is a savepoint too (2 more); in production it is
#   BEGIN/COMMIT, which are not statements of their own.
WEB_INTAKE_BUDGET = 7
# Reference data comes from the per-process stamped caches (muang.core.stamps), never from its tables.
REFERENCE_TABLES = (
    "core_organization",
    "core_department",
    "cases_casecategory",
    "cases_casestatus",
    "cases_holiday",
    "reports_categoryquestion",
    "core_user",
    "core_membership",
)


def _file(town, n: int) -> list[str]:
    client = Client()  # a new citizen each time: no session yet
    with CaptureQueriesContext(connection) as q:
        r = client.post("/r/", _form(town, n))
    assert r.status_code == 302, r.content
    return [x["sql"] for x in q.captured_queries]


def test_a_web_filing_stays_within_its_query_budget(town):
    _file(town, 1)
    queries = _file(town, 2)
    assert len(queries) == WEB_INTAKE_BUDGET, "\n".join(queries)
    for table in REFERENCE_TABLES:
        assert not [s for s in queries if f'"{table}"' in s and not s.startswith("INSERT")], table
    assert not [
        s for s in queries if "cases_case" in s and s.startswith("SELECT")
    ]  # no look-up before INSERT


def _xmin(table: str, column: str, value: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT xmin::text::bigint FROM {table} WHERE {column} = %s", [value])  # noqa: S608
        return cursor.fetchone()[0]


def test_the_filing_and_its_session_are_written_in_one_transaction(town):
    client = Client()
    r = client.post("/r/", _form(town, 3))
    assert r.status_code == 302
    case = Case.objects.get(idempotency_key=f"{3:032x}")
    session_key = client.cookies["sessionid"].value
    # Rows written in one (sub)transaction carry its id: under the test's transaction the case service's
    # savepoint is a subtransaction of its own, and a session written after it (as before) had another.
    assert _xmin("django_session", "session_key", session_key) == _xmin("cases_case", "id", str(case.pk))
    assert r["Location"] == f"/r/{case.tracking_code}"
    page = client.get(r["Location"])
    assert (
        page.status_code == 200 and page.context["is_reporter"]
    )  # the browser that filed it is its reporter


def test_a_repeat_from_another_browser_remembers_the_first_case_there_too(town):
    first, other = Client(), Client()
    r1 = first.post("/r/", _form(town, 4))
    r2 = other.post("/r/", _form(town, 4))
    assert r1["Location"] == r2["Location"]
    assert other.get(r2["Location"]).context["is_reporter"]


def test_a_changed_category_is_seen_at_the_next_filing(town):
    _file(town, 1)
    town.category.sla_hours = 3
    town.category.save()
    _file(town, 2)
    case = Case.objects.get(idempotency_key=f"{2:032x}")
    assert case.sla_hours == 3


def test_a_repeated_key_files_nothing_more_and_answers_with_the_first_case(town):
    client = Client()
    first = client.post("/r/", _form(town, 7))
    citizens = Citizen.objects.count()
    again = client.post("/r/", _form(town, 7))
    assert first.status_code == again.status_code == 302 and first["Location"] == again["Location"]
    assert Case.objects.filter(idempotency_key=f"{7:032x}").count() == 1
    assert Citizen.objects.count() == citizens  # the repeat's Citizen row was rolled back with it
    assert CaseEvent.objects.filter(case__idempotency_key=f"{7:032x}").count() == 1
