"""The catalogue: both frameworks of seven areas, and one computed indicator per installed app's KPI source,
which appears on the dashboard without any change in the kpi app."""

import pytest

from muang.core import registry
from muang.core.contract import KpiSource
from muang.kpi.catalogue import sync_catalogue
from muang.kpi.models import Area, Framework, Indicator, Source

pytestmark = pytest.mark.django_db


def test_both_frameworks_have_their_seven_areas():
    areas = {f.code: [a.code for a in f.areas.order_by("order")] for f in Framework.objects.all()}
    assert areas["khonkaen"] == [
        "people",
        "living",
        "education",
        "environment",
        "economy",
        "governance",
        "mobility",
    ]
    assert areas["depa"] == ["people", "living", "energy", "environment", "economy", "governance", "mobility"]
    assert Area.objects.get(framework__code="depa", code="energy").name_th == "พลังงานอัจฉริยะ"


def test_every_kpi_source_of_the_installed_apps_is_an_indicator():
    computed = set(
        Indicator.objects.filter(source=Source.COMPUTED, is_active=True).values_list("code", flat=True)
    )
    assert computed == {s.code for s in registry.kpi_sources()}
    sla = Indicator.objects.get(code="cases.resolved_within_sla")
    assert sla.unit == "%" and sla.max_value == 100 and sla.definition.startswith("Percent of the cases")
    assert {a.code for a in sla.areas.all()} == {"governance"}  # in both frameworks
    assert sla.areas.count() == 2
    assert sync_catalogue() == 0  # idempotent


def test_a_new_apps_source_appears_unplaced_and_an_uninstalled_ones_goes_off(monkeypatch):
    offered = registry.kpi_sources()
    new = KpiSource(
        "parking.free_bays", "Free parking bays", "count", "muang.core.tests.tinyapp.selectors.departments"
    )
    monkeypatch.setattr(registry, "kpi_sources", lambda: (*offered, new))
    assert sync_catalogue() == 1
    indicator = Indicator.objects.get(code="parking.free_bays")
    assert indicator.source == Source.COMPUTED and indicator.is_active and not indicator.areas.exists()
    monkeypatch.setattr(registry, "kpi_sources", lambda: offered)
    sync_catalogue()
    indicator.refresh_from_db()
    assert not indicator.is_active
