import datetime as dt

import pytest

from muang.core.errors import InvalidInput
from muang.property.tests.factories import BuildingFactory, ParcelFactory, square
from muang.waste.services.accounts import account_create

pytestmark = pytest.mark.django_db


def open_account(town, **kwargs):
    data = {
        "actor": town.health_officer,
        "organization": town.org,
        "number": "H100",
        "holder_name": "นายทดสอบ ระบบ",
        "rate_class": "home",
        "opened_on": dt.date(2026, 1, 1),
    }
    data.update(kwargs)
    return account_create(**data)


def test_an_account_on_a_parcel_is_linked_to_the_parcel_and_its_building(town):
    point = town.point(50)
    parcel = ParcelFactory(organization=town.org, geometry=square(point))
    building = BuildingFactory(parcel=parcel, house_number="12/3")
    BuildingFactory(parcel=parcel, house_number="12/4")
    account = open_account(town, lat=point.y, lon=point.x, house_number="12/3")
    assert account.parcel_code == parcel.code and account.building_id == building.pk
    # Two buildings and no house number: the parcel only.
    other = open_account(town, number="H101", lat=point.y, lon=point.x)
    assert other.parcel_code == parcel.code and other.building_id is None


def test_an_account_where_no_parcel_is_stays_unlinked(town):
    point = town.point(77)
    account = open_account(town, lat=point.y, lon=point.x)
    assert account.parcel_code == "" and account.building_id is None


def test_bad_input_names_each_field_and_writes_nothing(town):
    with pytest.raises(InvalidInput) as e:
        open_account(
            town,
            number="H 1",
            holder_name=" ",
            rate_class="castle",
            holder_tax_id="1234567890123",
            lat=99.0,
            lon=None,
            route_code="R9",
        )
    assert set(e.value.field_errors) >= {
        "number",
        "holder_name",
        "rate_class",
        "holder_tax_id",
        "location",
        "route",
    }
    with pytest.raises(InvalidInput) as e:
        open_account(town, number="H001")
    assert "number" in e.value.field_errors
    with pytest.raises(InvalidInput) as e:
        open_account(town, opened_on=dt.date(2020, 1, 1))
    assert "opened_on" in e.value.field_errors
