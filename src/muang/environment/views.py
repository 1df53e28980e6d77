"""The public page of an organisation's air and water (/env/<slug>/), the list of organisations with stations
(/env/), the staff list (/env/staff/) and the panel on the public home page."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from muang.core.errors import MuangError
from muang.core.form_errors import add_service_errors
from muang.core.models import Organization
from muang.core.public_home import HomePanel
from muang.core.views.pages import holds, public_page, staff_page
from muang.environment import selectors, services
from muang.environment.forms import StationForm, StationNewForm
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
        {
            "organization": organization,
            "stations": states,
            "banner": selectors.organization_banner(states),
            "can_manage": actor.has_perm(organization, EnvPerm.ENV_MANAGE),
        },
    )


@staff_page(holds(EnvPerm.ENV_MANAGE))
@require_http_methods(["GET", "POST"])
def station_edit(request: HttpRequest, actor, membership, station_id: int) -> HttpResponse:
    """A station's name, whether the public sees it, and a gauge's levels (the department head)."""
    from django.utils.translation import gettext as _

    organization = membership.organization
    station = selectors.get_station_for(actor=actor, organization=organization, station_id=station_id)
    initial = {name: getattr(station, name) for name in services.EDITABLE}
    form = StationForm(request.POST or None, initial=initial, kind=station.kind)
    if request.method == "POST" and form.is_valid():
        try:
            services.station_update(actor=actor, station=station, data=form.data_for_service())
        except MuangError as e:
            add_service_errors(form, e, raise_access=True)
        else:
            messages.success(
                request, _("The station %(name)s is saved.") % {"name": form.cleaned_data["name"]}
            )
            return redirect("environment:staff")
    return render(
        request,
        "environment/station_form.html",
        {"form": form, "station": station, "organization": organization},
        status=422 if form.errors else 200,
    )


@staff_page(holds(EnvPerm.ENV_MANAGE))
@require_http_methods(["GET", "POST"])
def station_new(request: HttpRequest, actor, membership) -> HttpResponse:
    """A new station on one of the organisation's devices that is not a station yet."""
    from django.utils.translation import gettext as _

    organization = membership.organization
    devices = selectors.devices_without_station(actor=actor, organization=organization)
    form = StationNewForm(request.POST or None, devices=devices)
    if request.method == "POST" and form.is_valid():
        try:
            station = services.station_create(
                actor=actor, organization=organization, **form.data_for_service()
            )
        except MuangError as e:
            add_service_errors(form, e, raise_access=True)
        else:
            messages.success(request, _("The station %(name)s is added.") % {"name": station.name})
            return redirect("environment:staff")
    return render(
        request,
        "environment/station_form.html",
        {"form": form, "station": None, "organization": organization},
        status=422 if form.errors else 200,
    )
