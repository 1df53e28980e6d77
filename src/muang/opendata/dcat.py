"""The catalogue in DCAT-AP, following ckanext-dcat's `euro_dcat_ap` profile mapping of a CKAN dataset, so that a
portal harvesting CKAN sites reads Muang the same way:

- dcat:Catalog: dct:title, dct:description, foaf:homepage, dct:language, dct:modified, dcat:dataset.
- dcat:Dataset (`<site>/open-data/dataset/<name>`): dct:title (notes → dct:description), dcat:keyword (tags),
  dct:identifier (the id), dct:issued / dct:modified (metadata_created / modified), dcat:landingPage (url),
  dct:language, dct:accrualPeriodicity (frequency), dct:accessRights, dct:provenance, dct:type (dcat_type),
  dct:spatial (a dct:Location with skos:prefLabel and locn:geometry as GeoJSON and WKT), dct:publisher (a
  foaf:Organization with foaf:name, foaf:mbox, foaf:homepage), dcat:contactPoint (vcard:Organization with
  vcard:fn, vcard:hasEmail), dcat:distribution.
- dcat:Distribution (`<dataset>/resource/<id>`): dct:title (name), dcat:accessURL and dcat:downloadURL (url),
  dct:format, dcat:mediaType (mimetype), dct:license, dcat:byteSize (size), dct:issued / dct:modified,
  spdx:checksum (hash).

The Thai government data catalogue's fields that DCAT has no term for (data type, objective, geographic coverage,
classification, and the update frequency in its own words) are Muang's own properties (`MUANG_OD` namespace,
`<site>/open-data/ns#`), next to their DCAT counterparts."""

from __future__ import annotations

import json
from collections.abc import Iterable

from django.urls import reverse
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, SKOS, XSD

from muang.core.models import Organization
from muang.opendata import uris, vocab
from muang.opendata.models import Distribution, Publication
from muang.opendata.selectors import distributions_of
from muang.opendata.uris import (  # dcat.site() and the URIs, as before
    catalogue_uri,
    dataset_uri,
    distribution_uri,
    download_url,
    publisher_uri,
    site,
)

VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
LOCN = Namespace("http://www.w3.org/ns/locn#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
GSP = Namespace("http://www.opengis.net/ont/geosparql#")
HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
GEOJSON_IMT = URIRef("https://www.iana.org/assignments/media-types/application/vnd.geo+json")
THAI = URIRef("http://publications.europa.eu/resource/authority/language/THA")
PUBLIC_ACCESS = URIRef(uris.PUBLIC_ACCESS)

PREFIXES = {
    "dcat": DCAT,
    "dct": DCTERMS,
    "foaf": FOAF,
    "vcard": VCARD,
    "locn": LOCN,
    "spdx": SPDX,
    "skos": SKOS,
    "gsp": GSP,
    "hydra": HYDRA,
    "xsd": XSD,
}


def muang_od() -> Namespace:
    return Namespace(site() + reverse("opendata:catalogue") + "ns#")


def _graph() -> Graph:
    g = Graph()
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns)
    g.bind("muangod", muang_od())
    return g


def _add_spatial(g: Graph, dataset: URIRef, organization: Organization) -> None:
    location = BNode()
    g.add((dataset, DCTERMS.spatial, location))
    g.add((location, RDF.type, DCTERMS.Location))
    g.add((location, SKOS.prefLabel, Literal(organization.name_th, lang="th")))
    boundary = organization.boundary
    if boundary is not None and not boundary.empty:
        west, south, east, north = (round(v, 6) for v in boundary.extent)
        ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
        g.add(
            (
                location,
                LOCN.geometry,
                Literal(json.dumps({"type": "Polygon", "coordinates": [ring]}), datatype=GEOJSON_IMT),
            )
        )
        wkt = "POLYGON ((" + ", ".join(f"{x} {y}" for x, y in ring) + "))"
        g.add((location, LOCN.geometry, Literal(wkt, datatype=GSP.wktLiteral)))


