"""parcel_create / parcel_update / parcel_retire: deed areas, uses, geometry checks, permissions, history."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.gis.geos import MultiPolygon, Point, Polygon

from muang.core.access import Actor
from muang.core.errors import AccessDenied, Conflict, InvalidInput
from muang.core.models import AuditEntry, Duty, Role
from muang.core.tests.factories import OrganizationFactory, member
from muang.property.models import Parcel
from muang.property.registry.services.registry import parcel_create, parcel_retire, parcel_update
from muang.property.tests.factories import ParcelFactory, actor_for, bow_tie, inside, square

pytestmark = pytest.mark.django_db


@pytest.fixture
def org(areas):
    return OrganizationFactory()


@pytest.fixture
def admin(org):
    return actor_for(org)


def create(org, admin, **kwargs):
    data = {"code": "01A001", "use": "residential", "geometry": square(inside(org))} | kwargs
    return parcel_create(actor=admin, organization=org, **data)


def test_deed_area_is_derived_in_square_wah_and_square_metres(org, admin):
    parcel = create(org, admin, area_rai=1, area_ngan=2, area_wah=Decimal("50.5"))
    parcel.refresh_from_db()
    assert parcel.area_square_wah == Decimal("650.50")
    assert parcel.area_square_metres == Decimal("2602.00")
    assert (parcel.zone, parcel.block) == ("01", "01A")


def test_a_surveyed_geometry_sets_the_location_and_the_survey_status(org, admin):
    parcel = create(org, admin)
    assert parcel.survey_status == "surveyed"
    assert parcel.geometry.contains(parcel.location)


def test_a_polygon_becomes_a_multipolygon(org, admin):
    polygon = square(inside(org))[0]
    polygon.srid = 4326
    assert create(org, admin, geometry=polygon).geometry.geom_type == "MultiPolygon"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"code": "1A001"}, "code"),
        ({"code": "01AA01"}, "code"),
        ({"area_ngan": 4}, "area_ngan"),
        ({"area_wah": Decimal("100")}, "area_wah"),
        ({"use": "industrial"}, "use"),
        ({"use": "mixed"}, "use_shares"),
        ({"use": "mixed", "use_shares": {"residential": 60, "other": 30}}, "use_shares"),
        ({"vacant_since": 2567}, "vacant_since"),
        ({"use": "residential", "vacant_since": 2020}, "vacant_since"),
    ],
)
def test_bad_fields_are_refused_by_name(org, admin, kwargs, field):
    with pytest.raises(InvalidInput) as e:
        create(org, admin, **kwargs)
    assert field in e.value.field_errors, e.value.field_errors
    assert not Parcel.objects.exists()


def test_mixed_use_keeps_its_shares(org, admin):
    parcel = create(org, admin, use="mixed", use_shares={"residential": 60, "other": Decimal("40")})
    assert (parcel.share_residential, parcel.share_other, parcel.share_vacant) == (60, 40, 0)
    assert parcel.use_shares == {"residential": 60, "other": 40}


def test_a_self_intersecting_geometry_is_refused(org, admin):
    with pytest.raises(InvalidInput) as e:
        create(org, admin, geometry=bow_tie(org))
    assert "Self-intersection" in e.value.field_errors["geometry"][0]


def test_a_geometry_outside_the_organisation_is_refused(org, admin):
    other = OrganizationFactory()
    with pytest.raises(InvalidInput) as e:
        create(org, admin, geometry=square(inside(other)))
    assert "outside the boundary" in e.value.field_errors["geometry"][0]


def test_a_parcel_crossing_the_boundary_is_refused_but_slack_is_tolerated(org, admin):
    edge = org.boundary[0].exterior_ring[0]  # a vertex of the boundary: half the square lies outside
    with pytest.raises(InvalidInput, match="outside the boundary"):
        create(org, admin, geometry=square(Point(edge, srid=4326), 0.001))


def test_a_geometry_outside_thailand_is_refused(org, admin):
    with pytest.raises(InvalidInput, match="outside Thailand"):
        create(org, admin, geometry=square(Point(139.7, 35.7, srid=4326)))


def test_projected_coordinates_given_as_degrees_are_explained(org, admin):
    geometry = MultiPolygon(Polygon.from_bbox((820000, 1830000, 820030, 1830030)), srid=4326)
    with pytest.raises(InvalidInput, match="projected"):
        create(org, admin, geometry=geometry)


def test_a_pin_outside_the_organisation_is_refused(org, admin):
    with pytest.raises(InvalidInput) as e:
        create(org, admin, geometry=None, location=Point(100.5, 13.75, srid=4326))
    assert "location" in e.value.field_errors


def test_codes_are_unique_among_active_parcels(org, admin):
    create(org, admin)
    with pytest.raises(InvalidInput) as e:
        create(org, admin, geometry=square(inside(org, 5)))
    assert "already in the registry" in e.value.field_errors["code"][0]


def test_the_same_code_may_exist_in_another_organisation(org, admin, areas):
    create(org, admin)
    other = OrganizationFactory()
    assert create(other, actor_for(other), geometry=square(inside(other))).code == "01A001"


def test_an_officer_may_read_but_not_register(org):
    with pytest.raises(AccessDenied):
        create(org, actor_for(org, "officer"))
    with pytest.raises(AccessDenied):  # the head of a department without the tax duty
        create(org, actor_for(org, "department_head"))
    assert create(org, Actor(user=member(org, Role.DEPARTMENT_HEAD, duties=[Duty.TAX]))).pk


def test_creation_is_in_the_history_with_its_reason(org, admin):
    parcel = create(org, admin, reason="field survey 2568")
    entry = AuditEntry.objects.get(object_type="property.Parcel", object_id=str(parcel.pk))
    assert (entry.action, entry.reason, entry.actor_user) == ("create", "field survey 2568", admin.user)
    assert entry.changes["code"] == [None, "01A001"]


def test_an_update_needs_a_reason_and_records_what_changed(org, admin):
    parcel = create(org, admin)
    with pytest.raises(InvalidInput) as e:
        parcel_update(actor=admin, parcel=parcel, data={"deed_number": "777"}, reason=" ")
    assert "reason" in e.value.field_errors
    updated = parcel_update(
        actor=admin,
        parcel=parcel,
        data={"deed_number": "777", "area_ngan": 3},
        reason="deed checked at the Land Office",
    )
    assert updated.area_square_wah == 300
    entry = AuditEntry.objects.filter(object_type="property.Parcel", action="update").get()
    assert entry.reason == "deed checked at the Land Office"
    assert entry.changes["deed_number"] == ["", "777"]
    assert entry.changes["area_square_wah"] == ["0.00", "300.00"]


def test_an_update_that_changes_nothing_writes_nothing(org, admin):
    parcel = create(org, admin)
    before = AuditEntry.objects.count()
    parcel_update(actor=admin, parcel=parcel, data={"use": "residential"}, reason="check")
    assert AuditEntry.objects.count() == before


def test_land_in_use_again_ends_its_vacant_spell(org, admin):
    parcel = create(org, admin, use="vacant", vacant_since=2021)
    parcel = parcel_update(actor=admin, parcel=parcel, data={"use": "agricultural"}, reason="planted cassava")
    assert parcel.vacant_since is None and parcel.share_agricultural == 100


def test_updating_the_geometry_checks_it_again(org, admin):
    parcel = create(org, admin)
    with pytest.raises(InvalidInput):
        parcel_update(actor=admin, parcel=parcel, data={"geometry": bow_tie(org)}, reason="redrawn")
    moved = parcel_update(
        actor=admin, parcel=parcel, data={"geometry": square(inside(org, 3))}, reason="redrawn"
    )
    assert moved.geometry.contains(moved.location)


def test_a_retired_parcel_frees_its_code_and_cannot_change(org, admin):
    parcel = create(org, admin)
    parcel_retire(
        actor=admin, parcel=parcel, retired_on=dt.date(2025, 3, 1), reason="split into 01A002, 01A003"
    )
    with pytest.raises(Conflict):
        parcel_update(actor=admin, parcel=parcel, data={"note": "x"}, reason="x")
    assert create(org, admin, geometry=square(inside(org, 2))).pk != parcel.pk


def test_the_database_refuses_inconsistent_areas(org):
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        ParcelFactory(organization=org, area_square_wah=Decimal(1))
