"""Parcel import: every rejected row reported with its reason; nothing half-imported; every row traceable."""

import io
import json
import shutil
import subprocess
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.gis.geos import Point

from muang.core.errors import AccessDenied, InvalidInput
from muang.core.models import AuditEntry
from muang.core.tests.factories import OrganizationFactory
from muang.property.models import ImportBatch, Parcel
from muang.property.registry.services.imports import parcel_import
from muang.property.tests.factories import ParcelFactory, actor_for, bow_tie, inside, square

pytestmark = pytest.mark.django_db


@pytest.fixture
def org(areas):
    return OrganizationFactory()


@pytest.fixture
def admin(org):
    return actor_for(org)


def feature(code, geometry, **properties):
    return {
        "type": "Feature",
        "properties": {"code": code, "use": "residential", **properties},
        "geometry": None if geometry is None else json.loads(geometry.geojson),
    }


def geojson(*features) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": list(features)}).encode()


@pytest.fixture
def broken_file(org):
    """Two good rows and one of each kind of bad row."""
    other = OrganizationFactory()
    return geojson(
        feature("01A001", square(inside(org, 1)), rai=1, ngan=2, wah=30),  # 1: good
        feature("01A002", square(inside(org, 2))),  # 2: good
        feature("1A003", square(inside(org, 3))),  # 3: bad code
        feature("01A004", bow_tie(org)),  # 4: self-intersecting
        feature("01A005", square(inside(other, 5))),  # 5: outside the organisation
        feature("01A001", square(inside(org, 6))),  # 6: duplicate of row 1
        feature("01A007", square(inside(org, 7)), ngan=5),  # 7: 5 ngan
        feature("01A008", square(inside(org, 8)), use=""),  # 8: no use
        feature(
            "01A009", square(inside(org, 9)), use="mixed", share_residential=50, share_other=40
        ),  # 9: 90%
        {
            "type": "Feature",
            "properties": {"code": "01A010", "use": "other"},
            "geometry": {"type": "Polygon"},
        },  # 10
        feature("01B099", square(inside(org, 11))),  # 11: already in the registry
    )


def test_the_dry_run_reports_every_rejected_row_and_why(org, admin, broken_file):
    ParcelFactory(organization=org, code="01B099", geometry=square(inside(org, 12)))
    report = parcel_import(actor=admin, organization=org, data=broken_file, filename="survey.geojson")
    reasons = {r.row: (r.field, r.message) for r in report.rejected}
    assert (report.rows_total, report.accepted, report.rejected_rows) == (11, 2, 9)
    assert reasons[3][0] == "code"
    assert reasons[4][0] == "geometry" and "Self-intersection" in reasons[4][1]
    assert reasons[5][0] == "geometry" and "outside the boundary" in reasons[5][1]
    assert reasons[6] == ("code", "Duplicate of row 1.")
    assert reasons[7][0] == "area_ngan"
    assert reasons[8][0] == "use"
    assert reasons[9][0] == "use_shares" and "90" in reasons[9][1]
    assert reasons[10][0] == "geometry"
    assert reasons[11][0] == "code" and "already in the registry" in reasons[11][1]
    assert Parcel.objects.filter(organization=org).count() == 1  # only the one made above
    assert not ImportBatch.objects.exists()


def test_an_import_with_rejected_rows_imports_nothing(org, admin, broken_file):
    before = AuditEntry.objects.count()
    with pytest.raises(InvalidInput) as e:
        parcel_import(
            actor=admin,
            organization=org,
            data=broken_file,
            filename="survey.geojson",
            dry_run=False,
            reason="survey",
        )
    assert "rows.4.geometry" in e.value.field_errors
    assert not Parcel.objects.exists() and not ImportBatch.objects.exists()
    assert AuditEntry.objects.count() == before


def test_skip_rejected_imports_the_good_rows_each_traceable(org, admin, broken_file):
    ParcelFactory(organization=org, code="01B099", geometry=square(inside(org, 12)))
    report = parcel_import(
        actor=admin,
        organization=org,
        data=broken_file,
        filename="survey.geojson",
        dry_run=False,
        skip_rejected=True,
        reason="field survey zone 01",
    )
    assert report.imported == 2
    batch = ImportBatch.objects.get(pk=report.batch_id)
    assert (batch.rows_total, batch.rows_imported, batch.rows_skipped, batch.actor_user) == (
        11,
        2,
        9,
        admin.user,
    )
    parcels = Parcel.objects.filter(organization=org, import_batch=batch).order_by("code")
    assert [p.code for p in parcels] == ["01A001", "01A002"]
    assert parcels[0].area_square_wah == 630 and parcels[0].import_batch == batch
    for parcel in parcels:
        entry = AuditEntry.objects.get(object_type="property.Parcel", object_id=str(parcel.pk))
        assert entry.actor_user == admin.user
        assert entry.reason == f"field survey zone 01 (import {batch.pk}: survey.geojson)"
    assert AuditEntry.objects.filter(object_type="property.ImportBatch", object_id=str(batch.pk)).exists()


def test_a_real_import_needs_a_reason_and_the_permission(org, broken_file):
    with pytest.raises(InvalidInput):
        parcel_import(
            actor=actor_for(org), organization=org, data=broken_file, filename="s.geojson", dry_run=False
        )
    with pytest.raises(AccessDenied):
        parcel_import(
            actor=actor_for(org, "officer"), organization=org, data=broken_file, filename="s.geojson"
        )


