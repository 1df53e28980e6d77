"""The electricity tariff as the organisation's dated data: the default is labelled as the default on the
dashboard and the tariff page until the engineering staff set their own; a set row prices the month; a wrong
figure is refused on its field and writes nothing."""

import datetime as dt
from decimal import Decimal

import pytest

from muang.core.access import SYSTEM
from muang.core.errors import InvalidInput
from muang.core.models import AuditEntry, Duty, Role
from muang.core.tests.factories import OrganizationFactory, member
from muang.lighting.energy import DEFAULT_TARIFF, tariff_in_force
from muang.lighting.models import Tariff
from muang.lighting.services.tariffs import tariff_set

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("areas")]


def test_the_default_is_labelled_until_the_city_sets_its_tariff(client, settings):
    settings.LANGUAGE_CODE = "th"
    org = OrganizationFactory()
    client.force_login(member(org, Role.OFFICER, duties=[Duty.ENGINEERING]))
    in_force = tariff_in_force(org, dt.date(2026, 3, 1))
    assert in_force.is_default and in_force.baht_per_kwh == DEFAULT_TARIFF
    dashboard = client.get("/lighting/dashboard").content.decode()
    assert 'id="tariff-is-default"' in dashboard and "/lighting/tariffs" in dashboard
    page = client.get("/lighting/tariffs")
    assert page.status_code == 200 and 'id="tariff-default"' in page.content.decode()
    response = client.post(
        "/lighting/tariffs",
        {"effective_from": "2026-01-01", "baht_per_kwh": "4.1842", "source": "ใบแจ้งค่าไฟฟ้า ม.ค. 2569"},
    )
    assert response.status_code == 302
    in_force = tariff_in_force(org, dt.date(2026, 3, 1))
    assert (in_force.is_default, in_force.baht_per_kwh, in_force.effective_from) == (
        False,
        Decimal("4.1842"),
        dt.date(2026, 1, 1),
    )
    assert tariff_in_force(org, dt.date(2025, 12, 1)).is_default  # before its date: still the default
    dashboard = client.get("/lighting/dashboard").content.decode()
    assert 'id="tariff-is-default"' not in dashboard and "4.1842" in dashboard
    page = client.get("/lighting/tariffs").content.decode()
    assert "1 ม.ค. 2569" in page and "ใบแจ้งค่าไฟฟ้า" in page  # the Buddhist Era


def test_a_wrong_rate_is_refused_on_its_field_and_writes_nothing(client):
    org = OrganizationFactory()
    client.force_login(member(org, Role.OFFICER, duties=[Duty.ENGINEERING]))
    for rate in ("0", "-1", "abc", "150"):
        response = client.post("/lighting/tariffs", {"effective_from": "2026-01-01", "baht_per_kwh": rate})
        assert response.status_code == 422, rate
        assert 'role="alert"' in response.content.decode()
    assert (
        client.post("/lighting/tariffs", {"effective_from": "1.1.26", "baht_per_kwh": "4"}).status_code == 422
    )
    assert not Tariff.objects.filter(organization=org).exists()
    with pytest.raises(InvalidInput) as refused:
        tariff_set(
            actor=SYSTEM, organization=org, effective_from=dt.date(2026, 1, 1), baht_per_kwh="4.123456"
        )
    assert "baht_per_kwh" in refused.value.field_errors


def test_the_same_date_again_replaces_the_rate_audited():
    org = OrganizationFactory()
    day = dt.date(2026, 5, 1)
    tariff_set(actor=SYSTEM, organization=org, effective_from=day, baht_per_kwh="4.5", source="a")
    tariff_set(actor=SYSTEM, organization=org, effective_from=day, baht_per_kwh="4.6", source="b")
    assert list(Tariff.objects.filter(organization=org).values_list("baht_per_kwh", "source")) == [
        (Decimal("4.6000"), "b")
    ]
    assert AuditEntry.objects.filter(organization=org, object_type="lighting.Tariff").count() == 2


def test_only_the_engineering_staff_reach_the_tariff_page(client):
    org = OrganizationFactory()
    client.force_login(member(org, Role.EXECUTIVE))
    assert client.get("/lighting/tariffs").status_code == 403
    client.force_login(member(org, Role.OFFICER, duties=[Duty.PUBLIC_HEALTH]))
    assert (
        client.post("/lighting/tariffs", {"effective_from": "2026-01-01", "baht_per_kwh": "4"}).status_code
        == 403
    )
    assert not Tariff.objects.filter(organization=org).exists()
