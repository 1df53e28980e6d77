"""Publishing a dataset: the files are built at once (CSV, GeoJSON, Excel), described with the Thai government
catalogue's fields; a dataset that would publish personal data is refused with nothing written; withdrawing
removes it; only the organisation's executive (or a system administrator) may do it; every write is audited."""

import csv
import io
import json

import pytest
from openpyxl import load_workbook

from muang.core.contract import DatasetColumn, OpenDataset
from muang.core.errors import AccessDenied, Conflict, InvalidInput, NotFound
from muang.core.models import AuditEntry
from muang.opendata import services
from muang.opendata.models import Distribution, Publication
from muang.opendata.personal import personal_columns, personal_value_kind
from muang.opendata.services import Description, PersonalDataRefused, dataset_withdraw
from muang.opendata.tests.conftest import NOW, a_case, publish

pytestmark = pytest.mark.django_db


def files(publication) -> dict[str, bytes]:
    return {d.format: bytes(d.content) for d in Distribution.objects.filter(publication=publication)}


def test_publishing_the_lights_builds_three_files_with_every_pole(lit):
    publication = publish(lit)
    assert publication.name == f"{lit.org.slug}-lighting-streetlights"
    assert publication.row_count == 3 and publication.refreshed_at == NOW and publication.refresh_error == ""
    assert publication.data_type == "geospatial" and publication.frequency == "daily"
    out = files(publication)
    assert set(out) == {"csv", "geojson", "xlsx"}

    rows = list(csv.DictReader(io.StringIO(out["csv"].decode("utf-8-sig"))))
    assert [r["pole_code"] for r in rows] == ["P-0000", "P-0001", "P-0002"]
    assert rows[0]["status"] == "ok" and rows[0]["rated_watts"] == "100" and float(rows[0]["longitude"]) > 0

    collection = json.loads(out["geojson"])
    assert collection["type"] == "FeatureCollection" and len(collection["features"]) == 3
    feature = collection["features"][0]
    assert feature["geometry"]["type"] == "Point" and feature["properties"]["pole_code"] == "P-0000"
    assert "longitude" not in feature["properties"]

    sheet = load_workbook(io.BytesIO(out["xlsx"])).active
    values = list(sheet.values)
    assert values[0][:2] == ("pole_code", "status") and len(values) == 4

    d = Distribution.objects.get(publication=publication, format="csv")
    assert d.byte_size == len(out["csv"]) and len(d.sha256) == 64
    assert AuditEntry.objects.filter(object_type="opendata.Publication", action="create").count() == 1


def test_publishing_again_describes_and_refreshes_without_a_second_publication(lit):
    publish(lit)
    d = Description(
        title="เสาไฟฟ้าส่องสว่าง",
        description="ทุกเสา",
        data_type="geospatial",
        objective="analysis",
        frequency="weekly",
        geo_coverage="subdistrict",
        source="กองช่าง",
        keywords="ไฟ, เสา",
    )
    publication = publish(lit, description=d)
    assert Publication.objects.filter(organization=lit.org).count() == 1
    assert publication.title == "เสาไฟฟ้าส่องสว่าง" and publication.keyword_list == ["ไฟ", "เสา"]
    assert AuditEntry.objects.filter(object_type="opendata.Publication", action="update").count() == 1


def test_a_bad_description_names_its_field_and_writes_nothing(lit):
    bad = Description(
        title="",
        description="x",
        data_type="secret",
        objective="public_service",
        frequency="daily",
        geo_coverage="local",
        source="x",
        contact_email="not an e-mail",
    )
    with pytest.raises(InvalidInput) as refused:
        publish(lit, description=bad)
    assert set(refused.value.field_errors) == {"title", "data_type", "contact_email"}
    assert not Publication.objects.exists() and not Distribution.objects.exists()


def test_only_the_executive_or_the_administrator_publishes(lit, other_town):
    with pytest.raises(AccessDenied):
        services.dataset_publish(actor=lit.town.head, organization=lit.org, code="lighting.streetlights")
    with pytest.raises(AccessDenied):
        services.dataset_publish(
            actor=other_town.executive, organization=lit.org, code="lighting.streetlights"
        )
    services.dataset_publish(actor=lit.town.admin, organization=lit.org, code="lighting.streetlights")
    with pytest.raises(NotFound):
        publish(lit, code="nosuch.dataset")


