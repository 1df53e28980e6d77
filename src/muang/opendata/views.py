"""The open data pages: the public catalogue (/open-data/), a page per dataset with its DCAT-AP JSON-LD, the
downloads, the catalogue in Turtle and JSON-LD, and the staff page where an organisation chooses and describes
what it publishes (and downloads the draft of its smart-city proposal)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from muang.core.errors import MuangError, NotFound
from muang.core.form_errors import add_service_errors
from muang.core.models import Organization
from muang.core.views.pages import holds, public_page, staff_page
from muang.opendata import selectors, services, uris, vocab
from muang.opendata.forms import DescriptionForm
from muang.opendata.permissions import OpenDataPerm
from muang.opendata.vocab import Format

if TYPE_CHECKING:
    from rdflib import Graph

CACHE = "public, max-age=300"
MAX_PAGE = 1_000_000


def _rows(publications) -> list[dict]:
    files = selectors.distributions_of(publications)
    return [{"publication": p, "files": files[p.pk]} for p in publications]


@public_page("the open data catalogue: datasets organisations chose to publish, no person")
@require_GET
def catalogue(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()[:200]
    slug = request.GET.get("organization", "").strip()
    publications = list(selectors.search(q=q, organizations=[slug] if slug else None))
    return render(
        request,
        "opendata/catalogue.html",
        {
            "rows": _rows(publications),
            "q": q,
            "organization": slug,
            "organizations": list(selectors.publishing_organizations()),
        },
    )


def _catalogue_page(request: HttpRequest, name: str) -> HttpResponse | Graph:
    """One page of the catalogue (`?page=`, `?organization=`), as ckanext-dcat pages its catalogue endpoint:
    `MUANG_OPENDATA_CATALOG_PAGE` datasets a page and a hydra:PagedCollection saying where the others are."""
    try:
        page = int(request.GET.get("page", "1"))
    except ValueError:
        page = 0
    if not 1 <= page <= MAX_PAGE:
        return HttpResponse(
            f"page: a whole number from 1 to {MAX_PAGE}", status=400, content_type="text/plain; charset=utf-8"
        )
    slug = request.GET.get("organization", "").strip()
    qs = selectors.published()
    if slug:
        qs = qs.filter(organization__slug=slug)
    size = settings.MUANG_OPENDATA_CATALOG_PAGE
    total = qs.count()
    publications = list(qs[(page - 1) * size : page * size])
    from muang.opendata import dcat  # imports rdflib: only the catalogue's pages need it

    base = uris.site() + reverse(name)
    query = f"organization={slug}&" if slug else ""
    graph = dcat.catalogue_graph(publications)
    dcat.add_paging(graph, f"{base}?{query}page=", page=page, size=size, total=total)
    return graph


@public_page("the open data catalogue in DCAT-AP (Turtle): published datasets only")
@require_GET
def catalogue_turtle(request: HttpRequest) -> HttpResponse:
    graph = _catalogue_page(request, "opendata:catalog-ttl")
    if isinstance(graph, HttpResponse):
        return graph
    from muang.opendata import dcat  # imports rdflib: only the catalogue's pages need it

    response = HttpResponse(dcat.turtle(graph), content_type="text/turtle; charset=utf-8")
    response["Cache-Control"] = CACHE
    return response


@public_page("the open data catalogue in DCAT-AP (JSON-LD): published datasets only")
@require_GET
def catalogue_jsonld(request: HttpRequest) -> HttpResponse:
    graph = _catalogue_page(request, "opendata:catalog-jsonld")
    if isinstance(graph, HttpResponse):
        return graph
    from muang.opendata import dcat  # imports rdflib: only the catalogue's pages need it

    response = HttpResponse(dcat.jsonld(graph), content_type="application/ld+json; charset=utf-8")
    response["Cache-Control"] = CACHE
    return response


@public_page("a publisher's URI in the catalogue: its published datasets")
@require_GET
def publisher(request: HttpRequest, slug: str) -> HttpResponse:
    return redirect(reverse("opendata:catalogue") + f"?organization={slug}")


@public_page("one published dataset: its description, files and JSON-LD, no person")
@require_GET
def dataset(request: HttpRequest, name: str) -> HttpResponse:
    try:
        publication = selectors.publication_by_name(name)
    except NotFound:
        raise Http404 from None
    from muang.opendata import dcat  # imports rdflib: only the catalogue's pages need it

    graph = dcat.dataset_graph(publication)
    data = json.loads(dcat.jsonld(graph))
    # Inside <script>: "</" and "<!--" must not appear as they are.
    embedded = json.dumps(data, ensure_ascii=False).replace("<", "\\u003c")
    return render(
        request,
        "opendata/dataset.html",
        {
            "publication": publication,
            "files": selectors.distributions_of([publication])[publication.pk],
            "jsonld": embedded,
            # The catalogue's fields in the reader's language (Thai: the catalogue's own words).
            "gd": {
                "data_type": publication.get_data_type_display(),
                "objective": publication.get_objective_display(),
                "frequency": publication.get_frequency_display(),
                "geo_coverage": publication.get_geo_coverage_display(),
                "classification": publication.get_classification_display(),
                "licence": publication.get_licence_display(),
            },
            "licence_url": vocab.LICENCE_URI[publication.licence],
        },
    )


@public_page("a published dataset's file (CSV, GeoJSON, Excel): checked for personal data when written")
@require_GET
def download(request: HttpRequest, name: str, fmt: str) -> HttpResponse:
    if fmt not in Format.values:
        raise Http404
    try:
        publication, distribution = selectors.distribution_file(name, fmt)
    except NotFound:
        raise Http404 from None
    content_type = vocab.MEDIA_TYPE[fmt] + ("; charset=utf-8" if fmt != Format.XLSX else "")
    response = HttpResponse(bytes(distribution.content), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{publication.name}.{fmt}"'
    response["Cache-Control"] = CACHE
    response["Access-Control-Allow-Origin"] = "*"
    response["Last-Modified"] = distribution.modified_at.strftime("%a, %d %b %Y %H:%M:%S GMT")
    return response


@staff_page(holds(OpenDataPerm.MANAGE))
@require_GET
def staff(request: HttpRequest, actor, membership) -> HttpResponse:
    organization = membership.organization
    return render(
        request,
        "opendata/staff.html",
        {"organization": organization, "rows": selectors.staff_rows(organization)},
    )


def _initial(publication, dataset, organization: Organization) -> dict:
    if publication is not None:
        return {name: getattr(publication, name) for name in services.DESCRIBED}
    d = services.default_description(dataset, organization)
    return {name: getattr(d, name) for name in services.DESCRIBED}


@staff_page(holds(OpenDataPerm.MANAGE))
@require_http_methods(["GET", "POST"])
def staff_dataset(request: HttpRequest, actor, membership, code: str) -> HttpResponse:
    organization = membership.organization
    row = next((r for r in selectors.staff_rows(organization) if r.dataset.code == code), None)
    if row is None:
        raise Http404
    form = DescriptionForm(request.POST or None, initial=_initial(row.publication, row.dataset, organization))
    if request.method == "POST":
        try:
            if request.POST.get("action") == "withdraw":
                services.dataset_withdraw(actor=actor, organization=organization, code=code)
                return redirect("opendata:staff")
            if form.is_valid():
                services.dataset_publish(
                    actor=actor,
                    organization=organization,
                    code=code,
                    description=services.Description(**form.cleaned_data),
                )
                return redirect("opendata:staff")
        except MuangError as error:
            add_service_errors(form, error, raise_access=True)
    return render(
        request,
        "opendata/staff_dataset.html",
        {"organization": organization, "row": row, "form": form},
        status=422 if form.errors else 200,
    )


@staff_page(holds(OpenDataPerm.MANAGE))
@require_GET
def proposal(request: HttpRequest, actor, membership) -> HttpResponse:
    from muang.opendata.proposal import proposal_pdf

    organization = membership.organization
    pdf = proposal_pdf(organization=organization)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="smart-city-proposal-{organization.slug}.pdf"'
    return response


@staff_page(holds(OpenDataPerm.MANAGE))
@require_GET
def proposal_docx(request: HttpRequest, actor, membership) -> HttpResponse:
    from muang.opendata.proposal import proposal_docx as build

    organization = membership.organization
    response = HttpResponse(
        build(organization=organization),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    response["Content-Disposition"] = f'attachment; filename="smart-city-proposal-{organization.slug}.docx"'
    return response
