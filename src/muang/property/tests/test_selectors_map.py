"""The tax map's reads: status per parcel and year from real bills, the box layers, search, card, nearest."""

import datetime as dt
import json

import pytest
from django.contrib.gis.geos import Point

from muang.billing.services.bills import bill_cancel
from muang.billing.tests.factories import billing_organization, revenue_member, staff_actor
from muang.core.access import Actor
from muang.core.errors import AccessDenied, InvalidInput, NotFound
from muang.core.models import Duty, Role
from muang.core.tests.factories import member
from muang.property.models import Assessment, AssessmentRun, Parcel, TaxYear
from muang.property.registry import selectors_map as sm
from muang.property.tests.factories import (
    BuildingFactory,
    OwnerFactory,
    ParcelFactory,
    SignboardFactory,
    inside,
    square,
    tax_year_fields,
)
from muang.property.tests.map_support import YEAR, own, pay, property_bill

pytestmark = pytest.mark.django_db


@pytest.fixture
def org(areas):
    return billing_organization()


@pytest.fixture
def officer(org):
    return Actor(user=member(org, Role.OFFICER, duties=[Duty.TAX]))


def statuses(org, actor, *parcels, year=YEAR):
    found = sm.parcel_statuses(actor=actor, organization=org, year=year, parcel_ids=[p.pk for p in parcels])
    return [found.get(p.pk) for p in parcels]


def test_status_follows_the_uncancelled_bills_of_the_year(org, officer):
    owner = OwnerFactory(organization=org)
    unpaid, partly, paid, two_bills, cancelled, last_year = ParcelFactory.create_batch(6, organization=org)
    property_bill(owner, (unpaid, "500.00"), (partly, "1000.00"))  # one bill, a line for each parcel
    pay(property_bill(OwnerFactory(organization=org), (partly, "800.00")), "300.00")
    pay(property_bill(OwnerFactory(organization=org), (paid, "200.00")))
    pay(property_bill(OwnerFactory(organization=org), (two_bills, "100.00")))
    property_bill(OwnerFactory(organization=org), (two_bills, "100.00"))
    cancel_me = property_bill(OwnerFactory(organization=org), (cancelled, "9.00"))
    bill_cancel(actor=staff_actor(org), bill=cancel_me, reason="assessment re-run")
    pay(property_bill(OwnerFactory(organization=org), (last_year, "50.00"), year=YEAR - 1))

    assert statuses(org, officer, unpaid, partly, paid, two_bills, cancelled, last_year) == [
        "unpaid",
        "partly_paid",  # money received on one of its bills
        "paid",
        "partly_paid",  # one of its two bills paid
        "not_billed",  # its only bill was cancelled
        "not_billed",  # paid, but for last year
    ]
    assert statuses(org, officer, last_year, year=YEAR - 1) == ["paid"]


def test_paying_turns_a_parcel_from_unpaid_to_paid(org, officer):
    parcel = ParcelFactory(organization=org)
    bill = property_bill(OwnerFactory(organization=org), (parcel, "1234.50"))
    assert statuses(org, officer, parcel) == ["unpaid"]
    pay(bill, "1000.00")
    assert statuses(org, officer, parcel) == ["partly_paid"]
    pay(bill)
    assert statuses(org, officer, parcel) == ["paid"]


def test_a_building_line_counts_for_its_parcel(org, officer):
    parcel = ParcelFactory(organization=org)
    building = BuildingFactory(parcel=parcel)
    owner = OwnerFactory(organization=org)
    bill = property_bill(owner, (building, "700.00"))
    assert statuses(org, officer, parcel) == ["unpaid"]
    pay(bill)
    assert statuses(org, officer, parcel) == ["paid"]


def test_status_without_bills_and_the_order_of_the_rules(org, officer):
    plain = ParcelFactory(organization=org)
    pin = ParcelFactory(
        organization=org,
        geometry=None,
        location=inside(org, 300),
        survey_status=Parcel.SurveyStatus.NOT_SURVEYED,
    )
    vacant = ParcelFactory(organization=org, use="vacant", share_residential=0, share_vacant=100)
    temple = ParcelFactory(organization=org, exemption=Parcel.Exemption.RELIGIOUS)
    billed_pin = ParcelFactory(
        organization=org,
        geometry=None,
        location=inside(org, 301),
        survey_status=Parcel.SurveyStatus.NOT_SURVEYED,
    )
    billed_vacant = ParcelFactory(organization=org, use="vacant", share_residential=0, share_vacant=100)
    owner = OwnerFactory(organization=org)
    property_bill(owner, (temple, "1.00"), (billed_pin, "10.00"), (billed_vacant, "10.00"))

    assert statuses(org, officer, plain, pin, vacant, temple, billed_pin, billed_vacant) == [
        "not_billed",
        "not_surveyed",
        "vacant",
        "exempt",  # s.8 wins over anything billed by mistake
        "unpaid",  # a bill says more than the survey state
        "unpaid",
    ]


