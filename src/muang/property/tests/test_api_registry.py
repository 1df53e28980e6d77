"""The registry through the HTTP API: bad input at the edge, the map layer, the parcel card, history,
imports and exports."""

import datetime as dt
import io
import json
import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from muang.core.access import SYSTEM
from muang.core.models import Role
from muang.core.tests.factories import OrganizationFactory, member
from muang.property.registry import selectors
from muang.property.registry.services import owners
from muang.property.tests.factories import (
    BuildingFactory,
    OwnerFactory,
    ParcelFactory,
    SignboardFactory,
    bow_tie,
    inside,
    national_id,
    square,
    wrong_check_digit,
)
from muang.testing.images import assert_clean, bomb_png, jpeg_with_gps, pixel_flood_png

pytestmark = pytest.mark.django_db


@pytest.fixture
def org(areas):
    return OrganizationFactory()


@pytest.fixture
def client(org):
    client = Client()
    client.force_login(member(org, Role.SYSTEM_ADMIN))
    return client


def url(org, rest: str) -> str:
    return f"/api/v1/organizations/{org.slug}/{rest}"


def post(client, path, body):
    return client.post(path, json.dumps(body), content_type="application/json")


def patch(client, path, body):
    return client.patch(path, json.dumps(body), content_type="application/json")


def fields_of(response) -> set[str]:
    assert response["Content-Type"] == "application/problem+json"
    return {e["field"] for e in response.json()["errors"]}


def test_a_national_id_with_a_wrong_check_digit_is_a_422_on_that_field(org, client):
    response = post(
        client, url(org, "owners"), {"name": "สมหญิง", "national_id": wrong_check_digit(national_id(5))}
    )
    assert response.status_code == 422
    assert fields_of(response) == {"national_id"}
    ok = post(client, url(org, "owners"), {"name": "สมหญิง", "national_id": national_id(5)})
    assert ok.status_code == 201 and ok.json()["national_id"] == national_id(5)


def test_a_juristic_tax_id_with_a_wrong_check_digit_is_a_422(org, client):
    body = {"kind": "juristic", "name": "บริษัท ก", "tax_id": wrong_check_digit(national_id(6, first="0"))}
    response = post(client, url(org, "owners"), body)
    assert response.status_code == 422 and fields_of(response) == {"tax_id"}


def test_a_self_intersecting_parcel_is_a_422_on_geometry(org, client):
    response = post(
        client,
        url(org, "parcels"),
        {"code": "01A001", "use": "other", "geometry": json.loads(bow_tie(org).geojson)},
    )
    assert response.status_code == 422 and fields_of(response) == {"geometry"}
    assert "Self-intersection" in response.json()["detail"]


def test_a_parcel_outside_the_organisation_is_a_422(org, client):
    other = OrganizationFactory()
    body = {"code": "01A001", "use": "other", "geometry": json.loads(square(inside(other)).geojson)}
    response = post(client, url(org, "parcels"), body)
    assert response.status_code == 422 and "outside the boundary" in response.json()["detail"]


def test_not_a_geometry_is_a_422(org, client):
    response = post(
        client, url(org, "parcels"), {"code": "01A001", "use": "other", "geometry": {"type": "Polygon"}}
    )
    assert response.status_code == 422 and fields_of(response) == {"geometry"}


def test_create_then_card_then_patch_then_history(org, client):
    body = {
        "code": "01a001",
        "use": "residential",
        "area_rai": 1,
        "area_ngan": 1,
        "area_wah": "12.5",
        "geometry": json.loads(square(inside(org)).geojson),
        "reason": "field survey",
    }
    created = post(client, url(org, "parcels"), body)
    assert created.status_code == 201, created.content
    assert created.json()["code"] == "01A001" and created.json()["area_square_metres"] == "2050.00"
    parcel = selectors.get_parcel_for(actor=SYSTEM, organization=org, code="01A001")
    building = BuildingFactory(parcel=parcel)
    owner = OwnerFactory(organization=org)
    owners.ownership_add(
        actor=SYSTEM, organization=org, owner=owner, parcel=parcel, valid_from=dt.date(2020, 1, 1)
    )
    SignboardFactory(owner=owner, parcel=parcel)

    card = client.get(url(org, "parcels/01A001")).json()
    assert [b["code"] for b in card["buildings"]] == [building.code]
    assert [o["owner"]["id"] for o in card["ownerships"]] == [owner.pk]
    assert len(card["signboards"]) == 1 and card["geometry"]["type"] == "MultiPolygon"
    assert client.get(url(org, "parcels/01A001?as_of=2019-06-01")).json()["ownerships"] == []

    assert patch(client, url(org, "parcels/01A001"), {"note": "x"}).status_code == 422  # no reason
    changed = patch(client, url(org, "parcels/01A001"), {"use": "other", "reason": "became a shop"})
    assert changed.status_code == 200 and changed.json()["use_shares"] == {"other": "100.00"}

    history = client.get(url(org, "parcels/01A001/history")).json()["items"]
    assert [(h["action"], h["object_type"]) for h in history][:1] == [("update", "property.Parcel")]
    assert history[0]["reason"] == "became a shop" and history[0]["changes"]["use"] == [
        "residential",
        "other",
    ]
    kinds = {h["object_type"] for h in history}
    assert {"property.Parcel", "property.Ownership"} <= kinds