def add_dataset(g: Graph, publication: Publication, distributions: Iterable[Distribution]) -> URIRef:
    od = muang_od()
    organization = publication.organization
    ds = URIRef(dataset_uri(publication))
    landing = ds
    modified = publication.refreshed_at or publication.updated_at
    g.add((ds, RDF.type, DCAT.Dataset))
    g.add((ds, DCTERMS.title, Literal(publication.title, lang="th")))
    g.add((ds, DCTERMS.description, Literal(publication.description, lang="th")))
    for keyword in publication.keyword_list:
        g.add((ds, DCAT.keyword, Literal(keyword, lang="th")))
    g.add((ds, DCTERMS.identifier, Literal(str(publication.uuid))))
    g.add((ds, DCTERMS.issued, Literal(publication.published_at, datatype=XSD.dateTime)))
    g.add((ds, DCTERMS.modified, Literal(modified, datatype=XSD.dateTime)))
    g.add((ds, DCAT.landingPage, landing))
    g.add((ds, DCTERMS.language, THAI))
    g.add((ds, DCTERMS.accrualPeriodicity, URIRef(vocab.FREQUENCY_URI[publication.frequency])))
    g.add((ds, DCTERMS.accessRights, PUBLIC_ACCESS))
    g.add((ds, DCTERMS.type, Literal(publication.data_type)))
    provenance = BNode()
    g.add((ds, DCTERMS.provenance, provenance))
    g.add((provenance, RDF.type, DCTERMS.ProvenanceStatement))
    g.add((provenance, SKOS.prefLabel, Literal(publication.source, lang="th")))
    _add_spatial(g, ds, organization)
    # The Thai government data catalogue's fields, in its own words.
    g.add((ds, od.dataType, Literal(vocab.GD_DATA_TYPE[publication.data_type], lang="th")))
    g.add((ds, od.objective, Literal(vocab.GD_OBJECTIVE[publication.objective], lang="th")))
    g.add((ds, od.updateFrequency, Literal(vocab.GD_FREQUENCY[publication.frequency], lang="th")))
    g.add((ds, od.geoCoverage, Literal(vocab.GD_GEO_COVERAGE[publication.geo_coverage], lang="th")))
    g.add((ds, od.source, Literal(publication.source, lang="th")))
    g.add((ds, od.classification, Literal(vocab.GD_CLASSIFICATION[publication.classification], lang="th")))
    g.add((ds, od.licence, Literal(vocab.GD_LICENCE[publication.licence])))
    # Publisher and contact point.
    publisher = URIRef(publisher_uri(organization))
    g.add((ds, DCTERMS.publisher, publisher))
    g.add((publisher, RDF.type, FOAF.Organization))
    g.add((publisher, FOAF.name, Literal(organization.name_th, lang="th")))
    if organization.name_en:
        g.add((publisher, FOAF.name, Literal(organization.name_en, lang="en")))
    if organization.email:
        g.add((publisher, FOAF.mbox, URIRef(f"mailto:{organization.email}")))
    if organization.website:
        g.add((publisher, FOAF.homepage, URIRef(organization.website)))
    contact = BNode()
    g.add((ds, DCAT.contactPoint, contact))
    g.add((contact, RDF.type, VCARD.Organization))
    g.add((contact, VCARD.fn, Literal(organization.name_th, lang="th")))
    email = publication.contact_email or organization.email
    if email:
        g.add((contact, VCARD.hasEmail, URIRef(f"mailto:{email}")))
    licence = URIRef(vocab.LICENCE_URI[publication.licence])
    for d in distributions:
        dist = URIRef(distribution_uri(publication, d))
        url = URIRef(download_url(publication, d.format))
        g.add((ds, DCAT.distribution, dist))
        g.add((dist, RDF.type, DCAT.Distribution))
        g.add((dist, DCTERMS.title, Literal(f"{publication.title} ({d.get_format_display()})", lang="th")))
        g.add((dist, DCAT.accessURL, url))
        g.add((dist, DCAT.downloadURL, url))
        g.add((dist, DCTERMS.format, URIRef(vocab.FILE_TYPE_URI[d.format])))
        g.add(
            (
                dist,
                DCAT.mediaType,
                URIRef("http://www.iana.org/assignments/media-types/" + vocab.MEDIA_TYPE[d.format]),
            )
        )
        g.add((dist, DCTERMS.license, licence))
        g.add((dist, DCAT.byteSize, Literal(d.byte_size, datatype=XSD.nonNegativeInteger)))
        g.add((dist, DCTERMS.issued, Literal(d.created_at, datatype=XSD.dateTime)))
        g.add((dist, DCTERMS.modified, Literal(d.modified_at, datatype=XSD.dateTime)))
        checksum = BNode()
        g.add((dist, SPDX.checksum, checksum))
        g.add((checksum, RDF.type, SPDX.Checksum))
        g.add((checksum, SPDX.checksumValue, Literal(d.sha256, datatype=XSD.hexBinary)))
        g.add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
    return ds