def test_assessed_at_zero_tax_is_exempt(org, officer):
    home, taxed = ParcelFactory.create_batch(2, organization=org)
    owner = OwnerFactory(organization=org)
    own(owner, home)
    own(owner, taxed)
    tax_year = TaxYear.objects.create(organization=org, year=YEAR, **tax_year_fields(YEAR))
    run = AssessmentRun.objects.create(
        organization=org, tax_year=tax_year, year=YEAR, status=AssessmentRun.Status.DONE, started_by_label="t"
    )
    props = [
        {"kind": "parcel", "label": home.code, "value": "3000000.00", "tax": "0.00"},
        {"kind": "parcel", "label": taxed.code, "value": "9000000.00", "tax": "1800.00"},
    ]
    Assessment.objects.create(
        organization=org,
        run=run,
        year=YEAR,
        owner=owner,
        total_value=12_000_000,
        total_tax=1800,
        property_count=2,
        sheet={"properties": props},
    )
    assert statuses(org, officer, home, taxed) == ["exempt", "not_billed"]
    # Another year's run says nothing about this one.
    assert statuses(org, officer, home, year=YEAR + 1) == ["not_billed"]


def test_statuses_need_the_property_permission_and_stay_in_the_organisation(org, officer):
    other = billing_organization()
    foreign = ParcelFactory(organization=other)
    property_bill(OwnerFactory(organization=other), (foreign, "10.00"))
    assert sm.parcel_statuses(actor=officer, organization=org, year=YEAR, parcel_ids=[foreign.pk]) == {}
    with pytest.raises(AccessDenied):
        sm.parcel_statuses(actor=officer, organization=other, year=YEAR, parcel_ids=[foreign.pk])
    overseer = Actor(user=member(org, Role.OVERSEER))
    with pytest.raises(AccessDenied):
        sm.parcel_statuses(actor=overseer, organization=org, year=YEAR, parcel_ids=[])


def box_around(point, d=0.01):
    return (point.x - d, point.y - d, point.x + d, point.y + d)


def test_the_geojson_layer_carries_the_status_and_only_this_organisation(org, officer):
    paid = ParcelFactory(organization=org)
    pay(property_bill(OwnerFactory(organization=org), (paid, "100.00")))
    pin = ParcelFactory(
        organization=org,
        geometry=None,
        location=inside(org, 5),
        survey_status=Parcel.SurveyStatus.NOT_SURVEYED,
    )
    retired = ParcelFactory(organization=org, retired_on=dt.date(2025, 1, 1))
    other = billing_organization()
    # Another organisation's parcel drawn right on top of ours: still never in our layer.
    ParcelFactory(organization=other, geometry=square(paid.location), location=paid.location)

    data = json.loads(
        sm.map_parcels_geojson(actor=officer, organization=org, bbox=box_around(paid.location), year=YEAR)
    )
    by_code = {f["properties"]["code"]: f for f in data["features"]}
    assert set(by_code) == {paid.code, pin.code}
    assert retired.code not in by_code
    assert by_code[paid.code]["properties"]["status"] == "paid"
    assert by_code[paid.code]["geometry"]["type"] == "MultiPolygon"
    assert by_code[pin.code]["geometry"]["type"] == "Point"
    assert by_code[pin.code]["properties"]["status"] == "not_surveyed"
    assert data["truncated"] is False and data["year"] == YEAR

    capped = json.loads(
        sm.map_parcels_geojson(
            actor=officer, organization=org, bbox=box_around(paid.location), year=YEAR, limit=1
        )
    )
    assert capped["truncated"] is True and len(capped["features"]) == 1


def test_buildings_and_signboards_layers(org, officer):
    parcel = ParcelFactory(organization=org)
    building = BuildingFactory(parcel=parcel, footprint=square(parcel.location, 0.0001))
    BuildingFactory(parcel=parcel)  # no footprint: not drawn
    BuildingFactory(
        parcel=parcel, footprint=square(parcel.location, 0.0001), demolished_on=dt.date(2024, 1, 1)
    )
    sign = SignboardFactory(owner=OwnerFactory(organization=org), parcel=parcel, location=parcel.location)
    SignboardFactory(
        owner=OwnerFactory(organization=org),
        location=parcel.location,
        removed_on=dt.date(2025, 1, 1),
        installed_on=dt.date(2020, 1, 1),
    )
    bbox = box_around(parcel.location)
    buildings = json.loads(sm.buildings_geojson(actor=officer, organization=org, bbox=bbox))
    assert [f["properties"]["code"] for f in buildings["features"]] == [building.code]
    signs = json.loads(sm.signboards_geojson(actor=officer, organization=org, bbox=bbox))
    assert [f["id"] for f in signs["features"]] == [sign.pk]
    assert signs["features"][0]["properties"]["parcel"] == parcel.code


