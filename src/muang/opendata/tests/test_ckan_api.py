"""The CKAN action API at /api/3/action/: CKAN's envelope, results and errors, read as a CKAN harvester reads
them (the requests below are the ones ckanext-harvest's CKAN harvester and ckanext-dcat's RDF harvester make)."""

import json
from urllib.parse import urlencode

import pytest
from rdflib import Graph
from rdflib import namespace as ns

from muang.opendata.selectors import organization_uuid
from muang.opendata.tests.conftest import NOW, publish

pytestmark = pytest.mark.django_db


def call(client, action: str, status: int = 200, **params):
    response = client.get(f"/api/3/action/{action}", params)
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"].startswith("application/json")
    return response.json()


@pytest.fixture
def two(lit, other_town):
    """The lit town publishes its lights and reports; another town its reports."""
    lights = publish(lit)
    reports = publish(lit, code="reports.cases")
    from muang.opendata.services import dataset_publish

    theirs = dataset_publish(
        actor=other_town.executive, organization=other_town.org, code="reports.cases", now=NOW
    )
    return lights, reports, theirs


def test_the_envelope_is_ckans(client, two, public_url):
    body = call(client, "package_list")
    assert set(body) == {"help", "success", "result"} and body["success"] is True
    assert body["help"] == "http://testserver/api/3/action/help_show?name=package_list"
    assert body["result"] == sorted(p.name for p in two)


def test_package_show_by_name_or_id_has_ckans_fields_and_the_catalogue_fields(client, two, public_url):
    lights = two[0]
    by_name = call(client, "package_show", id=lights.name)["result"]
    by_id = call(client, "package_show", id=str(lights.uuid))["result"]
    assert by_name == by_id
    assert (
        by_name["id"] == str(lights.uuid) and by_name["name"] == lights.name and by_name["type"] == "dataset"
    )
    assert by_name["organization"]["name"] == lights.organization.slug
    assert by_name["owner_org"] == organization_uuid(lights.organization)
    assert by_name["num_resources"] == 3 and by_name["license_id"] == "cc-by-4.0"
    assert by_name["metadata_created"] == "2026-03-02T03:00:00.000000"
    formats = {r["format"] for r in by_name["resources"]}
    assert formats == {"CSV", "GeoJSON", "XLSX"}
    geojson = next(r for r in by_name["resources"] if r["format"] == "GeoJSON")
    assert geojson["url"] == f"{public_url}/open-data/dataset/{lights.name}/geojson"
    assert geojson["mimetype"] == "application/geo+json" and geojson["hash"].startswith("sha256:")
    assert by_name["data_type"] == "ข้อมูลภูมิสารสนเทศเชิงพื้นที่"
    assert by_name["update_frequency_unit"] == "วัน" and by_name["geo_coverage"] == "องค์กรปกครองส่วนท้องถิ่น"
    extras = {e["key"]: e["value"] for e in by_name["extras"]}
    assert extras["uri"] == f"{public_url}/open-data/dataset/{lights.name}/"
    assert extras["frequency"].endswith("/frequency/DAILY")


def test_package_search_pages_filters_by_organisation_and_searches_words(client, two):
    lights, reports, theirs = two
    everything = call(client, "package_search", rows=2)["result"]
    assert everything["count"] == 3 and len(everything["results"]) == 2
    assert set(everything) == {"count", "facets", "results", "sort", "search_facets"}
    rest = call(client, "package_search", rows=2, start=2)["result"]["results"]
    assert len(rest) == 1
    names = {r["name"] for r in everything["results"]} | {r["name"] for r in rest}
    assert names == {lights.name, reports.name, theirs.name}

    mine = call(client, "package_search", fq=f"organization:{lights.organization.slug}")["result"]
    assert {r["name"] for r in mine["results"]} == {lights.name, reports.name}
    not_mine = call(client, "package_search", fq=f"-organization:{lights.organization.slug}")["result"]
    assert [r["name"] for r in not_mine["results"]] == [theirs.name]
    by_owner = call(client, "package_search", fq=f"owner_org:{organization_uuid(theirs.organization)}")[
        "result"
    ]
    assert [r["name"] for r in by_owner["results"]] == [theirs.name]
    words = call(client, "package_search", q=lights.title.split()[0])["result"]
    assert lights.name in {r["name"] for r in words["results"]}
    assert call(client, "package_search", q="nothing-like-this")["result"]["count"] == 0


