"""The demo publishes every dataset of every demo local government, and nothing in any of them is personal: a
walk over every published file (CSV and GeoJSON) fails on a column that names personal data, a value that looks
like a national ID, phone number, LINE id or e-mail, or a value that is the name of any person Muang knows
(citizens, reporters' contact names, property owners, staff). Sensitive reports keep their blurred place."""

import csv
import io
import json

import pytest

from muang.cases.models import Case
from muang.core.demo import load_demo
from muang.core.models import Citizen, User
from muang.environment.demo import load_demo_environment
from muang.iot.demo import load_demo_iot
from muang.lighting.demo import load_demo_lighting
from muang.opendata.demo import load_demo_opendata
from muang.opendata.models import Distribution, Publication
from muang.opendata.personal import PERSONAL_HEADER_WORDS, personal_value_kind
from muang.property.demo import load_demo_property
from muang.property.models import Owner
from muang.reports.demo import load_demo_reports

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("areas")]


def people_names() -> set[str]:
    names: set[str] = set()
    for o in Owner.objects.all():
        names |= {f"{o.name} {o.last_name}".strip(), f"{o.title}{o.name} {o.last_name}".strip(), o.address}
        if o.last_name:
            names |= {o.name, o.last_name}
    names |= set(Citizen.objects.values_list("display_name", flat=True))
    names |= set(Case.objects.values_list("contact_name", flat=True))
    names |= set(Case.objects.values_list("address", flat=True))
    names |= set(Case.objects.values_list("description", flat=True))
    for u in User.objects.all():
        names |= {u.first_name, u.last_name, f"{u.first_name} {u.last_name}".strip()}
    return {n.strip() for n in names if n and len(n.strip()) >= 2}


@pytest.fixture
def demo(tmp_path):
    load_demo()
    load_demo_property(parcels_per_org=20)
    load_demo_reports(n=60)
    load_demo_iot(path=tmp_path / "iot.json", broker_dir=tmp_path / "mqtt")
    load_demo_lighting()
    load_demo_environment()
    created = load_demo_opendata()
    assert created > 0 and load_demo_opendata() == 0


def test_no_published_dataset_of_the_demo_holds_personal_data(demo):
    """(Also: a report of a sensitive category is published at the public map's blurred point.)"""
    names = people_names()
    publications = list(Publication.objects.filter(is_published=True))
    assert {p.dataset for p in publications} == {
        "property.parcels",
        "reports.cases",
        "lighting.streetlights",
        "environment.air_quality",
        "environment.water_levels",
        "kpi.values",
    }
    walked = 0
    for publication in publications:
        assert publication.refresh_error == "", (publication.name, publication.refresh_error)
        files = {d.format: bytes(d.content) for d in Distribution.objects.filter(publication=publication)}
        rows = list(csv.reader(io.StringIO(files["csv"].decode("utf-8-sig"))))
        header, body = rows[0], rows[1:]
        assert len(body) == publication.row_count
        for column in header:
            words = set(column.lower().split("_"))
            assert not words & PERSONAL_HEADER_WORDS, (publication.name, column)
        features = json.loads(files["geojson"])["features"]
        values = [v for row in body for v in row]
        values += [str(v) for f in features for v in f["properties"].values() if v is not None]
        for value in values:
            assert personal_value_kind(value) == "", (publication.name, value)
            assert value.strip() not in names, (publication.name, value)
        walked += len(body)
    assert walked > 100
    assert sensitive_reports_keep_their_blurred_place() > 0


def sensitive_reports_keep_their_blurred_place() -> int:
    from muang.reports.selectors import public_point

    checked = 0
    for publication in Publication.objects.filter(dataset="reports.cases"):
        geojson = bytes(Distribution.objects.get(publication=publication, format="geojson").content)
        features = json.loads(geojson)["features"]
        by_code = {f["properties"]["tracking_code"]: f["geometry"]["coordinates"] for f in features}
        cases = Case.objects.filter(
            organization=publication.organization,
            category__is_sensitive=True,
            location__isnull=False,
            duplicate_of__isnull=True,
        )
        for case in cases:
            lon, lat = by_code[case.tracking_code]
            expected = public_point(case.pk, case.location.x, case.location.y, sensitive=True)
            assert (lon, lat) != (round(case.location.x, 6), round(case.location.y, 6))
            assert abs(lon - expected[0]) < 1e-6 and abs(lat - expected[1]) < 1e-6
            checked += 1
    return checked