def test_search_by_code_deed_owner_name_and_national_id(org, officer):
    a = ParcelFactory(organization=org, code="01A001", deed_number="12345")
    b = ParcelFactory(organization=org, code="01A002")
    c = ParcelFactory(organization=org, code="02B001")
    owner = OwnerFactory(organization=org, name="มาลี", last_name="ศรีสุข")
    own(owner, c)
    building = BuildingFactory(parcel=b)
    from muang.property.models import Ownership

    Ownership.objects.create(organization=org, owner=owner, building=building, valid_from=dt.date(2020, 1, 1))
    other = billing_organization()
    ParcelFactory(organization=other, code="01A003", deed_number="12345")

    def codes(q):
        return [h.code for h in sm.map_search(actor=officer, organization=org, q=q)]

    assert codes("01a") == ["01A001", "01A002"]
    assert codes("12345") == ["01A001"]
    assert codes("ศรีสุข") == ["01A002", "02B001"]
    assert codes(owner.national_id) == ["01A002", "02B001"]
    assert codes("x") == []  # too short to search
    hit = sm.map_search(actor=officer, organization=org, q="มาลี")[1]
    assert hit.matched_owner == owner.display_name
    west, south, east, north = hit.bounds
    assert west < c.location.x < east and south < c.location.y < north
    assert a.code not in codes("ศรีสุข")


def test_the_card_shows_assessed_tax_and_bills_to_revenue_staff_only(org, officer):
    parcel = ParcelFactory(organization=org)
    owner = OwnerFactory(organization=org)
    own(owner, parcel)
    tax_year = TaxYear.objects.create(organization=org, year=YEAR, **tax_year_fields(YEAR))
    run = AssessmentRun.objects.create(
        organization=org, tax_year=tax_year, year=YEAR, status=AssessmentRun.Status.DONE, started_by_label="t"
    )
    Assessment.objects.create(
        organization=org,
        run=run,
        year=YEAR,
        owner=owner,
        total_value=1,
        total_tax=250,
        property_count=1,
        sheet={
            "properties": [{"kind": "parcel", "label": parcel.code, "value": "500000.00", "tax": "250.00"}]
        },
    )
    bill = property_bill(owner, (parcel, "250.00"))
    pay(bill, "100.00")

    card = sm.map_card(actor=officer, organization=org, code=parcel.code, year=YEAR)
    assert card.status == "partly_paid" and card.bills is None
    assert [(a.owner_id, str(a.tax)) for a in card.assessed] == [(owner.pk, "250.00")]

    cashier = Actor(user=revenue_member(org))
    card = sm.map_card(actor=cashier, organization=org, code=parcel.code.lower(), year=YEAR)
    assert [(b.number, b.status, str(b.line_amount), str(b.paid_principal)) for b in card.bills] == [
        (bill.number, "partly_paid", "250.00", "100.00")
    ]
    with pytest.raises(NotFound):
        sm.map_card(actor=officer, organization=org, code="99Z999", year=YEAR)


def test_nearest_parcels_put_the_one_underfoot_first(org, officer):
    here = ParcelFactory(organization=org, location=None)
    near = ParcelFactory(organization=org)
    ParcelFactory(organization=billing_organization())
    spot = here.geometry.point_on_surface
    found = sm.nearest_parcels(actor=officer, organization=org, position=Point(spot.x, spot.y, srid=4326))
    assert found[0].code == here.code and found[0].contains and found[0].distance_m == 0
    assert near.code in [n.code for n in found[1:]]
    assert all(n.distance_m <= sm.NEAREST_MAX_METRES for n in found)
    far = sm.nearest_parcels(actor=officer, organization=org, position=Point(100.5, 13.75, srid=4326))
    assert far == []


def test_year_and_position_input(org):
    assert sm.clean_year("") == sm.current_tax_year()
    assert sm.clean_year("2025") == 2025
    for bad in ("2569", "abc", "1999"):
        with pytest.raises(InvalidInput):
            sm.clean_year(bad)
    with pytest.raises(InvalidInput):
        sm.clean_position("95", "100")
    with pytest.raises(InvalidInput):
        sm.clean_position("", "100")


def test_clusters_count_the_parcels_of_the_organisation_by_grid_cell(org, officer):
    # Five neighbours in a row, 0.0004 degrees apart.
    parcels = [
        ParcelFactory(organization=org, geometry=square(inside(org, k)), location=inside(org, k))
        for k in range(5)
    ]
    ParcelFactory(organization=org, retired_on=dt.date(2025, 1, 1))
    ParcelFactory(organization=billing_organization(), geometry=square(parcels[0].location))
    bbox = box_around(parcels[0].location, 0.05)
    coarse = json.loads(sm.parcel_clusters(actor=officer, organization=org, bbox=bbox, zoom=14))
    # ~600 m cells: the five neighbours share one (two if a cell edge happens to run between them).
    assert sum(f["properties"]["count"] for f in coarse["features"]) == 5 and len(coarse["features"]) <= 2
    fine = json.loads(sm.parcel_clusters(actor=officer, organization=org, bbox=bbox, zoom=20))
    assert sum(f["properties"]["count"] for f in fine["features"]) == 5 and len(fine["features"]) == 5
    for zoom in (13, 23):
        with pytest.raises(InvalidInput):
            sm.parcel_clusters(actor=officer, organization=org, bbox=bbox, zoom=zoom)
