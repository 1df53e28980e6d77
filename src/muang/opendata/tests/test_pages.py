"""The staff page (choose, describe, withdraw), the public catalogue and the downloads, the proposal draft, and
the periodic refresh."""

import datetime as dt

import pytest
from django.test import Client

from muang.core.models import Role
from muang.core.tests.factories import member
from muang.lighting.tests.helpers import pole
from muang.opendata.models import Distribution, Publication
from muang.opendata.services import publications_refresh_due
from muang.opendata.tests.conftest import NOW, publish

pytestmark = pytest.mark.django_db

FORM = {
    "title": "เสาไฟฟ้าส่องสว่าง",
    "description": "ทุกเสาไฟของเทศบาล",
    "keywords": "ไฟ, เสา",
    "data_type": "geospatial",
    "objective": "public_service",
    "frequency": "daily",
    "geo_coverage": "local",
    "source": "กองช่าง",
    "licence": "cc-by-4.0",
    "classification": "public",
    "contact_email": "",
    "action": "publish",
}


def as_user(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="th")
    client.force_login(user)
    return client


def test_the_executive_publishes_from_the_staff_page(lit):
    client = as_user(lit.town.executive.user)
    page = client.get("/open-data/staff/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-code="lighting.streetlights"' in html and 'data-code="property.parcels"' in html
    form = client.get("/open-data/staff/lighting.streetlights/")
    assert form.status_code == 200 and "pole_code" in form.content.decode()
    response = client.post("/open-data/staff/lighting.streetlights/", FORM)
    assert response.status_code == 302
    publication = Publication.objects.get(organization=lit.org)
    assert publication.title == "เสาไฟฟ้าส่องสว่าง" and publication.row_count == 3
    assert ">Describe<" in client.get("/open-data/staff/").content.decode()

    response = client.post("/open-data/staff/lighting.streetlights/", {"action": "withdraw"})
    assert response.status_code == 302
    publication.refresh_from_db()
    assert not publication.is_published


def test_a_bad_field_is_a_form_error_naming_it_and_nothing_is_published(lit):
    client = as_user(lit.town.executive.user)
    response = client.post(
        "/open-data/staff/lighting.streetlights/", dict(FORM, title="", contact_email="nope", data_type="x")
    )
    assert response.status_code == 422
    html = response.content.decode()
    for name in ("title", "contact_email", "data_type"):
        assert f'data-field="{name}"' in html
    assert not Publication.objects.exists()
    assert client.get("/open-data/staff/nosuch.dataset/").status_code == 404


def test_who_may_open_the_staff_page(lit, other_town):
    assert Client().get("/open-data/staff/").status_code == 302
    for user in (lit.town.head.user, lit.town.officer.user, member(lit.org, Role.OVERSEER)):
        assert as_user(user).get("/open-data/staff/").status_code == 403
    assert as_user(lit.town.admin.user).get("/open-data/staff/").status_code == 200
    # Another organisation's executive acts on their own organisation only.
    as_user(other_town.executive.user).post("/open-data/staff/lighting.streetlights/", FORM)
    assert not Publication.objects.filter(organization=lit.org).exists()


def test_a_citizen_finds_the_dataset_and_downloads_it(lit):
    publication = publish(lit)
    publish(lit, code="reports.cases")
    client = Client(HTTP_ACCEPT_LANGUAGE="th")
    page = client.get("/open-data/", {"q": "ไฟ"}).content.decode()
    assert f'data-dataset="{publication.name}"' in page and "reports-cases" not in page
    page = client.get("/open-data/", {"organization": lit.org.slug}).content.decode()
    assert page.count("data-dataset=") == 2
    response = client.get(f"/open-data/dataset/{publication.name}/geojson")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/geo+json")
    assert response["Content-Disposition"] == f'attachment; filename="{publication.name}.geojson"'
    assert response.json()["features"][0]["properties"]["pole_code"] == "P-0000"
    assert client.get(f"/open-data/dataset/{publication.name}/pdf").status_code == 404
    assert client.get(f"/open-data/organization/{lit.org.slug}").status_code == 302


def test_the_catalogue_and_the_dataset_page_run_a_fixed_number_of_queries(lit, django_assert_max_num_queries):
    publication = publish(lit)
    publish(lit, code="reports.cases")
    client = Client()
    client.get("/open-data/")
    with django_assert_max_num_queries(8):
        client.get("/open-data/")
    with django_assert_max_num_queries(8):
        client.get(f"/open-data/dataset/{publication.name}/")


def test_the_proposal_draft_is_a_thai_pdf_with_the_citys_figures(lit):
    publish(lit)
    from muang.opendata.proposal import proposal_html

    html = proposal_html(organization=lit.org, now=NOW)
    assert lit.org.name_th in html and "แพลตฟอร์มข้อมูลเมือง" in html and "รายวัน" in html
    response = as_user(lit.town.executive.user).get("/open-data/staff/proposal.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_the_proposal_draft_is_a_word_document_with_the_citys_figures(lit):
    """A well-formed WordprocessingML package: the parts a word processor reads, XML that parses, Thai text."""
    import io
    import zipfile
    from xml.etree import ElementTree

    publish(lit)
    response = as_user(lit.town.executive.user).get("/open-data/staff/proposal.docx")
    assert response.status_code == 200
    assert response["Content-Type"].endswith("wordprocessingml.document")
    package = zipfile.ZipFile(io.BytesIO(response.content))
    assert package.testzip() is None
    assert {"[Content_Types].xml", "_rels/.rels", "word/document.xml", "word/styles.xml"} <= set(
        package.namelist()
    )
    for name in package.namelist():
        ElementTree.fromstring(package.read(name))  # noqa: S314 (our own document): every part is well-formed
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    root = ElementTree.fromstring(package.read("word/document.xml"))  # noqa: S314 (our own document)
    text = "".join(t.text or "" for t in root.iter(f"{w}t"))
    assert lit.org.name_th in text and "แพลตฟอร์มข้อมูลเมือง" in text and "รายวัน" in text
    assert "ไฟฟ้าส่องสว่างสาธารณะ" in text or "Street lights" in text  # the published dataset's title
    assert len(list(root.iter(f"{w}tbl"))) == 3
    assert as_user(lit.town.head.user).get("/open-data/staff/proposal.docx").status_code == 403


def test_the_periodic_refresh_rebuilds_what_is_due_only(lit):
    publication = publish(lit)
    assert publications_refresh_due(now=NOW + dt.timedelta(hours=1)) == 0
    pole(lit, 7, controller=False)
    later = NOW + dt.timedelta(days=1, minutes=1)
    assert publications_refresh_due(now=later) == 1
    publication.refresh_from_db()
    assert publication.row_count == 4 and publication.refreshed_at == later
    assert Distribution.objects.get(publication=publication, format="csv").modified_at == later
    assert publications_refresh_due(now=later) == 0