def test_csv_with_wkt_and_lat_lon_and_square_metres(org, admin):
    pin = inside(org, 30)
    rows = [
        "code,deed_no,area_m2,land_use,wkt,lat,lon",
        f'02C001,111,1600,agricultural,"{square(inside(org, 20)).wkt}",,',
        f"02C002,112,2000.5,vacant,,{pin.y},{pin.x}",
        "02C003,113,10,residential,POLYGON((0 0,1 1),,",
    ]
    data = "\n".join(rows).encode()
    report = parcel_import(
        actor=admin,
        organization=org,
        data=data,
        filename="ltax.csv",
        dry_run=False,
        skip_rejected=True,
        reason="LTAX re-keyed",
    )
    assert report.imported == 2 and [r.row for r in report.rejected] == [3]
    a, b = Parcel.objects.order_by("code")
    assert (a.area_rai, a.area_ngan, a.area_wah, a.use, a.deed_number) == (1, 0, 0, "agricultural", "111")
    assert b.geometry is None and b.survey_status == "not_surveyed"
    assert b.location.distance(Point(pin.x, pin.y, srid=4326)) < 1e-9
    # 2000.5 m² = 500.125 square wah: kept as 1-1-0.13 (deeds go to 1/100 wah at most), so 2000.52 m²
    assert (b.area_rai, b.area_ngan, b.area_wah, b.area_square_metres) == (
        1,
        1,
        Decimal("0.13"),
        Decimal("2000.52"),
    )


def test_excel_rows_are_read_like_csv(org, admin):
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append(["รหัสแปลง", "ไร่", "งาน", "ตารางวา", "การใช้ประโยชน์", "wkt"])
    workbook.active.append(["03D001", 2, 1, 45.5, "other", square(inside(org, 40)).wkt])
    out = io.BytesIO()
    workbook.save(out)
    report = parcel_import(actor=admin, organization=org, data=out.getvalue(), filename="survey.xlsx")
    assert report.accepted == 1 and not report.rejected


def test_unsupported_or_broken_files_are_refused(org, admin):
    for data, name in ((b"{}", "a.geojson"), (b"not json", "a.json"), (b"x", "a.kml"), (b"PK", "a.zip")):
        with pytest.raises(InvalidInput):
            parcel_import(actor=admin, organization=org, data=data, filename=name)


def test_an_unknown_srid_is_refused_on_its_field(org, admin):
    with pytest.raises(InvalidInput) as e:
        parcel_import(actor=admin, organization=org, data=geojson(), filename="a.geojson", srid=999999)
    assert "srid" in e.value.field_errors


# --- zipped Shapefile ------------------------------------------------------------------------------------------

needs_ogr2ogr = pytest.mark.skipif(
    shutil.which("ogr2ogr") is None, reason="needs gdal-bin (scripts/setup.sh)"
)


def shapefile_zip(
    tmp_path: Path, features: bytes, source_srid: int = 4326, target_srid: int = 24047
) -> bytes:
    """A zipped Shapefile made by GDAL's ogr2ogr, reprojected to `target_srid` (its .prj says so)."""
    source = tmp_path / "in.geojson"
    source.write_bytes(features)
    out = tmp_path / "shp"
    out.mkdir()
    subprocess.run(  # noqa: S603 (fixed arguments, test only)
        [
            shutil.which("ogr2ogr"),
            "-f",
            "ESRI Shapefile",
            "-s_srs",
            f"EPSG:{source_srid}",
            "-t_srs",
            f"EPSG:{target_srid}",
            "-lco",
            "ENCODING=UTF-8",
            str(out / "parcels.shp"),
            str(source),
        ],
        check=True,
        capture_output=True,
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in out.iterdir():
            archive.write(path, f"export/{path.name}")
    return buffer.getvalue()


@needs_ogr2ogr
def test_a_zipped_shapefile_in_indian_1975_comes_back_in_place(org, admin, tmp_path):
    # Given parcels drawn in WGS84, written by GDAL into a Land Office-style Shapefile in EPSG:24047
    squares = [square(inside(org, n)) for n in (50, 51)]
    data = shapefile_zip(
        tmp_path,
        geojson(
            feature("04E001", squares[0], address="บ้านหนองไผ่"), feature("04E002", squares[1], use="other")
        ),
    )
    # When it is imported
    report = parcel_import(
        actor=admin, organization=org, data=data, filename="landoffice.zip", dry_run=False, reason="LO"
    )
    # Then each parcel lies where it was drawn (the round trip goes through the datum shift both ways)
    assert report.source_srid == 24047 and report.imported == 2, report.rejected
    for parcel, drawn in zip(Parcel.objects.order_by("code"), squares, strict=True):
        assert parcel.geometry.centroid.distance(drawn.centroid) < 1e-6  # degrees: about 10 cm
    assert Parcel.objects.get(code="04E001").address == "บ้านหนองไผ่"


@needs_ogr2ogr
def test_a_shapefile_row_with_a_broken_geometry_is_reported(org, admin, tmp_path):
    data = shapefile_zip(
        tmp_path,
        geojson(feature("05F001", square(inside(org, 60))), feature("05F002", bow_tie(org))),
        target_srid=4326,
    )
    report = parcel_import(actor=admin, organization=org, data=data, filename="s.zip")
    assert report.accepted == 1 and [(r.row, r.field) for r in report.rejected] == [(2, "geometry")]


def test_a_zip_cannot_write_outside_its_folder(org, admin):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("../../evil.shp", b"x")
    with pytest.raises(InvalidInput):  # unreadable, and written (if at all) only inside the temp folder
        parcel_import(actor=admin, organization=org, data=buffer.getvalue(), filename="evil.zip")
    assert not Path("/tmp/evil.shp").exists()  # noqa: S108
