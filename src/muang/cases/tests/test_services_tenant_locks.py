"""Every re-lock and every UPDATE of case rows names the tenant: the organisation AND the primary key (issue 9,
item 7). A row is found by its organisation first, as the distribution of the tables by organisation requires,
and a stale object of another organisation can never reach a row that is not its own."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from muang.cases.models import Case
from muang.cases.services import (
    case_add_note,
    case_assign,
    case_change_status,
    case_forward,
    case_invite,
    case_mark_duplicate,
)
from muang.cases.services.steps import lock_case, lock_cases
from muang.cases.tests.conftest import MONDAY_9
from muang.cases.tests.factories import submit_case

pytestmark = pytest.mark.django_db

# UPDATE "cases_case" ... and SELECT ... FROM "cases_case" ... FOR UPDATE: the statements that reach rows by id.
TOUCHES_CASE_ROWS = re.compile(r'^(UPDATE "cases_case"|SELECT .* FROM "cases_case" .* FOR UPDATE)', re.S)


def _where(sql: str) -> str:
    return sql[sql.index(" WHERE ") :] if " WHERE " in sql else ""


def _case_row_statements(queries) -> list[str]:
    return [q["sql"] for q in queries if TOUCHES_CASE_ROWS.match(q["sql"])]


def test_every_lock_and_update_of_a_case_row_filters_by_organisation(town, other_town):
    original, case, other = (
        submit_case(town.category, now=MONDAY_9, description=f"ไฟดับ {i}") for i in range(3)
    )
    with CaptureQueriesContext(connection) as ctx:
        case_assign(actor=town.head, case=case, assignee=town.officer.user, now=MONDAY_9)
        case_change_status(actor=town.officer, case=case, status="in_progress", now=MONDAY_9)
        case_add_note(actor=town.officer, case=case, message="ไปดูแล้ว", public=True, now=MONDAY_9)
        case_invite(actor=town.head, case=case, organization=other_town.org, message="ช่วยกัน", now=MONDAY_9)
        case_mark_duplicate(actor=town.officer, case=case, original=original, now=MONDAY_9)
        case_forward(
            actor=town.head, case=other, to_organization=other_town.org, reason="ของ อบจ.", now=MONDAY_9
        )
    statements = _case_row_statements(ctx.captured_queries)
    assert len(statements) >= 6, statements  # the services did lock and update case rows
    unscoped = [sql for sql in statements if '"organization_id"' not in _where(sql)]
    assert unscoped == []


def test_a_stale_object_of_another_organisation_locks_nothing(town, other_town):
    case = submit_case(town.category, now=MONDAY_9)
    stale = Case.objects.get(pk=case.pk)
    stale.organization_id = other_town.org.pk  # e.g. an id taken from another tenant's request
    with pytest.raises(Case.DoesNotExist):
        lock_case(stale)
    assert lock_cases(stale) == {}
    assert lock_case(case).pk == case.pk
