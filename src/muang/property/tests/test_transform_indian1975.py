"""Land Office coordinates in EPSG:24047 (Indian 1975 / UTM zone 47N) land where they should in WGS84.

The expectation is computed independently of GDAL/PROJ, by hand below: the inverse transverse Mercator
(Krüger series as in IOGP Guidance Note 7-2, §3.5.3) on the Everest 1830 (1937 Adjustment) ellipsoid, then
geodetic → geocentric, the 7-parameter Helmert transformation EPSG:1812 "Indian 1975 to WGS 84 (4)"
(position vector: tX 293, tY 836, tZ 318 m; rX 0.5", rY 1.6", rZ −2.8"; +2.1 ppm; Thailand onshore,
3 m accuracy, the one PROJ chooses there), and geocentric → geodetic on WGS 84. As a cross-check the same
points were transformed with pyproj 3.7.2 (bundling PROJ 9.5.1, a different build and EPSG database from
the system's GDAL 3.6 / PROJ 9.1): the results are the PYPROJ constants below, which agree with the hand
computation to well under a centimetre. Without the datum shift a point moves by about 600 m.
"""

import json
import math
import random

import pytest
from django.contrib.gis.gdal import CoordTransform, SpatialReference
from django.contrib.gis.geos import Point

from muang.core.access import SYSTEM
from muang.core.demo import synthetic_boundary
from muang.core.tests.factories import OrganizationFactory
from muang.property.models import Parcel
from muang.property.registry.services.geometry import Reprojector
from muang.property.registry.services.imports import parcel_import

EVEREST_1937 = (6377276.345, 1 / 300.8017)
WGS84 = (6378137.0, 1 / 298.257223563)
HELMERT_1812 = {"t": (293.0, 836.0, 318.0), "r_arcsec": (0.5, 1.6, -2.8), "s_ppm": 2.1}
UTM47 = {"lon0": 99.0, "k0": 0.9996, "fe": 500_000.0, "fn": 0.0}

# (easting, northing) in EPSG:24047 → (lon, lat) by pyproj 3.7.2 / PROJ 9.5.1 (always_xy).
PYPROJ = {
    (662_000.0, 1_520_000.0): (100.493597861, 13.747962225),  # Bangkok
    (820_000.0, 1_830_000.0): (101.992996963, 16.533753105),  # Chum Phae, Khon Kaen
}


def inverse_utm(easting: float, northing: float, ellipsoid=EVEREST_1937, zone=UTM47) -> tuple[float, float]:
    a, f = ellipsoid
    n = f / (2 - f)
    e = math.sqrt(f * (2 - f))
    b = a / (1 + n) * (1 + n**2 / 4 + n**4 / 64)
    h = (
        n / 2 - 2 * n**2 / 3 + 37 * n**3 / 96 - n**4 / 360,
        n**2 / 48 + n**3 / 15 - 437 * n**4 / 1440,
        17 * n**3 / 480 - 37 * n**4 / 840,
        4397 * n**4 / 161280,
    )
    eta = (easting - zone["fe"]) / (b * zone["k0"])
    xi = (northing - zone["fn"]) / (b * zone["k0"])  # latitude of origin 0: M0 = 0
    xi0 = xi - sum(h[i] * math.sin(2 * (i + 1) * xi) * math.cosh(2 * (i + 1) * eta) for i in range(4))
    eta0 = eta - sum(h[i] * math.cos(2 * (i + 1) * xi) * math.sinh(2 * (i + 1) * eta) for i in range(4))
    beta = math.asin(math.sin(xi0) / math.cosh(eta0))
    q = math.asinh(math.tan(beta))
    q2 = q
    for _ in range(20):
        q2 = q + e * math.atanh(e * math.tanh(q2))
    lat = math.atan(math.sinh(q2))
    lon = math.radians(zone["lon0"]) + math.asin(math.tanh(eta0) / math.cos(beta))
    return math.degrees(lon), math.degrees(lat)


def to_geocentric(lon: float, lat: float, ellipsoid) -> tuple[float, float, float]:
    a, f = ellipsoid
    e2 = f * (2 - f)
    phi, lam = math.radians(lat), math.radians(lon)
    nu = a / math.sqrt(1 - e2 * math.sin(phi) ** 2)
    return (
        nu * math.cos(phi) * math.cos(lam),
        nu * math.cos(phi) * math.sin(lam),
        (1 - e2) * nu * math.sin(phi),
    )


def helmert_position_vector(x: float, y: float, z: float, p=HELMERT_1812) -> tuple[float, float, float]:
    tx, ty, tz = p["t"]
    rx, ry, rz = (math.radians(r / 3600) for r in p["r_arcsec"])
    m = 1 + p["s_ppm"] * 1e-6
    return (
        tx + m * (x - rz * y + ry * z),
        ty + m * (rz * x + y - rx * z),
        tz + m * (-ry * x + rx * y + z),
    )


