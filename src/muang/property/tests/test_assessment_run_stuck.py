"""Stuck runs: a worker that dies leaves its run `running` (or `queued`) and the year blocked. The periodic task
marks such runs failed; staff may abandon a run at once (audited, with a reason). Either way the previous
result of the year stays in force and a new run can start.

Time is passed explicitly (`now=`) and heartbeats are set by hand: no sleeping, no clock patching.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from muang.core import registry
from muang.core.access import SYSTEM
from muang.core.errors import AccessDenied, Conflict, InvalidInput
from muang.core.models import AuditEntry
from muang.property import tasks
from muang.property.assessment.selectors import current_run
from muang.property.assessment.services import assessment as service
from muang.property.assessment.services.assessment import (
    STALE_AFTER,
    assessment_run_abandon,
    assessment_runs_fail_stale,
    is_stale,
    stale_assessment_runs,
)
from muang.property.models import Assessment, AssessmentRun
from muang.property.tests.factories import OwnerFactory, actor_for
from muang.property.tests.test_assessment_run import (
    YEAR,
    own,
    parcel_of,
    price_parcel,
    run,
    tax_of,
)

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2025, 3, 1, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def assessed(org, admin, tax_year, django_capture_on_commit_callbacks):
    """A year with a finished run: one owner of commercial land worth 60M (190,000)."""
    owner = OwnerFactory(organization=org)
    parcel = parcel_of(org, use="other")
    price_parcel(tax_year, parcel, Decimal("150000"))
    own(owner, parcel=parcel)
    done = run(org, admin, django_capture_on_commit_callbacks)
    assert done.status == AssessmentRun.Status.DONE
    return done, owner


def crashed(
    tax_year, *, status="running", heartbeat_ago=STALE_AFTER + dt.timedelta(minutes=1), partial_of=None
):
    """A run as a dead worker leaves it: active, its last heartbeat `heartbeat_ago` before NOW."""
    run = AssessmentRun.objects.create(
        organization=tax_year.organization, tax_year=tax_year, year=YEAR, started_by_label="x", status=status
    )
    seen = NOW - heartbeat_ago
    AssessmentRun.objects.filter(pk=run.pk).update(
        created_at=seen,
        started_at=seen if status == "running" else None,
        heartbeat_at=seen if status == "running" else None,
    )
    if partial_of is not None:  # rows it wrote before dying
        Assessment.objects.create(
            organization=tax_year.organization,
            run=run,
            year=YEAR,
            owner=partial_of,
            total_value=1,
            total_tax=1,
            property_count=1,
            sheet={},
        )
    run.refresh_from_db()
    return run


# --- detection ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "ago", "stale"),
    [
        ("running", STALE_AFTER + dt.timedelta(seconds=1), True),
        ("running", STALE_AFTER - dt.timedelta(seconds=1), False),
        ("queued", STALE_AFTER + dt.timedelta(seconds=1), True),
        ("queued", dt.timedelta(minutes=1), False),
    ],
)
def test_a_run_is_stale_after_a_silence_of_stale_after(tax_year, status, ago, stale):
    stuck = crashed(tax_year, status=status, heartbeat_ago=ago)

    assert is_stale(stuck, now=NOW) is stale
    assert (stuck in stale_assessment_runs(now=NOW)) is stale


def test_finished_runs_are_never_stale(tax_year, assessed):
    done, _owner = assessed
    assert not is_stale(done, now=timezone.now() + dt.timedelta(days=30))
    assert not stale_assessment_runs(now=timezone.now() + dt.timedelta(days=30)).exists()


# --- the periodic task ------------------------------------------------------------------------------------------


def test_the_periodic_task_fails_stuck_runs_and_keeps_the_previous_result(
    org, admin, tax_year, assessed, django_capture_on_commit_callbacks
):
    done, owner = assessed
    stuck = crashed(tax_year, partial_of=owner)
    assert Assessment.objects.filter(run=stuck).exists()

    marked = assessment_runs_fail_stale(now=NOW)

    assert marked == [stuck.pk]
    stuck.refresh_from_db()
    assert stuck.status == AssessmentRun.Status.FAILED
    assert "No progress for 15 minutes" in stuck.error
    assert not Assessment.objects.filter(run=stuck).exists()  # its partial rows are gone
    assert current_run(organization=org, year=YEAR) == done  # the previous result is in force
    assert tax_of(admin, org, owner) == Decimal("190000.00")
    entry = AuditEntry.objects.get(
        object_type="property.AssessmentRun", object_id=str(stuck.pk), action="update"
    )
    assert entry.actor_label == SYSTEM.label and entry.changes["status"] == ["running", "failed"]
    # and the year is free again
    assert run(org, admin, django_capture_on_commit_callbacks).status == AssessmentRun.Status.DONE


def test_the_periodic_task_leaves_live_runs_alone(tax_year):
    alive = crashed(tax_year, heartbeat_ago=dt.timedelta(seconds=20))

    assert assessment_runs_fail_stale(now=NOW) == []
    alive.refresh_from_db()
    assert alive.status == AssessmentRun.Status.RUNNING


def test_a_run_that_beats_again_between_the_check_and_the_lock_is_kept(tax_year, monkeypatch):
    stuck = crashed(tax_year)
    real = service.stale_assessment_runs

    def racing(*, now=None):
        found = list(real(now=now))
        AssessmentRun.objects.filter(pk=stuck.pk).update(heartbeat_at=NOW)  # the worker writes a batch
        return AssessmentRun.objects.filter(pk__in=[r.pk for r in found])

    monkeypatch.setattr(service, "stale_assessment_runs", racing)

    assert assessment_runs_fail_stale(now=NOW) == []
    stuck.refresh_from_db()
    assert stuck.status == AssessmentRun.Status.RUNNING


def test_the_task_is_scheduled_and_counts_what_it_marked(tax_year, settings):
    scheduled = {p.task for p in registry.periodic_tasks()}
    assert "muang.property.tasks.fail_stale_assessment_runs" in scheduled
    crashed(tax_year, heartbeat_ago=dt.timedelta(days=1))  # stale whatever the real clock says

    assert tasks.fail_stale_assessment_runs.call() == 1
    assert tasks.fail_stale_assessment_runs.call() == 0


# --- staff abandon --------------------------------------------------------------------------------------------


def test_staff_abandon_a_stuck_run_with_a_reason(org, admin, tax_year, assessed):
    done, owner = assessed
    stuck = crashed(tax_year, partial_of=owner)

    abandoned = assessment_run_abandon(actor=admin, run=stuck, reason="  worker host rebooted  ")

    assert abandoned.status == AssessmentRun.Status.FAILED
    assert abandoned.error == "worker host rebooted"
    assert abandoned.finished_at is not None
    assert not Assessment.objects.filter(run=stuck).exists()
    assert current_run(organization=org, year=YEAR) == done
    entry = AuditEntry.objects.get(
        object_type="property.AssessmentRun", object_id=str(stuck.pk), action="update"
    )
    assert entry.reason == "worker host rebooted" and entry.actor_user == admin.user


def test_abandon_needs_valuation_edit(org, tax_year):
    stuck = crashed(tax_year)
    with pytest.raises(AccessDenied):
        assessment_run_abandon(actor=actor_for(org, "officer"), run=stuck, reason="x")
    stuck.refresh_from_db()
    assert stuck.status == AssessmentRun.Status.RUNNING


def test_abandon_needs_a_reason(admin, tax_year):
    stuck = crashed(tax_year)
    with pytest.raises(InvalidInput) as e:
        assessment_run_abandon(actor=admin, run=stuck, reason="   ")
    assert "reason" in e.value.field_errors


def test_a_finished_run_cannot_be_abandoned(admin, assessed):
    done, _owner = assessed
    with pytest.raises(Conflict):
        assessment_run_abandon(actor=admin, run=done, reason="oops")
    done.refresh_from_db()
    assert done.status == AssessmentRun.Status.DONE


def test_a_run_still_computing_stops_when_abandoned(
    org, admin, tax_year, assessed, django_capture_on_commit_callbacks, monkeypatch
):
    """Abandoned while it computes (it was merely slow): it stops at its next batch, writes nothing more
    and does not become `done`; the reason stays and the previous result stays in force."""
    done, first_owner = assessed
    for _ in range(3):
        owner = OwnerFactory(organization=org)
        parcel = parcel_of(org, use="other")
        price_parcel(tax_year, parcel, Decimal("150000"))
        own(owner, parcel=parcel)
    monkeypatch.setattr(service, "BATCH_OWNERS", 1)
    real_owner = service.Calculator.owner
    calls = []

    def owner_then_abandon(self, rows):
        calls.append(rows[0][0])
        if len(calls) == 2:
            current = AssessmentRun.objects.get(status=AssessmentRun.Status.RUNNING)
            assessment_run_abandon(actor=admin, run=current, reason="wrong land prices")
        return real_owner(self, rows)

    monkeypatch.setattr(service.Calculator, "owner", owner_then_abandon)

    abandoned = run(org, admin, django_capture_on_commit_callbacks)

    assert abandoned.status == AssessmentRun.Status.FAILED
    assert abandoned.error == "wrong land prices"
    assert len(calls) == 2  # stopped at the batch after the abandon
    assert not Assessment.objects.filter(run=abandoned).exists()
    assert current_run(organization=org, year=YEAR) == done
    assert tax_of(admin, org, first_owner) == Decimal("190000.00")


# --- API ------------------------------------------------------------------------------------------------------


def _api_world(org):
    from django.test import Client

    from muang.core.tests.factories import member

    client = Client()
    client.force_login(member(org, "system_admin"))
    return client


def test_abandon_over_http(org, tax_year):
    stuck = crashed(tax_year)
    client = _api_world(org)
    url = f"/api/v1/organizations/{org.slug}/assessment-runs/{stuck.pk}/abandon"

    shown = client.get(f"/api/v1/organizations/{org.slug}/assessment-runs/{stuck.pk}").json()
    assert shown["stale"] is True and shown["status"] == "running"

    blank = client.post(url, {"reason": " "}, content_type="application/json")
    assert blank.status_code == 422
    assert blank["Content-Type"] == "application/problem+json"

    ok = client.post(url, {"reason": "worker died"}, content_type="application/json")
    assert ok.status_code == 200
    assert ok.json()["status"] == "failed" and ok.json()["error"] == "worker died"
    assert ok.json()["stale"] is False

    again = client.post(url, {"reason": "worker died"}, content_type="application/json")
    assert again.status_code == 409
    assert again["Content-Type"] == "application/problem+json"


def test_abandon_of_another_organisations_run_is_404(org, tax_year, areas):
    from muang.core.tests.factories import OrganizationFactory

    stuck = crashed(tax_year)
    other = OrganizationFactory()
    client = _api_world(other)

    response = client.post(
        f"/api/v1/organizations/{other.slug}/assessment-runs/{stuck.pk}/abandon",
        {"reason": "not mine"},
        content_type="application/json",
    )

    assert response.status_code == 404
    stuck.refresh_from_db()
    assert stuck.status == AssessmentRun.Status.RUNNING
