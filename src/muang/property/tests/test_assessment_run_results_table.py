"""Each run's results are a table of their own (a partition of `property_assessment`): a re-run drops the
previous run's table instead of deleting its rows one by one, and readers only ever see the run in force."""

import pytest
from django.db import connection

from muang.core.access import SYSTEM
from muang.core.tests.factories import OrganizationFactory
from muang.property.assessment.selectors import current_run
from muang.property.assessment.services import assessment as service
from muang.property.models import Assessment, AssessmentRun, TaxYear
from muang.property.tests.factories import commercial_registry, tax_year_fields

YEAR = 2025


def _exists(table: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [table])
        return cursor.fetchone()[0]


def _tables_of(run) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT tableoid::regclass::text FROM property_assessment WHERE run_id = %s", [run.pk]
        )
        return {r[0] for r in cursor.fetchall()}


@pytest.mark.django_db(transaction=True)
def test_a_rerun_drops_the_previous_runs_table(areas, monkeypatch):
    """As the worker runs it (outside a transaction, batches on a second connection)."""
    monkeypatch.setattr(service, "BATCH_OWNERS", 3)
    org = OrganizationFactory()
    other = OrganizationFactory()
    tax_year = TaxYear.objects.create(organization=org, year=YEAR, **tax_year_fields(YEAR))
    other_year = TaxYear.objects.create(organization=other, year=YEAR, **tax_year_fields(YEAR))
    commercial_registry(org, tax_year, 4)
    commercial_registry(other, other_year, 2)
    theirs = service.assessment_run_start(actor=SYSTEM, organization=other, year=YEAR)

    first = service.assessment_run_start(actor=SYSTEM, organization=org, year=YEAR)
    assert _tables_of(first) == {service.results_table(first.pk)}
    second = service.assessment_run_start(actor=SYSTEM, organization=org, year=YEAR)

    second.refresh_from_db()
    assert second.status == AssessmentRun.Status.DONE, second.error
    assert current_run(organization=org, year=YEAR) == second
    assert _tables_of(second) == {service.results_table(second.pk)}
    assert Assessment.objects.filter(run=second).count() == 4
    assert not _exists(service.results_table(first.pk))  # dropped, not emptied row by row
    assert not Assessment.objects.filter(run=first).exists()
    # another organisation's results of the same year stay
    assert _exists(service.results_table(theirs.pk))
    assert Assessment.objects.filter(run=theirs).count() == 2


@pytest.mark.django_db(transaction=True)
def test_a_failed_run_leaves_no_table_and_the_result_in_force_stays(areas, monkeypatch):
    org = OrganizationFactory()
    tax_year = TaxYear.objects.create(organization=org, year=YEAR, **tax_year_fields(YEAR))
    commercial_registry(org, tax_year, 4)
    first = service.assessment_run_start(actor=SYSTEM, organization=org, year=YEAR)

    def broken(self, rows):
        raise RuntimeError("rules exploded")

    monkeypatch.setattr(service.Calculator, "owner", broken)
    failed = AssessmentRun.objects.create(
        organization=org, tax_year=tax_year, year=YEAR, started_by_label="t"
    )
    with pytest.raises(RuntimeError):
        service.assessment_run_execute(run_id=failed.pk)

    assert not _exists(service.results_table(failed.pk))
    assert current_run(organization=org, year=YEAR) == first
    assert Assessment.objects.filter(run=first).count() == 4


@pytest.mark.django_db(transaction=True)
def test_the_sweep_drops_tables_no_run_needs(areas):
    """A table left behind (a drop that timed out, a worker that died) goes with the periodic task; the table
    of the run in force and that of an active run stay."""
    org = OrganizationFactory()
    tax_year = TaxYear.objects.create(organization=org, year=YEAR, **tax_year_fields(YEAR))
    commercial_registry(org, tax_year, 4)
    first = service.assessment_run_start(actor=SYSTEM, organization=org, year=YEAR)
    second = service.assessment_run_start(actor=SYSTEM, organization=org, year=YEAR)
    leftover = service.results_table(first.pk)
    with connection.cursor() as cursor:  # as a drop that timed out leaves it
        cursor.execute(f"CREATE TABLE {leftover} (LIKE property_assessment)")
    active = AssessmentRun.objects.create(
        organization=org, tax_year=tax_year, year=YEAR, started_by_label="t", status="running"
    )
    with connection.cursor() as cursor:
        service._results_create(cursor, active.pk)

    from muang.property.tasks import fail_stale_assessment_runs

    fail_stale_assessment_runs.call()

    assert not _exists(leftover)
    assert _exists(service.results_table(second.pk))
    assert _exists(service.results_table(active.pk))
    assert Assessment.objects.filter(run=second).count() == 4


@pytest.mark.django_db(transaction=True)
def test_a_taxpayers_assessments_read_only_the_partitions_of_finished_runs(areas):
    """The self-service pages name the finished runs, so PostgreSQL plans the query over their partitions
    alone, not over every organisation's results (pruning at plan time, visible in EXPLAIN)."""
    from django.test.utils import CaptureQueriesContext

    from muang.selfservice import selectors as selfservice

    org, other = OrganizationFactory(), OrganizationFactory()
    for o, n in ((org, 3), (other, 2)):
        commercial_registry(o, TaxYear.objects.create(organization=o, year=YEAR, **tax_year_fields(YEAR)), n)
    mine = service.assessment_run_start(actor=SYSTEM, organization=org, year=YEAR)
    theirs = service.assessment_run_start(actor=SYSTEM, organization=other, year=YEAR)
    owner = Assessment.objects.filter(run=mine).first().owner

    with CaptureQueriesContext(connection) as queries:
        [found] = selfservice.assessments_of(organization=org, owner=owner)
        selfservice.assessment_of(organization=org, owner=owner, year=YEAR)
    assert found.run == mine
    reads = [q["sql"] for q in queries.captured_queries if 'FROM "property_assessment"' in q["sql"]]
    assert len(reads) == 2
    for sql in reads:
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN " + sql)
            plan = "\n".join(r[0] for r in cursor.fetchall())
        assert service.results_table(mine.pk) in plan
        assert service.results_table(theirs.pk) not in plan
        assert "property_assessment_default" not in plan