def test_the_map_layer_is_geojson_for_a_box_in_one_query(org, client, django_assert_max_num_queries):
    for n in range(3):
        ParcelFactory(organization=org, geometry=square(inside(org, n)))
    ParcelFactory(organization=org, geometry=None, location=inside(org, 5), survey_status="not_surveyed")
    c = org.boundary.centroid
    bbox = f"{c.x - 0.01},{c.y - 0.01},{c.x + 0.01},{c.y + 0.01}"
    client.get(url(org, f"parcels.geojson?bbox={bbox}"))  # warm the session and membership caches
    with django_assert_max_num_queries(5):  # session, user, organisation, membership, the layer
        response = client.get(url(org, f"parcels.geojson?bbox={bbox}"))
    assert response["Content-Type"] == "application/geo+json"
    layer = response.json()
    assert layer["type"] == "FeatureCollection" and layer["truncated"] is False
    assert sorted(f["geometry"]["type"] for f in layer["features"]) == ["MultiPolygon"] * 3 + ["Point"]
    assert set(layer["features"][0]["properties"]) == {
        "code",
        "use",
        "survey_status",
        "area_square_wah",
        "exemption",
    }
    far = client.get(url(org, "parcels.geojson?bbox=100.0,13.0,100.1,13.1")).json()
    assert far["features"] == []


def test_the_map_layer_says_when_it_is_truncated(org):
    for n in range(3):
        ParcelFactory(organization=org, geometry=square(inside(org, n)))
    c = org.boundary.centroid
    text = selectors.parcels_geojson(
        actor=SYSTEM, organization=org, bbox=(c.x - 0.01, c.y - 0.01, c.x + 0.01, c.y + 0.01), limit=2
    )
    layer = json.loads(text)
    assert layer["truncated"] is True and len(layer["features"]) == 2


@pytest.mark.parametrize("bbox", ["1,2,3", "102,16,101,17", "a,b,c,d", "100,13,103,16"])
def test_a_bad_bbox_is_a_422(org, client, bbox):
    response = client.get(url(org, f"parcels.geojson?bbox={bbox}"))
    assert response.status_code == 422 and fields_of(response) == {"bbox"}


def test_the_list_filters_by_box_and_code(org, client):
    ParcelFactory(organization=org, code="01A001", geometry=square(inside(org, 0)))
    ParcelFactory(organization=org, code="02A001", geometry=square(inside(org, 399)))
    c = inside(org, 0)
    box = f"{c.x - 0.001},{c.y - 0.001},{c.x + 0.001},{c.y + 0.001}"
    assert [p["code"] for p in client.get(url(org, f"parcels?bbox={box}")).json()["items"]] == ["01A001"]
    assert [p["code"] for p in client.get(url(org, "parcels?q=02")).json()["items"]] == ["02A001"]
    assert client.get(url(org, "parcels?zone=01")).json()["count"] == 1


def test_import_over_http_dry_run_then_commit(org, client):
    rows = f'code,use,wkt\n01A001,other,"{square(inside(org, 1)).wkt}"\nbad,other,\n'
    dry = client.post(url(org, "parcel-imports"), {"file": SimpleUploadedFile("p.csv", rows.encode())})
    assert dry.status_code == 200
    report = dry.json()
    assert (report["dry_run"], report["accepted"], report["rejected_rows"]) == (True, 1, 1)
    assert report["rejected"][0]["row"] == 2 and report["rejected"][0]["field"] == "code"
    refused = client.post(
        url(org, "parcel-imports"),
        {"file": SimpleUploadedFile("p.csv", rows.encode()), "dry_run": "false", "reason": "x"},
    )
    assert refused.status_code == 422 and "rows.2.code" in fields_of(refused)
    done = client.post(
        url(org, "parcel-imports"),
        {
            "file": SimpleUploadedFile("p.csv", rows.encode()),
            "dry_run": "false",
            "skip_rejected": "true",
            "reason": "LTAX",
        },
    )
    assert done.status_code == 200 and done.json()["imported"] == 1


