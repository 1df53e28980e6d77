"""The catalogue in DCAT-AP, read back by an RDF parser (rdflib): Turtle and JSON-LD hold the same graph, every
published dataset with ckanext-dcat's euro_dcat_ap properties, its distributions and the Thai government data
catalogue's fields; the dataset page embeds its own JSON-LD; withdrawn datasets and inactive organisations stay
out."""

import json
import re

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib import namespace as ns
from rdflib.compare import isomorphic

from muang.opendata.dcat import SPDX
from muang.opendata.services import dataset_withdraw
from muang.opendata.tests.conftest import publish

pytestmark = pytest.mark.django_db
EU = "http://publications.europa.eu/resource/authority/"


def graph(client, url: str, fmt: str) -> Graph:
    response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    return Graph().parse(data=response.content.decode(), format=fmt)


def test_turtle_and_json_ld_hold_the_same_catalogue(client, lit, public_url):
    publication = publish(lit)
    ttl = graph(client, "/open-data/catalog.ttl", "turtle")
    jsonld = graph(client, "/open-data/catalog.jsonld", "json-ld")
    hydra = ns.Namespace("http://www.w3.org/ns/hydra/core#")
    for g in (ttl, jsonld):  # the paging is about the document itself (.ttl or .jsonld)
        for page in list(g.subjects(ns.RDF.type, hydra.PagedCollection)):
            g.remove((page, None, None))
    assert isomorphic(ttl, jsonld)
    assert client.get("/open-data/catalog.ttl")["Content-Type"].startswith("text/turtle")
    assert client.get("/open-data/catalog.jsonld")["Content-Type"].startswith("application/ld+json")

    (catalogue,) = ttl.subjects(ns.RDF.type, ns.DCAT.Catalog)
    assert str(catalogue) == f"{public_url}/open-data/"
    ds = URIRef(f"{public_url}/open-data/dataset/{publication.name}/")
    assert (catalogue, ns.DCAT.dataset, ds) in ttl
    assert (ds, ns.RDF.type, ns.DCAT.Dataset) in ttl
    assert ttl.value(ds, ns.DCTERMS.title) == Literal(publication.title, lang="th")
    assert ttl.value(ds, ns.DCTERMS.identifier) == Literal(str(publication.uuid))
    assert ttl.value(ds, ns.DCTERMS.accrualPeriodicity) == URIRef(EU + "frequency/DAILY")
    assert ttl.value(ds, ns.DCTERMS.accessRights) == URIRef(EU + "access-right/PUBLIC")
    assert ttl.value(ds, ns.DCTERMS.language) == URIRef(EU + "language/THA")
    assert ttl.value(ds, ns.DCAT.landingPage) == ds
    assert {str(k) for k in ttl.objects(ds, ns.DCAT.keyword)} == set(publication.keyword_list)
    publisher = ttl.value(ds, ns.DCTERMS.publisher)
    assert (publisher, ns.RDF.type, ns.FOAF.Organization) in ttl
    assert ttl.value(publisher, ns.FOAF.name, any=True) is not None
    spatial = ttl.value(ds, ns.DCTERMS.spatial)
    assert (spatial, ns.RDF.type, ns.DCTERMS.Location) in ttl

    distributions = list(ttl.objects(ds, ns.DCAT.distribution))
    assert len(distributions) == 3
    formats = {str(ttl.value(d, ns.DCTERMS.format)) for d in distributions}
    assert formats == {EU + "file-type/CSV", EU + "file-type/GEOJSON", EU + "file-type/XLSX"}
    for d in distributions:
        url = str(ttl.value(d, ns.DCAT.downloadURL))
        assert url.startswith(f"{public_url}/open-data/dataset/{publication.name}/")
        assert ttl.value(d, ns.DCAT.accessURL) == URIRef(url)
        assert str(ttl.value(d, ns.DCTERMS.license)) == "https://creativecommons.org/licenses/by/4.0/"
        size = int(ttl.value(d, ns.DCAT.byteSize))
        download = client.get(url.removeprefix(public_url))
        assert download.status_code == 200 and len(download.content) == size
        checksum = ttl.value(d, SPDX.checksum)
        import hashlib

        assert str(ttl.value(checksum, SPDX.checksumValue)) == hashlib.sha256(download.content).hexdigest()

    # The Thai government data catalogue's fields.
    od = f"{public_url}/open-data/ns#"
    facts = {str(p).removeprefix(od): str(o) for p, o in ttl.predicate_objects(ds) if str(p).startswith(od)}
    assert facts == {
        "dataType": "ข้อมูลภูมิสารสนเทศเชิงพื้นที่",
        "objective": "เพื่อการให้บริการประชาชน",
        "updateFrequency": "รายวัน",
        "geoCoverage": "องค์กรปกครองส่วนท้องถิ่น",
        "source": publication.source,
        "classification": "ข้อมูลสาธารณะ",
        "licence": "Creative Commons Attributions 4.0",
    }


