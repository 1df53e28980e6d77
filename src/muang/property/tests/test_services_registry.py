"""Owners (national ID check digit), ownerships (shares, 1 January), house registrations, buildings,
condominium units and signboards."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from muang.core.errors import AccessDenied, Conflict, InvalidInput
from muang.core.models import AuditEntry
from muang.core.tests.factories import OrganizationFactory
from muang.property.registry import selectors
from muang.property.registry.services import owners, registry, signboards
from muang.property.tests.factories import (
    BuildingFactory,
    OwnerFactory,
    ParcelFactory,
    actor_for,
    juristic_tax_id,
    national_id,
    wrong_check_digit,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def org(areas):
    return OrganizationFactory()


@pytest.fixture
def admin(org):
    return actor_for(org)


# --- owners ----------------------------------------------------------------------------------------------------


def test_an_individual_is_registered_with_a_normalised_national_id(org, admin):
    nid = national_id(1)
    spaced = f"{nid[0]}-{nid[1:5]}-{nid[5:10]}-{nid[10:12]}-{nid[12]}"
    owner = owners.owner_create(
        actor=admin, organization=org, name="สมหญิง", last_name="รักดี", national_id=spaced
    )
    assert owner.national_id == nid
    assert owner.display_name == "สมหญิง รักดี"


def test_thai_digits_are_accepted():
    thai = national_id(2).translate(str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙"))
    assert owners.owner_values({"name": "ก", "national_id": thai})["national_id"] == national_id(2)


def test_a_wrong_check_digit_is_refused_on_the_field(org, admin):
    with pytest.raises(InvalidInput) as e:
        owners.owner_create(
            actor=admin, organization=org, name="สมหญิง", national_id=wrong_check_digit(national_id(3))
        )
    assert list(e.value.field_errors) == ["national_id"]
    assert "check digit" in e.value.field_errors["national_id"][0]


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"kind": "juristic"}, "tax_id"),
        ({"kind": "juristic", "tax_id": national_id(4)}, "tax_id"),  # an individual's ID, not 0…
        ({"kind": "juristic", "tax_id": wrong_check_digit(juristic_tax_id(5))}, "tax_id"),
        ({"kind": "juristic", "tax_id": juristic_tax_id(5), "national_id": national_id(6)}, "national_id"),
        ({"kind": "juristic", "tax_id": juristic_tax_id(5), "last_name": "x"}, "last_name"),
        ({"kind": "juristic", "tax_id": juristic_tax_id(5), "is_farmer": True}, "is_farmer"),
        ({"tax_id": juristic_tax_id(7)}, "tax_id"),
        ({"kind": "company"}, "kind"),
        ({"name": ""}, "name"),
    ],
)
def test_ids_must_match_the_kind_of_owner(org, admin, kwargs, field):
    with pytest.raises(InvalidInput) as e:
        owners.owner_create(actor=admin, organization=org, **({"name": "บริษัท ก จำกัด"} | kwargs))
    assert field in e.value.field_errors


def test_a_company_has_a_juristic_tax_id(org, admin):
    owner = owners.owner_create(
        actor=admin,
        organization=org,
        kind="juristic",
        title="บริษัท",
        name="ชุมแพค้าไม้ จำกัด",
        tax_id=juristic_tax_id(8),
    )
    assert owner.tax_id == juristic_tax_id(8) and owner.national_id is None


def test_an_id_is_registered_once_per_organisation(org, admin):
    owners.owner_create(actor=admin, organization=org, name="ก", national_id=national_id(9))
    with pytest.raises(InvalidInput) as e:
        owners.owner_create(actor=admin, organization=org, name="ข", national_id=national_id(9))
    assert "national_id" in e.value.field_errors


def test_an_owner_update_is_checked_and_kept_in_the_history(org, admin):
    owner = OwnerFactory(organization=org)
    with pytest.raises(InvalidInput):
        owners.owner_update(actor=admin, owner=owner, data={"national_id": "1234567890123"}, reason="typo")
    owners.owner_update(actor=admin, owner=owner, data={"phone": "0812345678"}, reason="citizen called")
    entry = AuditEntry.objects.get(object_type="property.Owner", action="update")
    assert entry.changes == {"phone": ["", "0812345678"]} and entry.reason == "citizen called"


# --- ownerships ------------------------------------------------------------------------------------------------


def test_shares_may_not_exceed_the_whole(org, admin):
    parcel = ParcelFactory(organization=org)
    a, b, c = (OwnerFactory(organization=org) for _ in range(3))
    start = dt.date(2020, 5, 1)
    owners.ownership_add(
        actor=admin,
        organization=org,
        owner=a,
        parcel=parcel,
        valid_from=start,
        share_numerator=1,
        share_denominator=3,
    )
    owners.ownership_add(
        actor=admin,
        organization=org,
        owner=b,
        parcel=parcel,
        valid_from=start,
        share_numerator=2,
        share_denominator=3,
    )
    with pytest.raises(InvalidInput, match="more than the whole"):
        owners.ownership_add(
            actor=admin, organization=org, owner=c, parcel=parcel, valid_from=dt.date(2024, 1, 1)
        )


def test_a_sale_ends_one_ownership_and_starts_another(org, admin):
    parcel = ParcelFactory(organization=org)
    seller, buyer = OwnerFactory(organization=org), OwnerFactory(organization=org)
    sold = owners.ownership_add(
        actor=admin, organization=org, owner=seller, parcel=parcel, valid_from=dt.date(2015, 1, 1)
    )
    owners.ownership_end(
        actor=admin, ownership=sold, valid_to=dt.date(2024, 6, 15), reason="sold, deed transfer 123/2567"
    )
    owners.ownership_add(
        actor=admin, organization=org, owner=buyer, parcel=parcel, valid_from=dt.date(2024, 6, 15)
    )
    # The taxpayer of a year is whoever holds the parcel on 1 January.
    on_2024 = selectors.ownerships_on(organization=org, day=dt.date(2024, 1, 1)).filter(parcel=parcel)
    on_2025 = selectors.ownerships_on(organization=org, day=dt.date(2025, 1, 1)).filter(parcel=parcel)
    assert [o.owner for o in on_2024] == [seller]
    assert [o.owner for o in on_2025] == [buyer]
    with pytest.raises(Conflict):
        owners.ownership_end(actor=admin, ownership=sold, valid_to=dt.date(2025, 1, 1), reason="again")


def test_an_ownership_ends_after_it_starts(org, admin):
    parcel = ParcelFactory(organization=org)
    ownership = owners.ownership_add(
        actor=admin,
        organization=org,
        owner=OwnerFactory(organization=org),
        parcel=parcel,
        valid_from=dt.date(2020, 1, 1),
    )
    with pytest.raises(InvalidInput) as e:
        owners.ownership_end(actor=admin, ownership=ownership, valid_to=dt.date(2019, 1, 1), reason="x")
    assert "valid_to" in e.value.field_errors


def test_an_ownership_names_exactly_one_property_of_the_same_organisation(org, admin, areas):
    owner = OwnerFactory(organization=org)
    with pytest.raises(InvalidInput):
        owners.ownership_add(actor=admin, organization=org, owner=owner, valid_from=dt.date(2020, 1, 1))
    building = BuildingFactory(parcel=ParcelFactory(organization=org))
    with pytest.raises(InvalidInput):
        owners.ownership_add(
            actor=admin,
            organization=org,
            owner=owner,
            parcel=building.parcel,
            building=building,
            valid_from=dt.date(2020, 1, 1),
        )
    foreign = ParcelFactory(organization=OrganizationFactory())
    with pytest.raises(InvalidInput, match="another organisation"):
        owners.ownership_add(
            actor=admin, organization=org, owner=owner, parcel=foreign, valid_from=dt.date(2020, 1, 1)
        )


def test_house_registration_is_for_people(org, admin):
    building = BuildingFactory(parcel=ParcelFactory(organization=org))
    company = owners.owner_create(
        actor=admin, organization=org, kind="juristic", name="บริษัท", tax_id=juristic_tax_id(1)
    )
    with pytest.raises(InvalidInput):
        owners.house_registration_add(
            actor=admin, organization=org, owner=company, building=building, registered_on=dt.date(2020, 1, 1)
        )
    person = OwnerFactory(organization=org)
    registration = owners.house_registration_add(
        actor=admin, organization=org, owner=person, building=building, registered_on=dt.date(2020, 1, 1)
    )
    owners.house_registration_end(
        actor=admin,
        registration=registration,
        moved_out_on=dt.date(2024, 12, 31),
        reason="moved to Khon Kaen",
    )
    assert not selectors.house_registrations_on(organization=org, day=dt.date(2025, 1, 1)).exists()
    assert selectors.house_registrations_on(organization=org, day=dt.date(2024, 1, 1)).get() == registration


# --- buildings, units ------------------------------------------------------------------------------------------


def test_buildings_are_numbered_on_their_parcel(org, admin):
    parcel = ParcelFactory(organization=org, code="02B010")
    kwargs = {
        "type_code": "100",
        "construction": "masonry",
        "floor_area_m2": Decimal("120"),
        "year_built": 2015,
        "use": "residential",
    }
    first = registry.building_add(actor=admin, parcel=parcel, **kwargs)
    second = registry.building_add(
        actor=admin,
        parcel=parcel,
        **(kwargs | {"use": "mixed", "use_shares": {"residential": 70, "other": 30}}),
    )
    assert (first.code, second.code) == ("02B010/001", "02B010/002")
    assert second.use == "mixed" and second.share_other == 30


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"year_built": 2558}, "year_built"),  # B.E.
        ({"year_built": 2999}, "year_built"),
        ({"floor_area_m2": Decimal(0)}, "floor_area_m2"),
        ({"construction": "steel"}, "construction"),
        ({"type_code": "10"}, "type_code"),
        ({"house_id": "123"}, "house_id"),
    ],
)
def test_bad_building_fields_are_refused(org, admin, kwargs, field):
    parcel = ParcelFactory(organization=org)
    base = {
        "type_code": "100",
        "construction": "masonry",
        "floor_area_m2": Decimal("80"),
        "year_built": 2000,
        "use": "residential",
    }
    with pytest.raises(InvalidInput) as e:
        registry.building_add(actor=admin, parcel=parcel, **(base | kwargs))
    assert field in e.value.field_errors, e.value.field_errors


def test_a_building_update_is_audited(org, admin):
    building = BuildingFactory(parcel=ParcelFactory(organization=org))
    registry.building_update(
        actor=admin,
        building=building,
        data={"use": "other", "floor_area_m2": Decimal("150.5")},
        reason="now a shop",
    )
    entry = AuditEntry.objects.get(object_type="property.Building", action="update")
    assert entry.changes["use"] == ["residential", "other"] and entry.reason == "now a shop"


def test_condominium_units_are_unique_in_their_building(org, admin):
    kwargs = {
        "condominium_code": "12/2560",
        "condominium_name": "ชุมแพคอนโด",
        "unit_number": "305",
        "floor": 3,
        "area_m2": Decimal("32.5"),
    }
    registry.condo_unit_create(actor=admin, organization=org, **kwargs)
    with pytest.raises(InvalidInput):
        registry.condo_unit_create(actor=admin, organization=org, **kwargs)


# --- signboards ------------------------------------------------------------------------------------------------


def test_a_signboard_area_is_width_times_height(org, admin):
    owner = OwnerFactory(organization=org)
    sign = signboards.signboard_create(
        actor=admin,
        organization=org,
        owner=owner,
        sign_type=2,
        width_cm=Decimal("200"),
        height_cm=Decimal("100"),
        installed_on=dt.date(2024, 5, 2),
        message="ร้านข้าวมันไก่ CHICKEN RICE",
    )
    assert sign.area_cm2 == 20000
    updated = signboards.signboard_update(
        actor=admin, signboard=sign, data={"height_cm": Decimal("150")}, reason="measured"
    )
    assert updated.area_cm2 == 30000


def test_a_signboard_on_a_building_stands_on_its_parcel(org, admin):
    building = BuildingFactory(parcel=ParcelFactory(organization=org))
    owner = OwnerFactory(organization=org)
    kwargs = {
        "sign_type": 1,
        "width_cm": Decimal(50),
        "height_cm": Decimal(50),
        "installed_on": dt.date(2024, 1, 1),
    }
    sign = signboards.signboard_create(
        actor=admin, organization=org, owner=owner, building=building, **kwargs
    )
    assert sign.parcel == building.parcel
    with pytest.raises(InvalidInput):
        signboards.signboard_create(
            actor=admin,
            organization=org,
            owner=owner,
            building=building,
            parcel=ParcelFactory(organization=org),
            **kwargs,
        )


def test_a_signboard_photo_must_be_an_image(org, admin):
    sign = signboards.signboard_create(
        actor=admin,
        organization=org,
        owner=OwnerFactory(organization=org),
        sign_type=3,
        width_cm=Decimal(100),
        height_cm=Decimal(100),
        installed_on=dt.date(2024, 1, 1),
    )
    with pytest.raises(InvalidInput):
        signboards.signboard_set_photo(
            actor=admin, signboard=sign, photo=SimpleUploadedFile("x.jpg", b"not an image")
        )
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, "JPEG")
    sign = signboards.signboard_set_photo(
        actor=admin,
        signboard=sign,
        photo=SimpleUploadedFile("p.jpg", buffer.getvalue(), content_type="image/jpeg"),
    )
    assert sign.photo.name.endswith(".jpg")


def test_an_officer_cannot_write_the_registry(org):
    officer = actor_for(org, "officer")
    with pytest.raises(AccessDenied):
        owners.owner_create(actor=officer, organization=org, name="ก")
