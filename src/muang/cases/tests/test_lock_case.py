"""`lock_case`: one statement compiled once per thread, read into the same case the ORM reads, with what
transitions need beside it (statuses, category, department, assignee, and whether citizens' reports joined it)."""

import threading

import pytest
from django.contrib.gis.geos import Point
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext

from muang.cases.models import Case
from muang.cases.notify import reporter_notify
from muang.cases.services import case_assign, case_mark_duplicate
from muang.cases.services.steps import _case_of, _statement, lock_case
from muang.cases.tests.conftest import MONDAY_9
from muang.cases.tests.factories import submit_case
from muang.core.errors import NotFound
from muang.core.models import Notification

pytestmark = pytest.mark.django_db


def _fields(case: Case) -> dict:
    return {f.attname: getattr(case, f.attname) for f in Case._meta.concrete_fields}


def test_the_locked_row_is_the_row_the_orm_reads(town):
    case = case_assign(
        actor=town.head,
        case=submit_case(town.category, now=MONDAY_9, contact_phone="0812345678"),
        assignee=town.officer.user,
    )
    with transaction.atomic():
        locked = lock_case(Case(pk=case.pk, organization_id=case.organization_id))
        by_code = lock_case(Case(organization_id=case.organization_id, tracking_code=case.tracking_code))
    orm = Case.objects.get(pk=case.pk)
    assert _fields(locked) == _fields(orm) == _fields(by_code)
    assert locked.location.equals_exact(orm.location, 1e-9) and locked.location.srid == orm.location.srid
    assert locked.status.code == "assigned" and locked.assignee.username == town.officer.user.username
    assert locked.category.pk == town.category.pk and locked.department.pk == town.works.pk
    assert not locked._state.adding and locked._has_joined_reports is False


def test_a_lock_is_one_statement_and_it_holds_the_row(town):
    case = submit_case(town.category, now=MONDAY_9)
    with transaction.atomic():
        lock_case(case)  # compiled already, or now
        with CaptureQueriesContext(connection) as q:
            lock_case(case)
    assert len(q) == 1 and q[0]["sql"].rstrip().endswith("FOR UPDATE")


def test_an_unknown_code_or_another_organisations_case_is_not_found(town, other_town):
    case = submit_case(town.category, now=MONDAY_9)
    with transaction.atomic(), pytest.raises(NotFound):
        lock_case(Case(organization_id=other_town.org.pk, tracking_code=case.tracking_code))
    with transaction.atomic(), pytest.raises(Case.DoesNotExist):
        lock_case(Case(pk=case.pk, organization_id=other_town.org.pk))


def test_a_case_that_reports_joined_tells_their_reporters_too(town):
    original = submit_case(town.category, now=MONDAY_9, contact_phone="0811111111")
    joined = submit_case(town.category, now=MONDAY_9, contact_phone="0822222222")
    Case.objects.filter(pk=joined.pk).update(duplicate_of=original, attributes={"joined": True})
    with transaction.atomic():
        locked = lock_case(original)
        assert locked._has_joined_reports is True
        sent = reporter_notify(case=locked)
    assert sorted(n.recipient for n in sent) == ["0811111111", "0822222222"]
    assert Notification.objects.count() == 2


def test_a_duplicate_marked_by_staff_is_not_a_joined_report(town):
    original = submit_case(town.category, now=MONDAY_9)
    other = submit_case(town.category, now=MONDAY_9)
    case_mark_duplicate(actor=town.head, case=other, original=original)
    with transaction.atomic():
        assert lock_case(original)._has_joined_reports is False


def test_each_thread_reads_geometries_with_its_own_statement(town):
    """A web worker runs four threads: the compiled statement's geometry converter holds the GEOS reader of the
    thread that compiled it, and one reader shared by threads at once garbled geometries ("ParseException:
    Unexpected EOF parsing WKB", a 500 on /assign under load). Each thread compiles its own (the check that
    fails every time if one is shared again; the garbling itself shows only now and then), and four threads
    reading rows with four different points at once, many times each, each get their own point every time."""
    case = submit_case(town.category, now=MONDAY_9)
    with transaction.atomic():
        mine = _statement("pk")
        params = [None, None]
        params[mine.organization_at], params[mine.key_at] = case.organization_id, case.pk
        with connection.cursor() as cursor:
            cursor.execute(mine.sql, params)
            found = cursor.fetchone()
    statements, failures, start = [], [], threading.Barrier(4)

    def read_many(n: int):
        row = list(found)
        point = Point(100.0 + n, 16.0 + n, srid=4326)
        row[mine.attnames.index("location")] = point.hexewkb.decode()
        try:
            with transaction.atomic():  # this thread's own connection: the ORM compiles FOR UPDATE inside one
                statement = _statement("pk")
            statements.append(statement)
            start.wait()
            for _ in range(2000):
                read = _case_of(statement, row, connection).location
                if not read.equals_exact(point, 1e-9):
                    failures.append(read.wkt)
        except Exception as error:  # the failure is what the test reports
            failures.append(repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=read_many, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert len({id(s) for s in statements}) == 4 and all(s is not mine for s in statements)
