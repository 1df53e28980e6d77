"""Snapshots, the audited recompute, hand-entered values, CSV imports and targets: with a fixed clock."""

import datetime as dt
from decimal import Decimal

import pytest

from muang.cases.services import case_change_status
from muang.cases.tests.factories import submit_case
from muang.core.access import SYSTEM, Actor
from muang.core.errors import AccessDenied, Conflict, InvalidInput
from muang.core.models import AuditEntry, DailyRun, Role
from muang.core.tests.factories import member
from muang.core.thai_dates import BANGKOK
from muang.kpi import services
from muang.kpi.models import Indicator, ManualValue, Snapshot, Source, Target
from muang.kpi.tests.conftest import FEB_5, JAN, evidence_png

pytestmark = pytest.mark.django_db


def at(day: int, hour: int = 9, month: int = 1) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, tzinfo=BANGKOK)


def sla(org, month=JAN):
    return Snapshot.objects.get(organization=org, indicator__code="cases.resolved_within_sla", month=month)


def test_a_month_is_snapshotted_once_and_a_later_correction_does_not_move_it(town):
    on_time, late = submit_case(town.category, now=at(5)), submit_case(town.category, now=at(5))
    case_change_status(actor=town.admin, case=on_time, status="resolved", now=at(5, 11))
    case_change_status(actor=town.admin, case=late, status="resolved", now=at(8, 10))
    written = services.snapshot_month(month=JAN, organizations=[town.org])
    computed = Indicator.objects.filter(source=Source.COMPUTED, is_active=True).count()
    assert written == computed
    assert sla(town.org).value == Decimal("50.0") and sla(town.org).origin == Source.COMPUTED
    # Nothing billed in January: measured, nothing to measure.
    assert (
        Snapshot.objects.get(organization=town.org, indicator__code="billing.collected_share").value is None
    )
    assert services.snapshot_month(month=JAN, organizations=[town.org]) == 0  # safe to repeat

    # The late case's resolution is corrected in the case table: January's figure stays as it was taken.
    from muang.cases.models import Case

    Case.objects.filter(pk=late.pk).update(resolved_at=at(5, 12))
    assert sla(town.org).value == Decimal("50.0")

    # Only an executive recomputes, only a month that is over, only with a reason; it is audited.
    with pytest.raises(AccessDenied):
        services.snapshot_recompute(actor=town.head, organization=town.org, month=JAN, reason="x", now=FEB_5)
    with pytest.raises(InvalidInput) as e:
        services.snapshot_recompute(
            actor=town.executive, organization=town.org, month=dt.date(2026, 2, 1), reason="x", now=FEB_5
        )
    assert "month" in e.value.field_errors
    with pytest.raises(InvalidInput) as e:
        services.snapshot_recompute(
            actor=town.executive, organization=town.org, month=JAN, reason=" ", now=FEB_5
        )
    assert "reason" in e.value.field_errors
    assert sla(town.org).value == Decimal("50.0")
    changed = services.snapshot_recompute(
        actor=town.executive, organization=town.org, month=JAN, reason="วันปิดเรื่องบันทึกผิด", now=FEB_5
    )
    assert [s.indicator.code for s in changed] == [
        "cases.median_days_to_resolve",
        "cases.resolved_within_sla",
    ]
    assert sla(town.org).value == Decimal("100.0")
    entry = AuditEntry.objects.get(object_type="kpi.Snapshot", object_id=str(sla(town.org).pk))
    assert entry.changes["value"] == ["50.0000", "100.0000"] and "วันปิดเรื่องบันทึกผิด" in entry.reason


def test_the_periodic_step_snapshots_the_month_that_is_over_once_a_day(town):
    result = services.snapshot_closed_month(now=FEB_5)
    assert result["month"] == "2026-01-01" and result["rows"] >= 5
    assert services.snapshot_closed_month(now=FEB_5) is None
    assert DailyRun.objects.filter(job="kpi.snapshot").count() == 1


def _submit(town, actor=None, **kwargs):
    args = {
        "actor": actor or town.officer,
        "organization": town.org,
        "indicator": Indicator.objects.get(code="living.piped_water"),
        "month": JAN,
        "value": "87.5",
        "evidence": evidence_png(),
        "now": FEB_5,
    }
    return services.manual_value_submit(**{**args, **kwargs})


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"evidence": None}, "evidence"),
        ({"value": "101"}, "value"),
        ({"value": "-1"}, "value"),
        ({"value": "ร้อย"}, "value"),
        ({"value": "NaN"}, "value"),
        ({"month": dt.date(2026, 2, 1)}, "month"),
        ({"month": None}, "month"),
        ({"indicator": None}, "indicator"),
    ],
)
def test_a_bad_hand_entered_figure_is_refused_and_nothing_is_written(town, change, field):
    before = AuditEntry.objects.count()
    with pytest.raises(InvalidInput) as e:
        _submit(town, **change)
    assert field in e.value.field_errors
    assert not ManualValue.objects.exists() and AuditEntry.objects.count() == before


