"""The run as a worker executes it: outside any transaction, so batches are written by the writer thread on
a second connection and the progress commits batch by batch (the other tests run inside a transaction and
take the single-connection path)."""

import datetime as dt
from decimal import Decimal

import pytest

from muang.core.access import SYSTEM
from muang.core.tests.factories import OrganizationFactory
from muang.property.models import Assessment, AssessmentRun, LandPrice, Ownership, TaxYear
from muang.property.services import assessment as service
from muang.property.tests.factories import OwnerFactory, ParcelFactory, tax_year_fields


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