def catalogue_graph(publications: list[Publication]) -> Graph:
    g = _graph()
    catalogue = URIRef(catalogue_uri())
    g.add((catalogue, RDF.type, DCAT.Catalog))
    g.add((catalogue, DCTERMS.title, Literal("ข้อมูลเปิดของท้องถิ่น (Muang)", lang="th")))
    g.add(
        (
            catalogue,
            DCTERMS.description,
            Literal("ชุดข้อมูลเปิดที่องค์กรปกครองส่วนท้องถิ่นเลือกเผยแพร่ ไม่มีข้อมูลส่วนบุคคล", lang="th"),
        )
    )
    g.add((catalogue, FOAF.homepage, URIRef(catalogue_uri())))
    g.add((catalogue, DCTERMS.language, THAI))
    files = distributions_of(publications)
    modified = [p.refreshed_at or p.updated_at for p in publications]
    if modified:
        g.add((catalogue, DCTERMS.modified, Literal(max(modified), datatype=XSD.dateTime)))
    for publication in publications:
        g.add((catalogue, DCAT.dataset, add_dataset(g, publication, files[publication.pk])))
    return g


def add_paging(g: Graph, prefix: str, *, page: int, size: int, total: int) -> None:
    """ckanext-dcat's paging of a catalogue: the page is a hydra:PagedCollection with the total, the page size
    and the first, last, previous and next pages (as literals, as ckanext-dcat writes them)."""
    last = max(1, -(-total // size))
    here = URIRef(f"{prefix}{page}")
    g.add((here, RDF.type, HYDRA.PagedCollection))
    g.add((here, HYDRA.totalItems, Literal(total, datatype=XSD.integer)))
    g.add((here, HYDRA.itemsPerPage, Literal(size, datatype=XSD.integer)))
    g.add((here, HYDRA.firstPage, Literal(f"{prefix}1")))
    g.add((here, HYDRA.lastPage, Literal(f"{prefix}{last}")))
    if page > 1:
        g.add((here, HYDRA.previousPage, Literal(f"{prefix}{min(page - 1, last)}")))
    if page < last:
        g.add((here, HYDRA.nextPage, Literal(f"{prefix}{page + 1}")))


def dataset_graph(publication: Publication) -> Graph:
    g = _graph()
    add_dataset(g, publication, distributions_of([publication])[publication.pk])
    return g


def jsonld_context() -> dict[str, str]:
    return {prefix: str(ns) for prefix, ns in PREFIXES.items()} | {"muangod": str(muang_od())}


def turtle(g: Graph) -> str:
    return g.serialize(format="turtle")


def jsonld(g: Graph) -> str:
    return g.serialize(format="json-ld", context=jsonld_context(), ensure_ascii=False)