def test_a_computed_indicator_is_not_entered_by_hand(town):
    with pytest.raises(InvalidInput) as e:
        _submit(town, indicator=Indicator.objects.get(code="cases.satisfaction"), value="4")
    assert "indicator" in e.value.field_errors


def test_a_hand_entered_figure_counts_once_someone_else_approves_it(town):
    entry = _submit(town)
    assert entry.status == ManualValue.Status.PENDING and entry.evidence.name.startswith(
        f"kpi-evidence/{town.org.pk}/"
    )
    assert not Snapshot.objects.filter(indicator=entry.indicator).exists()
    with pytest.raises(AccessDenied):
        services.manual_value_decide(actor=town.officer, entry=entry, approve=True)  # officers do not approve
    head_who_entered = _submit(town, actor=town.head)
    with pytest.raises(AccessDenied):
        services.manual_value_decide(actor=town.head, entry=head_who_entered, approve=True)  # not one's own
    services.manual_value_decide(actor=town.head, entry=entry, approve=True)
    snapshot = Snapshot.objects.get(organization=town.org, indicator=entry.indicator, month=JAN)
    assert snapshot.value == Decimal("87.5") and snapshot.origin == Source.MANUAL
    with pytest.raises(Conflict):
        services.manual_value_decide(actor=town.executive, entry=entry, approve=False)


def test_a_csv_import_is_all_or_nothing_and_names_the_bad_line(town):
    good = "indicator,month,value\nenvironment.waste_recycled,2568-12,21.5\nenvironment.waste_recycled,2569-01,22\n"
    for bad, words in [
        (good + "environment.waste_recycled,2569-01,120\n", "Line 4"),
        (good + "cases.satisfaction,2569-01,4\n", "Line 4"),
        (good + "no.such,2569-01,4\n", "Line 4"),
        (good.replace("2569-01", "มกรา"), "Line 3"),
        (good + "environment.waste_recycled,2569-02,22\n", "Line 4"),  # February is not over on 5 February
        ("code,value\nx,1\n", "columns"),
        ("indicator,month,value\n", "no rows"),
    ]:
        with pytest.raises(InvalidInput) as e:
            services.csv_import(actor=town.officer, organization=town.org, text=bad, now=FEB_5)
        assert words in e.value.field_errors["file"][0], (bad, e.value.field_errors)
    assert not Snapshot.objects.exists()
    assert (
        services.csv_import(actor=town.officer, organization=town.org, text="\ufeff" + good, now=FEB_5) == 2
    )
    values = dict(Snapshot.objects.filter(origin=Source.CSV).values_list("month", "value"))
    assert values == {dt.date(2025, 12, 1): Decimal("21.5"), JAN: Decimal("22")}
    assert AuditEntry.objects.filter(object_type="kpi.Snapshot", reason="CSV import").count() == 2


def test_a_target_is_for_a_known_fiscal_year_and_in_range(town):
    indicator = Indicator.objects.get(code="cases.resolved_within_sla")
    target = services.target_set(
        actor=town.executive,
        organization=town.org,
        indicator=indicator,
        fiscal_year=2569,
        value="85",
        now=FEB_5,
    )
    assert target.value == Decimal("85")
    services.target_set(
        actor=town.executive,
        organization=town.org,
        indicator=indicator,
        fiscal_year=2569,
        value="90",
        now=FEB_5,
    )
    assert Target.objects.get().value == Decimal("90")
    for year in (2026, 2567, 2580, None):
        with pytest.raises(InvalidInput) as e:
            services.target_set(
                actor=town.executive,
                organization=town.org,
                indicator=indicator,
                fiscal_year=year,
                value="85",
                now=FEB_5,
            )
        assert "fiscal_year" in e.value.field_errors
    with pytest.raises(InvalidInput) as e:
        services.target_set(
            actor=town.executive,
            organization=town.org,
            indicator=indicator,
            fiscal_year=2569,
            value="150",
            now=FEB_5,
        )
    assert "value" in e.value.field_errors
    with pytest.raises(AccessDenied):
        services.target_set(
            actor=town.head, organization=town.org, indicator=indicator, fiscal_year=2569, value="1"
        )
    other = Actor(user=member(town.org, Role.OVERSEER))
    with pytest.raises(AccessDenied):
        services.target_set(
            actor=other, organization=town.org, indicator=indicator, fiscal_year=2569, value="1"
        )
    assert Target.objects.get().value == Decimal("90")


def test_the_public_switch_is_audited(town):
    services.publication_set(actor=town.executive, organization=town.org, is_public=True)
    services.publication_set(actor=town.executive, organization=town.org, is_public=True)
    assert AuditEntry.objects.filter(object_type="kpi.Publication").count() == 1
    with pytest.raises(AccessDenied):
        services.publication_set(actor=SYSTEM.__class__(), organization=town.org, is_public=False)
