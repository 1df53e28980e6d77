"""The run as a worker executes it: outside any transaction, so batches are written by the writer thread on
a second connection and the progress commits batch by batch (the other tests run inside a transaction and
take the single-connection path)."""

import datetime as dt
from decimal import Decimal

import pytest

from muang.core.access import SYSTEM
from muang.core.tests.factories import OrganizationFactory
from muang.property.assessment.services import assessment as service
from muang.property.models import Assessment, AssessmentRun, LandPrice, Ownership, TaxYear
from muang.property.tests.factories import OwnerFactory, ParcelFactory, commercial_registry, tax_year_fields


@pytest.mark.django_db(transaction=True)
def test_run_outside_a_transaction_uses_the_writer_thread(areas, monkeypatch):
    monkeypatch.setattr(service, "BATCH_OWNERS", 2)  # several batches
    org = OrganizationFactory()
    tax_year = TaxYear.objects.create(organization=org, year=2025, **tax_year_fields(2025))
    owners = [OwnerFactory(organization=org) for _ in range(5)]
    for owner in owners:
        parcel = ParcelFactory(organization=org, use="other", share_residential=0, share_other=100)
        LandPrice.objects.create(
            organization=org, tax_year=tax_year, key=parcel.code, price_per_square_wah=Decimal(150000)
        )
        Ownership.objects.create(organization=org, owner=owner, parcel=parcel, valid_from=dt.date(2020, 1, 1))

    run = service.assessment_run_start(actor=SYSTEM, organization=org, year=2025)  # autocommit: runs now

    run.refresh_from_db()
    assert run.status == AssessmentRun.Status.DONE
    assert (run.progress_done, run.progress_total, run.assessments_count) == (5, 5, 5)
    assert run.total_tax == Decimal("950000.00")
    assert Assessment.objects.filter(run=run).count() == 5


@pytest.mark.django_db(transaction=True)
def test_a_large_run_is_split_over_processes_with_the_same_result(areas, monkeypatch):
    """Forced to 2 processes (a real run does so from PARALLEL_MIN_OWNERS taxpayers on a multi-core host):
    each process takes one owner-id range; the rows, totals and progress equal those of one process."""
    monkeypatch.setattr(service, "BATCH_OWNERS", 3)
    org = OrganizationFactory()
    tax_year = TaxYear.objects.create(organization=org, year=2025, **tax_year_fields(2025))
    commercial_registry(org, tax_year, 11)

    one = service.assessment_run_start(actor=SYSTEM, organization=org, year=2025)
    monkeypatch.setattr(service, "_processes", lambda total: 2)
    _total, ranges = service._slices(organization_id=org.pk, day=dt.date(2025, 1, 1))
    assert len(ranges) == 2
    two = service.assessment_run_start(actor=SYSTEM, organization=org, year=2025)

    one.refresh_from_db()
    two.refresh_from_db()
    assert two.status == AssessmentRun.Status.DONE, two.error
    assert (two.progress_done, two.progress_total, two.assessments_count) == (11, 11, 11)
    assert two.total_tax == one.total_tax
    assert not Assessment.objects.filter(run=one).exists()  # replaced by the second run's rows
    rows = Assessment.objects.filter(run=two).order_by("owner_id")
    assert [a.total_tax for a in rows] == sorted(a.total_tax for a in rows)  # price rises with the owner id
    assert rows.count() == 11


@pytest.mark.django_db(transaction=True)
def test_a_failure_in_one_process_fails_the_run_and_keeps_the_previous_result(areas, monkeypatch):
    org = OrganizationFactory()
    tax_year = TaxYear.objects.create(organization=org, year=2025, **tax_year_fields(2025))
    owners = commercial_registry(org, tax_year, 6)
    first = service.assessment_run_start(actor=SYSTEM, organization=org, year=2025)
    monkeypatch.setattr(service, "_processes", lambda total: 2)
    real = service.Calculator.owner
    last = owners[-1].pk

    def broken(self, rows):
        if rows[0][0] == last:  # in the second process only
            raise RuntimeError("rules exploded")
        return real(self, rows)

    monkeypatch.setattr(service.Calculator, "owner", broken)

    with pytest.raises(RuntimeError, match="rules exploded"):
        service.assessment_run_execute(
            run_id=AssessmentRun.objects.create(
                organization=org, tax_year=tax_year, year=2025, started_by_label="t"
            ).pk
        )

    failed = AssessmentRun.objects.exclude(pk=first.pk).get()
    assert failed.status == AssessmentRun.Status.FAILED
    assert "rules exploded" in failed.error
    assert not Assessment.objects.filter(run=failed).exists()
    assert Assessment.objects.filter(run=first).count() == 6