def test_withdrawing_removes_the_files_and_a_second_withdrawal_conflicts(lit):
    publication = publish(lit)
    dataset_withdraw(actor=lit.town.executive, organization=lit.org, code="lighting.streetlights")
    publication.refresh_from_db()
    assert not publication.is_published and not Distribution.objects.exists()
    with pytest.raises(Conflict):
        dataset_withdraw(actor=lit.town.executive, organization=lit.org, code="lighting.streetlights")
    publish(lit)
    publication.refresh_from_db()
    assert publication.is_published and Distribution.objects.count() == 3


# --- personal data --------------------------------------------------------------------------------------------

PEOPLE = OpenDataset(
    code="test.people",
    title="people",
    description="people",
    from_sql="cases_case c",
    tenant_sql="c.organization_id = %(org)s",
    order_sql="c.id",
    columns=(
        DatasetColumn("code", "c.tracking_code", "code"),
        DatasetColumn("who", "c.contact_phone", "who"),
    ),
)


@pytest.mark.parametrize(
    ("column", "refused"),
    [
        (DatasetColumn("owner_name", "p.x", "x"), True),
        (DatasetColumn("full_name", "p.x", "x"), True),
        (DatasetColumn("phone", "p.x", "x"), True),
        (DatasetColumn("line_id", "p.x", "x"), True),
        (DatasetColumn("code", "o.national_id", "x"), True),
        (DatasetColumn("who", "c.contact_name", "x"), True),
        (DatasetColumn("anything", "p.x", "x", personal=True), True),
        (DatasetColumn("category", "cat.name_th", "x"), False),
        (DatasetColumn("station", "st.name", "x"), False),
    ],
)
def test_the_guard_knows_a_personal_column(column, refused):
    dataset = OpenDataset(
        code="t.t",
        title="t",
        description="t",
        from_sql="t",
        tenant_sql="%(org)s",
        order_sql="1",
        columns=(column,),
    )
    assert bool(personal_columns(dataset)) is refused


def test_the_guard_refuses_home_locations():
    homes = OpenDataset(
        code="t.h",
        title="t",
        description="t",
        from_sql="t",
        tenant_sql="%(org)s",
        order_sql="1",
        columns=(DatasetColumn("visits", "t.n", "n", "integer"),),
        geometry_sql="t.location",
        home_location=True,
    )
    assert personal_columns(homes) == ["geometry"]


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ("1101700207030", "national_id"),
        ("1-1017-00207-03-0", "national_id"),
        ("1101700207031", ""),  # wrong check digit: a number, not an ID
        ("081-234-5678", "phone"),
        ("0812345678", "phone"),
        ("043 311 222", "phone"),
        ("U4af4980629" + "0" * 22, "line_id"),
        ("somchai@example.com", "email"),
        ("P-0001", ""),
        ("2026-03-02T10:00:00+07:00", ""),
        ("ไฟฟ้าส่องสว่าง", ""),
    ],
)
def test_the_guard_knows_a_personal_value(value, kind):
    assert personal_value_kind(value) == kind


def test_publishing_a_dataset_with_a_personal_column_is_refused_with_nothing_written(lit, monkeypatch):
    from muang.core import registry

    monkeypatch.setattr(registry, "open_datasets", lambda: (PEOPLE,))
    with pytest.raises(PersonalDataRefused) as refused:
        publish(lit, code="test.people")
    assert refused.value.field_errors == {"dataset": [refused.value.detail]} and "who" in refused.value.detail
    assert not Publication.objects.exists() and not AuditEntry.objects.filter(
        object_type="opendata.Publication"
    )


def test_a_refresh_that_meets_a_personal_value_keeps_the_old_files(lit, monkeypatch):
    """A provider whose column looks harmless but holds a phone number (a citizen typed it as the title)."""
    from muang.core import registry

    leaky = OpenDataset(
        code="test.titles",
        title="titles",
        description="titles",
        from_sql="cases_case c",
        tenant_sql="c.organization_id = %(org)s",
        order_sql="c.id",
        columns=(DatasetColumn("code", "c.tracking_code", "code"), DatasetColumn("heading", "c.title", "t")),
    )
    monkeypatch.setattr(registry, "open_datasets", lambda: (leaky,))
    a_case(lit, title="ไฟดับ")
    publication = publish(lit, code="test.titles")
    before = files(publication)
    assert publication.row_count == 1
    a_case(lit, title="โทร 081-234-5678")
    assert services.publication_refresh(publication=publication) is False
    publication.refresh_from_db()
    assert "heading: phone" in publication.refresh_error and publication.row_count == 1
    assert files(publication) == before
