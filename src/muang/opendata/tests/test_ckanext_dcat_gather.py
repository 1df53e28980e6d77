"""ckanext-dcat's RDF harvester gathers the catalogue (issue 15, open data): the exchange it has with Muang,
recorded in fixtures/ckanext_dcat_gather.json from what its code does (a HEAD, a GET when the HEAD is refused,
the format from the Content-Type header, every dcat:Dataset a harvest object keyed by its URI, hydra:nextPage
followed until there is none), replayed here request by request and compared with the recording; what the
import stage then reads (title, identifier, distributions with a download URL) is checked with rdflib."""

import hashlib
import json
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from rdflib import Graph, URIRef
from rdflib import namespace as ns

from muang.opendata.tests.conftest import publish

pytestmark = pytest.mark.django_db

RECORDED = json.loads((Path(__file__).parent / "fixtures" / "ckanext_dcat_gather.json").read_text())
HYDRA = ns.Namespace("http://www.w3.org/ns/hydra/core#")
MAX_BYTES = 50 * 1024 * 1024


def _headers() -> dict[str, str]:
    return {"HTTP_" + k.upper().replace("-", "_"): v for k, v in RECORDED["request_headers"].items()}


def _gather(client, url: str, public_url: str):
    """What DCATRDFHarvester.gather_stage does with the harvest source `url`: the exchange and the guids."""
    exchange, guids, graphs, last_hash = [], [], [], None
    while url:
        path = url.removeprefix(public_url)
        head = client.head(path, **_headers())
        exchange.append({"method": "HEAD", "path": path, "status": head.status_code})
        response = head
        if head.status_code in (400, 405):
            response = client.get(path, **_headers())
        assert response.status_code < 400, (path, response.status_code)
        length = response.get("Content-Length")
        assert length is None or int(length) <= MAX_BYTES
        content = response.content
        content_type = response["Content-Type"].split(";", 1)[0]
        digest = hashlib.md5(content, usedforsecurity=False).digest()
        if digest == last_hash:  # the harvester stops when a "next" page repeats the content
            break
        last_hash = last_hash or digest
        graph = Graph().parse(data=content.decode(), format=content_type)
        datasets = list(graph.subjects(ns.RDF.type, ns.DCAT.Dataset))
        guids += [str(d) for d in datasets if isinstance(d, URIRef)]  # the guid is the dataset's URI
        paging = next(graph.subjects(ns.RDF.type, HYDRA.PagedCollection), None)
        following = graph.value(paging, HYDRA.nextPage) if paging is not None else None
        exchange.append(
            {
                "method": "GET",
                "path": path,
                "status": response.status_code,
                "content_type": content_type,
                "datasets": len(datasets),
                "next_page": None if following is None else str(following).removeprefix(public_url),
            }
        )
        graphs.append(graph)
        url = None if following is None else str(following)
    return exchange, guids, graphs


def test_the_recorded_gather_stage_reads_every_published_dataset(client, lit, public_url, settings):
    settings.MUANG_OPENDATA_CATALOG_PAGE = 2
    published = [publish(lit, code=code) for code in ("lighting.streetlights", "reports.cases", "kpi.values")]
    exchange, guids, graphs = _gather(client, f"{public_url}{RECORDED['exchange'][0]['path']}", public_url)
    assert exchange == RECORDED["exchange"]
    assert len(guids) == len(set(guids)) == len(published)  # one harvest object per dataset, none twice
    assert all(urlsplit(g).scheme == "https" for g in guids)
    # What the import stage reads of each dataset (ckanext-dcat's euro_dcat_ap profile).
    titles = set()
    for graph in graphs:
        for dataset in graph.subjects(ns.RDF.type, ns.DCAT.Dataset):
            titles.add(str(graph.value(dataset, ns.DCTERMS.title)))
            assert graph.value(dataset, ns.DCTERMS.identifier) is not None
            distributions = list(graph.objects(dataset, ns.DCAT.distribution))
            assert distributions
            for distribution in distributions:
                url = graph.value(distribution, ns.DCAT.downloadURL) or graph.value(
                    distribution, ns.DCAT.accessURL
                )
                assert url is not None and str(url).startswith("https://")
    assert len(titles) == 3
