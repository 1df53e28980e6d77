"""The backfill (issue 15): past months' snapshots and roll-ups from what the modules hold, oldest first, safe to
repeat; a month snapshotted before the backfill gets its adoption window rewritten; the command; the demo's year."""

import datetime as dt
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from muang.cases.services import case_change_status
from muang.cases.tests.factories import submit_case
from muang.core.errors import InvalidInput
from muang.core.thai_dates import BANGKOK
from muang.kpi import services
from muang.kpi.models import Indicator, RollupAdoption, RollupPeriod, RollupValue, Snapshot, Source
from muang.kpi.tests.conftest import FEB_5, JAN

pytestmark = pytest.mark.django_db

NOV, DEC = dt.date(2025, 11, 1), dt.date(2025, 12, 1)


def _resolve_one(town, day: dt.datetime) -> None:
    case = submit_case(town.category, now=day)
    case_change_status(actor=town.admin, case=case, status="resolved", now=day + dt.timedelta(hours=2))


def _sla(org, month):
    return Snapshot.objects.get(organization=org, indicator__code="cases.resolved_within_sla", month=month)


@pytest.fixture
def history(town):
    """Cases resolved in November, December and January, before the dashboard ever ran."""
    for month, day in ((11, 10), (12, 3), (1, 20)):
        year = 2025 if month > 1 else 2026
        _resolve_one(town, dt.datetime(year, month, day, 9, tzinfo=BANGKOK))
    return town


def test_the_backfill_snapshots_and_rolls_up_past_months_once(history):
    org = history.org
    computed = Indicator.objects.filter(source=Source.COMPUTED, is_active=True).count()
    result = services.backfill(months=3, organizations=[org], now=FEB_5)
    assert result == {"months": 3, "rows": 3 * computed, "refreshed": 3}
    for month in (NOV, DEC, JAN):
        assert _sla(org, month).value == Decimal("100.0")
        assert RollupPeriod.objects.filter(month=month).exists()
        assert RollupValue.objects.filter(month=month, organization=org).count() == computed
    # Adoption sees the months before: the case engine was used in each of January's three months.
    assert RollupAdoption.objects.get(month=JAN, organization=org).months_used["cases"] == 3
    assert RollupAdoption.objects.get(month=NOV, organization=org).months_used["cases"] == 1
    # Safe to repeat: nothing is measured again, nothing moves.
    assert services.backfill(months=3, organizations=[org], now=FEB_5) == {
        "months": 3,
        "rows": 0,
        "refreshed": 0,
    }


def test_a_month_taken_before_the_backfill_gets_its_adoption_window_rewritten(history):
    org = history.org
    services.snapshot_month(month=JAN, organizations=[org])  # the monthly job ran once, for January only
    assert RollupAdoption.objects.get(month=JAN, organization=org).months_used["cases"] == 1
    january = _sla(org, JAN)
    Snapshot.objects.filter(pk=january.pk).update(
        value=Decimal(42)
    )  # a figure of its own: the backfill keeps it
    result = services.backfill(months=3, until=JAN, organizations=[org], now=FEB_5)
    assert result["refreshed"] == 3  # November and December written, January's roll-up rewritten
    assert _sla(org, JAN).value == Decimal(42)
    assert RollupAdoption.objects.get(month=JAN, organization=org).months_used["cases"] == 3
    assert RollupValue.objects.get(month=JAN, organization=org, indicator=january.indicator).value == 42


def test_a_backfill_after_a_written_month_rewrites_the_two_months_after(history):
    org = history.org
    services.snapshot_month(month=JAN, organizations=[org])
    services.backfill(months=1, until=DEC, organizations=[org], now=FEB_5)
    assert RollupAdoption.objects.get(month=JAN, organization=org).months_used["cases"] == 2


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [({"months": 0}, "months"), ({"months": 61}, "months"), ({"months": 1, "until": FEB_5.date()}, "until")],
)
def test_a_bad_backfill_is_refused_and_writes_nothing(history, kwargs, field):
    with pytest.raises(InvalidInput) as e:
        services.backfill(organizations=[history.org], now=FEB_5, **kwargs)
    assert field in e.value.field_errors
    assert not Snapshot.objects.exists() and not RollupPeriod.objects.exists()


def test_the_command_backfills_the_months_asked(history, monkeypatch):
    from muang.kpi import periods

    monkeypatch.setattr(periods, "today", lambda now=None: FEB_5.date())
    out = StringIO()
    call_command(
        "kpi_backfill", "--months", "2", "--until", "2568-12", "--organization", history.org.slug, stdout=out
    )
    assert "2 months" in out.getvalue()
    assert set(Snapshot.objects.filter(organization=history.org).values_list("month", flat=True)) == {
        NOV,
        DEC,
    }
    with pytest.raises(CommandError, match="2569-03"):
        call_command("kpi_backfill", "--until", "March")
    with pytest.raises(CommandError, match="no active local government"):
        call_command("kpi_backfill", "--organization", "no-such-town")
    with pytest.raises(CommandError):
        call_command("kpi_backfill", "--months", "0", "--organization", history.org.slug)