def test_the_dataset_page_embeds_its_json_ld_and_the_catalogue_fields(client, lit, public_url):
    publication = publish(lit)
    response = client.get(f"/open-data/dataset/{publication.name}/", HTTP_ACCEPT_LANGUAGE="th")
    assert response.status_code == 200
    html = response.content.decode()
    (block,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    g = Graph().parse(data=block, format="json-ld")
    ds = URIRef(f"{public_url}/open-data/dataset/{publication.name}/")
    assert (ds, ns.RDF.type, ns.DCAT.Dataset) in g and len(list(g.objects(ds, ns.DCAT.distribution))) == 3
    assert json.loads(block)  # plain JSON too
    for label in ("ข้อมูลภูมิสารสนเทศเชิงพื้นที่", "เพื่อการให้บริการประชาชน", "รายวัน", "ข้อมูลสาธารณะ"):
        assert label in html


def test_withdrawn_datasets_and_inactive_organisations_are_not_in_the_catalogue(client, lit, public_url):
    publication = publish(lit)
    publish(lit, code="reports.cases")
    dataset_withdraw(actor=lit.town.executive, organization=lit.org, code="reports.cases")
    g = graph(client, "/open-data/catalog.ttl", "turtle")
    assert len(list(g.subjects(ns.RDF.type, ns.DCAT.Dataset))) == 1
    assert client.get(f"/open-data/dataset/{lit.org.slug}-reports-cases/").status_code == 404
    assert client.get(f"/open-data/dataset/{lit.org.slug}-reports-cases/csv").status_code == 404
    lit.org.is_active = False
    lit.org.save(update_fields=["is_active"])
    g = graph(client, "/open-data/catalog.ttl", "turtle")
    assert not list(g.subjects(ns.RDF.type, ns.DCAT.Dataset))
    assert client.get(f"/open-data/dataset/{publication.name}/geojson").status_code == 404


def test_the_catalogue_is_paged_as_ckanext_dcat_pages_it(client, lit, public_url, settings):
    settings.MUANG_OPENDATA_CATALOG_PAGE = 2
    for code in ("lighting.streetlights", "reports.cases", "property.parcels"):
        publish(lit, code=code)
    hydra = ns.Namespace("http://www.w3.org/ns/hydra/core#")
    first = graph(client, "/open-data/catalog.ttl", "turtle")
    assert len(list(first.subjects(ns.RDF.type, ns.DCAT.Dataset))) == 2
    (paging,) = first.subjects(ns.RDF.type, hydra.PagedCollection)
    assert (
        int(first.value(paging, hydra.totalItems)) == 3 and int(first.value(paging, hydra.itemsPerPage)) == 2
    )
    assert str(first.value(paging, hydra.nextPage)) == f"{public_url}/open-data/catalog.ttl?page=2"
    assert str(first.value(paging, hydra.lastPage)) == f"{public_url}/open-data/catalog.ttl?page=2"
    second = graph(client, "/open-data/catalog.ttl?page=2", "turtle")
    assert len(list(second.subjects(ns.RDF.type, ns.DCAT.Dataset))) == 1
    (paging,) = second.subjects(ns.RDF.type, hydra.PagedCollection)
    assert second.value(paging, hydra.nextPage) is None
    mine = graph(client, f"/open-data/catalog.jsonld?organization={lit.org.slug}&page=2", "json-ld")
    assert len(list(mine.subjects(ns.RDF.type, ns.DCAT.Dataset))) == 1
    assert client.get("/open-data/catalog.ttl?page=0").status_code == 400
    assert client.get("/open-data/catalog.ttl?page=x").status_code == 400
    assert client.get("/open-data/catalog.ttl?page=99999999999999999999").status_code == 400