def test_organization_list(client, two):
    lights, _reports, theirs = two
    assert call(client, "organization_list")["result"] == sorted(
        [lights.organization.slug, theirs.organization.slug]
    )
    full = call(client, "organization_list", all_fields="true")["result"]
    counts = {o["name"]: o["package_count"] for o in full}
    assert counts == {lights.organization.slug: 2, theirs.organization.slug: 1}
    assert all(o["is_organization"] and o["type"] == "organization" for o in full)


def test_errors_are_ckans(client, two):
    missing = call(client, "package_show", 404, id="no-such-dataset")
    assert missing["success"] is False and missing["error"] == {
        "__type": "Not Found Error",
        "message": "Not found",
    }
    assert missing["help"].endswith("help_show?name=package_show")
    no_id = call(client, "package_show", 409)
    assert no_id["error"] == {"__type": "Validation Error", "id": ["Missing value"]}
    bad_rows = call(client, "package_search", 409, rows="ten")
    assert bad_rows["error"] == {"__type": "Validation Error", "rows": ["Invalid integer"]}
    too_many = call(client, "package_search", 409, rows=100000)
    assert too_many["error"]["__type"] == "Validation Error" and "rows" in too_many["error"]
    far = call(client, "package_search", 409, start="99999999999999999999")
    assert far["error"]["__type"] == "Validation Error" and "start" in far["error"]
    bad_fq = call(client, "package_search", 400, fq="secret_field:1")
    assert bad_fq["error"]["__type"] == "Search Query Error"
    unknown = client.get("/api/3/action/package_delete")
    assert (
        unknown.status_code == 400 and unknown.json() == "Bad request - Action name not known: package_delete"
    )
    assert client.put("/api/3/action/package_list").status_code == 405


def test_a_post_with_a_json_body_works_as_ckan_takes_it(client, two):
    lights = two[0]
    response = client.post(
        "/api/3/action/package_show", data=json.dumps({"id": lights.name}), content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["result"]["name"] == lights.name
    broken = client.post("/api/3/action/package_show", data="{", content_type="application/json")
    assert broken.status_code == 400


# A CKAN harvester's gather stage (ckanext-harvest `CKANHarvester._search_for_datasets`, with api_version 3 and
# the organisation filter of the source's configuration, an incremental run after a previous harvest): this is the
# request it sends, page after page of 100, sorted by id.
HARVEST_REQUEST = {
    "path": "/api/3/action/package_search",
    "query": {
        "fq": "organization:{slug} metadata_modified:[2026-03-01T00:00:00.000000Z TO *]",
        "rows": "100",
        "start": "0",
        "sort": "id asc",
    },
    "headers": {"HTTP_USER_AGENT": "ckanext-harvest/1.6 (+https://github.com/ckan/ckanext-harvest)"},
}
# ckanext-dcat's RDF harvester asks for the catalogue in one of the serialisations it parses.
DCAT_HARVEST_REQUEST = {
    "path": "/open-data/catalog.ttl",
    "headers": {"HTTP_ACCEPT": "text/turtle", "HTTP_USER_AGENT": "ckanext-dcat/2.1"},
}


def test_a_recorded_ckan_harvester_request_gets_the_organisations_datasets_in_id_order(client, two):
    lights, reports, _theirs = two
    query = {k: v.format(slug=lights.organization.slug) for k, v in HARVEST_REQUEST["query"].items()}
    response = client.get(f"{HARVEST_REQUEST['path']}?{urlencode(query)}", **HARVEST_REQUEST["headers"])
    assert response.status_code == 200
    result = response.json()["result"]
    assert result["count"] == 2
    ids = [r["id"] for r in result["results"]]
    assert ids == sorted([str(lights.uuid), str(reports.uuid)])
    for package in result["results"]:  # what the harvester's import stage reads
        assert package["name"] and package["title"] and package["resources"]
        assert all(r["url"].startswith("http") for r in package["resources"])
    later = dict(
        query, fq=f"organization:{lights.organization.slug} metadata_modified:[2026-03-05T00:00:00Z TO *]"
    )
    assert client.get(f"{HARVEST_REQUEST['path']}?{urlencode(later)}").json()["result"]["count"] == 0


def test_a_recorded_dcat_harvester_request_reads_every_dataset(client, two):
    response = client.get(DCAT_HARVEST_REQUEST["path"], **DCAT_HARVEST_REQUEST["headers"])
    assert response.status_code == 200
    g = Graph().parse(data=response.content.decode(), format="turtle")
    assert len(set(g.subjects(ns.RDF.type, ns.DCAT.Dataset))) == 3
