"""The public page of an organisation's air and water (/env/<slug>/), the list of organisations with stations
(/env/), the staff list (/env/staff/) and the panel on the public home page."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from muang.core.models import Organization
from muang.core.public_home import HomePanel
from muang.core.views.pages import holds, public_page, staff_page
from muang.environment import selectors
from muang.environment.models import AqiBand, Pollutant
from muang.environment.permissions import EnvPerm


def home_panel(request: HttpRequest) -> HomePanel | None:
    """The public home page's part: a link to each organisation's air and water page."""
    organizations = selectors.organizations_with_public_stations()
    if not organizations:
        return None
    return HomePanel("environment/_home_panel.html", {"organizations": organizations})


@public_page("the list of organisations with public air and water stations: no person")
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    return render(
        request, "environment/index.html", {"organizations": selectors.organizations_with_public_stations()}
    )


@public_page("an organisation's public air-quality stations and water gauges: public measurements, no person")
@require_GET
def public(request: HttpRequest, slug: str) -> HttpResponse:
    organization = Organization.objects.filter(slug=slug, is_active=True).first()
    if organization is None:
        raise Http404
    states = selectors.station_states(selectors.public_stations(organization))
    bands = list(AqiBand.objects.filter(pollutant=Pollutant.PM25).order_by("rank"))
    return render(
        request,
        "environment/public.html",
        {
            "organization": organization,
            "stations": states,
            "banner": selectors.organization_banner(states),
            "bands": bands,
            "line_example": next((s["id"] for s in states), 1),
            "pm25_alert": next((str(b.low) for b in bands if b.alerts), ""),
        },
    )


@staff_page(holds(EnvPerm.ENV_VIEW))
@require_GET
def staff(request: HttpRequest, actor, membership) -> HttpResponse:
    organization = membership.organization
    states = selectors.station_states(selectors.stations_of(actor=actor, organization=organization))
    return render(
        request,
        "environment/staff.html",
        {"organization": organization, "stations": states, "banner": selectors.organization_banner(states)},
    )
