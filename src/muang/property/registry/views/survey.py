"""Field-survey mode for phones (โหมดสำรวจภาคสนาม): where am I, which parcel is this, record what is there."""

from django.contrib import messages
from django.contrib.gis.geos import Point
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from muang.core.access import Actor
from muang.core.errors import InvalidInput, MuangError
from muang.core.geo import SRID
from muang.core.models import Organization
from muang.property.permissions import PropertyPerm
from muang.property.registry import selectors_map as sm
from muang.property.registry.forms import SurveyForm
from muang.property.registry.services.survey import SURVEYED_STATES, parcel_survey_record

from . import property_view


@property_view()
@require_GET
def survey_page(request: HttpRequest, actor: Actor, organization: Organization) -> HttpResponse:
    return render(
        request,
        "property/map/survey.html",
        {
            "organization": organization,
            "can_edit": actor.has_perm(organization, PropertyPerm.PROPERTY_EDIT),
            "nearby_url": reverse("property-map:survey-nearby"),
        },
    )


@property_view()
@require_GET
def survey_nearby(request: HttpRequest, actor: Actor, organization: Organization) -> HttpResponse:
    error = ""
    parcels: list = []
    try:
        position = sm.clean_position(request.GET.get("lat"), request.GET.get("lon"))
        parcels = sm.nearest_parcels(actor=actor, organization=organization, position=position)
    except InvalidInput as e:
        error = e.detail
    return render(
        request,
        "property/map/_nearby.html",
        {
            "parcels": parcels,
            "error": error,
            "can_edit": actor.has_perm(organization, PropertyPerm.PROPERTY_EDIT),
            "query": request.GET.urlencode(),
        },
        status=400 if error else 200,
    )


def _initial(parcel) -> dict:
    initial = {"use": parcel.use, "note": parcel.note}
    for name in SurveyForm.SHARE_FIELDS:
        initial[name] = getattr(parcel, name)
    if parcel.survey_status in SURVEYED_STATES:  # a parcel not yet surveyed gets the form's "surveyed"
        initial["survey_status"] = parcel.survey_status
    return initial


@property_view(PropertyPerm.PROPERTY_EDIT)
@require_http_methods(["GET", "POST"])
def survey_parcel(request: HttpRequest, actor: Actor, organization: Organization, code: str) -> HttpResponse:
    parcel = sm.get_map_parcel(actor=actor, organization=organization, code=code)
    if request.method == "POST":
        form = SurveyForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            position = None
            if data["lat"] is not None and data["lon"] is not None:
                position = Point(data["lon"], data["lat"], srid=SRID)
            try:
                parcel_survey_record(
                    actor=actor,
                    parcel=parcel,
                    use=data["use"],
                    use_shares=form.use_shares(),
                    survey_status=data["survey_status"],
                    note=data["note"],
                    reason=data["reason"],
                    photos=data["photos"],
                    position=position,
                    accuracy_m=round(data["accuracy"]) if data["accuracy"] is not None else None,
                )
            except MuangError as e:
                form.add_service_errors(e)
            else:
                messages.success(request, _("Survey of parcel %(code)s saved.") % {"code": parcel.code})
                return redirect(reverse("property-map:survey") + f"?done={parcel.code}")
        status = 400
    else:
        form = SurveyForm(initial=_initial(parcel))
        status = 200
    return render(
        request,
        "property/map/survey_parcel.html",
        {"parcel": parcel, "form": form, "organization": organization},
        status=status,
    )