def to_geodetic(x: float, y: float, z: float, ellipsoid) -> tuple[float, float]:
    a, f = ellipsoid
    e2 = f * (2 - f)
    p = math.hypot(x, y)
    lat = math.atan2(z, p * (1 - e2))
    for _ in range(10):
        nu = a / math.sqrt(1 - e2 * math.sin(lat) ** 2)
        lat = math.atan2(z + e2 * nu * math.sin(lat), p)
    return math.degrees(math.atan2(y, x)), math.degrees(lat)


def expected_wgs84(easting: float, northing: float) -> tuple[float, float]:
    lon, lat = inverse_utm(easting, northing)
    return to_geodetic(*helmert_position_vector(*to_geocentric(lon, lat, EVEREST_1937)), WGS84)


def metres_between(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat = math.radians((a[1] + b[1]) / 2)
    dx = (a[0] - b[0]) * 111_320 * math.cos(lat)
    dy = (a[1] - b[1]) * 110_574
    return math.hypot(dx, dy)


@pytest.mark.parametrize(("easting", "northing"), list(PYPROJ))
def test_hand_computation_agrees_with_pyproj(easting, northing):
    assert metres_between(expected_wgs84(easting, northing), PYPROJ[(easting, northing)]) < 0.01


@pytest.mark.parametrize(("easting", "northing"), list(PYPROJ))
def test_reprojector_applies_the_indian_1975_datum_shift(easting, northing):
    # Given a Land Office coordinate in EPSG:24047
    point = Point(easting, northing)
    # When Muang reprojects it
    Reprojector(24047)(point)
    # Then it lands within a metre of the independent computation
    assert point.srid == 4326
    assert metres_between(point.coords, expected_wgs84(easting, northing)) < 1.0
    # and far from where a datum-less conversion (same ellipsoid, no shift) would put it
    no_shift = Point(easting, northing)
    no_shift.transform(
        CoordTransform(
            SpatialReference("+proj=utm +zone=47 +ellps=evrst30 +units=m +no_defs"), SpatialReference(4326)
        )
    )
    assert 400 < metres_between(point.coords, no_shift.coords) < 800


def test_esri_prj_of_a_shapefile_gets_the_same_shift():
    """Shapefiles carry ESRI WKT (no TOWGS84); GDAL must still recognise the datum and shift it."""
    esri = (
        'PROJCS["Indian_1975_UTM_Zone_47N",GEOGCS["GCS_Indian_1975",DATUM["D_Indian_1975",'
        'SPHEROID["Everest_Adjustment_1937",6377276.345,300.8017]],PRIMEM["Greenwich",0.0],'
        'UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",500000.0],'
        'PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",99.0],PARAMETER["Scale_Factor",0.9996],'
        'PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]'
    )
    point = Point(820_000.0, 1_830_000.0)
    point.transform(CoordTransform(SpatialReference(esri), SpatialReference(4326)))
    assert metres_between(point.coords, expected_wgs84(820_000.0, 1_830_000.0)) < 1.0


@pytest.mark.django_db
def test_land_office_geojson_in_epsg_24047_is_imported_in_place(areas):
    # Given an organisation around Chum Phae and a Land Office file in EPSG:24047 (legacy GeoJSON "crs")
    easting, northing = 820_000.0, 1_830_000.0
    lon, lat = expected_wgs84(easting, northing)
    organization = OrganizationFactory(boundary=synthetic_boundary((lat, lon), 1.5, random.Random(7)))
    d = 15.0  # a 30 m × 30 m parcel centred on the control point
    ring = [
        [easting - d, northing - d],
        [easting + d, northing - d],
        [easting + d, northing + d],
        [easting - d, northing + d],
        [easting - d, northing - d],
    ]
    document = {
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::24047"}},
        "features": [
            {
                "type": "Feature",
                "properties": {
                    "code": "01A001",
                    "เลขโฉนด": "12345",
                    "ไร่": 0,
                    "งาน": 2,
                    "วา": 25,
                    "use": "other",
                },
                "geometry": {"type": "Polygon", "coordinates": [ring]},
            }
        ],
    }
    # When it is imported
    report = parcel_import(
        actor=SYSTEM,
        organization=organization,
        data=json.dumps(document).encode(),
        filename="land-office.geojson",
        dry_run=False,
        reason="Land Office transfer file",
    )
    # Then the parcel lies where the independent computation puts it, within a metre
    assert report.source_srid == 24047 and report.imported == 1, report.rejected
    parcel = Parcel.objects.get(organization=organization, code="01A001")
    assert metres_between(parcel.geometry.centroid.coords, (lon, lat)) < 1.0
    assert parcel.deed_number == "12345" and parcel.area_square_wah == 225