def test_exports_open_as_geojson_and_excel(org, client):
    from openpyxl import load_workbook

    parcel = ParcelFactory(organization=org)
    BuildingFactory(parcel=parcel)
    OwnerFactory(organization=org)
    response = client.get(url(org, "registry.geojson"))
    layer = json.loads(b"".join(response.streaming_content))
    assert [f["properties"]["code"] for f in layer["features"]] == [parcel.code]
    assert "national_id" not in json.dumps(layer)
    response = client.get(url(org, "registry.xlsx"))
    assert response["Content-Disposition"].endswith('registry.xlsx"')
    workbook = load_workbook(io.BytesIO(response.content), read_only=True)
    assert workbook.sheetnames == [
        "Parcels",
        "Buildings",
        "Condo units",
        "Owners",
        "Ownerships",
        "House registrations",
        "Signboards",
    ]
    parcels = list(workbook["Parcels"].iter_rows(values_only=True))
    assert parcels[0][0] == "Parcel code" and parcels[1][0] == parcel.code
    assert len(list(workbook["Owners"].iter_rows())) == 2


def test_another_organisations_rows_are_not_found(org, client, areas):
    other = OrganizationFactory()
    foreign = OwnerFactory(organization=other)
    assert client.get(url(org, f"owners/{foreign.pk}")).status_code == 404
    ParcelFactory(organization=other, code="09Z999")
    assert client.get(url(org, "parcels/09Z999")).status_code == 404


def test_tax_year_over_http(org, client):
    assert post(client, url(org, "tax-years"), {"year": 2568}).status_code == 422  # B.E.
    created = post(client, url(org, "tax-years"), {"year": 2025})
    assert created.status_code == 201
    year = created.json()
    assert year["year_be"] == 2568 and year["rate_schedules"]["residence_main_home"][0] == {
        "upper": "25000000",
        "rate_percent": "0.03",
    }
    bad = patch(client, url(org, "tax-years/2025"), {"reduction_percent": "95", "reason": "decree"})
    assert bad.status_code == 422
    ok = patch(client, url(org, "tax-years/2025"), {"reduction_percent": "15", "reason": "royal decree 2566"})
    assert ok.status_code == 200 and ok.json()["reduction_percent"] == "15.00"


# --- signboard photos ----------------------------------------------------------------------------------------


def send_photo(client, org, sign, data: bytes, name: str = "sign.jpg"):
    photo = SimpleUploadedFile(name, data, content_type="image/jpeg")
    return client.post(url(org, f"signboards/{sign.pk}/photo"), {"photo": photo, "reason": "survey"})


def test_a_signboard_photo_is_stored_privately_without_gps_or_trailing_bytes(org, client, settings):
    sign = SignboardFactory(organization=org, owner=OwnerFactory(organization=org))
    response = send_photo(client, org, sign, jpeg_with_gps(), name=f"sign-{sign.pk}.jpg")
    assert response.status_code == 200, response.content
    sign.refresh_from_db()
    # Not signboards/YYYY/MM/sign-<id>.jpg under the public media: a random name in the private storage.
    assert re.fullmatch(rf"signboards/{org.pk}/[A-Za-z0-9_-]{{22}}\.jpg", sign.photo.name)
    assert f"sign-{sign.pk}" not in sign.photo.name
    assert Path(sign.photo.path).is_relative_to(settings.MUANG_PRIVATE_ROOT)
    assert_clean(sign.photo.read())
    assert response.json()["photo"] == f"/files/{sign.photo.name}"

    served = client.get(response.json()["photo"])
    assert served.status_code == 200 and served["Cache-Control"] == "private, no-store"
    assert served["Content-Disposition"] == f'inline; filename="{Path(sign.photo.name).name}"'
    other = Client()
    other.force_login(member(OrganizationFactory(), Role.SYSTEM_ADMIN))
    assert other.get(response.json()["photo"]).status_code == 403
    assert Client().get(response.json()["photo"]).status_code == 403
    assert Client().get(f"/media/{sign.photo.name}").status_code == 404


@pytest.mark.parametrize(
    "data, message",
    [
        (pixel_flood_png(7000), "too many pixels (49 megapixels"),
        (bomb_png(), "too many pixels"),  # Pillow's own DecompressionBombError: a 500 before
        (b"GIF89a not an image", "not a photo"),
    ],
    ids=["pixel-flood", "decompression-bomb", "not-an-image"],
)
def test_a_refused_signboard_photo_is_a_422_naming_the_field(org, client, data, message):
    sign = SignboardFactory(organization=org, owner=OwnerFactory(organization=org))
    response = send_photo(client, org, sign, data)
    assert response.status_code == 422 and fields_of(response) == {"photo"}
    assert message in response.json()["errors"][0]["message"]
    sign.refresh_from_db()
    assert not sign.photo
