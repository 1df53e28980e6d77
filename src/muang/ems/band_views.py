"""The care centre's staff pages for the bands themselves (issue 13): give a wristband to a person of the care
register with their rules, change the rules, replace a lost band, take a band off; the person's alert history
(an audited health read); and the on-call list the alerts escalate along (add, remove, reorder)."""

import contextlib

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from muang.care.models import ReadPurpose
from muang.core.access import Actor
from muang.core.errors import Conflict, InvalidInput
from muang.core.form_errors import add_service_errors
from muang.core.models import Membership
from muang.core.views.pages import holds, staff_page
from muang.ems import selectors
from muang.ems.forms import OnCallForm, ReplaceForm, RulesForm, WristbandForm
from muang.ems.permissions import EmsPerm
from muang.ems.services import oncall, wristbands

RULES = (
    "heart_rate_min",
    "heart_rate_max",
    "geofence_radius_m",
    "still_hours",
    "battery_low",
    "medical_summary",
)


@staff_page(holds(EmsPerm.WRISTBANDS))
@require_GET
def band_list(request: HttpRequest, actor: Actor, membership: Membership) -> HttpResponse:
    bands = selectors.wristbands_of(actor=actor, organization=membership.organization)
    return render(request, "ems/bands.html", {"bands": bands})


@staff_page(holds(EmsPerm.WRISTBANDS))
@require_http_methods(["GET", "POST"])
def band_new(request: HttpRequest, actor: Actor, membership: Membership) -> HttpResponse:
    organization = membership.organization
    people = selectors.people_without_band(actor=actor, organization=organization)
    form = WristbandForm(request.POST or None, people=people)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        person = selectors.person_for_band(actor=actor, organization=organization, person_id=data["person"])
        try:
            band = wristbands.wristband_create(
                actor=actor,
                organization=organization,
                person=person,
                serial=data["serial"],
                **{k: data[k] for k in RULES},
            )
        except (InvalidInput, Conflict) as e:
            add_service_errors(form, e, raise_access=True)
        else:
            return redirect("ems:band", band_id=band.pk)
    status = 422 if form.errors else 200
    return render(request, "ems/band_new.html", {"form": form}, status=status)


def _band_page(request, actor, membership, band_id: int, *, status: int = 200, **forms) -> HttpResponse:
    organization = membership.organization
    band = selectors.get_wristband_for(actor=actor, organization=organization, band_id=band_id)
    history = selectors.alert_history(
        actor=actor, organization=organization, person=band.person, purpose=ReadPurpose.CARE
    )
    rules_form = forms.get("rules_form") or RulesForm(initial={k: getattr(band, k) for k in RULES})
    context = {
        "band": band,
        "history": history,
        "rules_form": rules_form,
        "replace_form": forms.get("replace_form") or ReplaceForm(),
    }
    return render(request, "ems/band.html", context, status=status)


@staff_page(holds(EmsPerm.WRISTBANDS))
@require_GET
def band_detail(request: HttpRequest, actor: Actor, membership: Membership, band_id: int) -> HttpResponse:
    return _band_page(request, actor, membership, band_id)


@staff_page(holds(EmsPerm.WRISTBANDS))
@require_POST
def band_rules(request: HttpRequest, actor: Actor, membership: Membership, band_id: int) -> HttpResponse:
    band = selectors.get_wristband_for(actor=actor, organization=membership.organization, band_id=band_id)
    form = RulesForm(request.POST)
    if form.is_valid():
        try:
            wristbands.wristband_update_rules(
                actor=actor,
                band=band,
                family_line=band.family_line,
                geofence=band.geofence,
                **form.cleaned_data,
            )
        except (InvalidInput, Conflict) as e:
            add_service_errors(form, e, raise_access=True)
        else:
            return redirect("ems:band", band_id=band.pk)
    return _band_page(request, actor, membership, band_id, status=422, rules_form=form)


@staff_page(holds(EmsPerm.WRISTBANDS))
@require_POST
def band_replace(request: HttpRequest, actor: Actor, membership: Membership, band_id: int) -> HttpResponse:
    band = selectors.get_wristband_for(actor=actor, organization=membership.organization, band_id=band_id)
    form = ReplaceForm(request.POST)
    if form.is_valid():
        try:
            new = wristbands.wristband_replace(actor=actor, band=band, serial=form.cleaned_data["serial"])
        except (InvalidInput, Conflict) as e:
            add_service_errors(form, e, raise_access=True, default_field="serial")
        else:
            return redirect("ems:band", band_id=new.pk)
    return _band_page(request, actor, membership, band_id, status=422, replace_form=form)


@staff_page(holds(EmsPerm.WRISTBANDS))
@require_POST
def band_unregister(request: HttpRequest, actor: Actor, membership: Membership, band_id: int) -> HttpResponse:
    band = selectors.get_wristband_for(actor=actor, organization=membership.organization, band_id=band_id)
    with contextlib.suppress(Conflict):  # already taken off (a second click): the list shows it is gone
        wristbands.wristband_unregister(actor=actor, band=band)
    return redirect("ems:bands")


# --- the on-call list ------------------------------------------------------------------------------------------


def _on_call_page(request, actor, membership, form=None, status: int = 200) -> HttpResponse:
    rows = list(selectors.on_call_of(actor=actor, organization=membership.organization))
    return render(request, "ems/on_call.html", {"rows": rows, "form": form or OnCallForm()}, status=status)


@staff_page(holds(EmsPerm.WRISTBANDS))
@require_http_methods(["GET", "POST"])
def on_call(request: HttpRequest, actor: Actor, membership: Membership) -> HttpResponse:
    if request.method == "GET":
        return _on_call_page(request, actor, membership)
    form = OnCallForm(request.POST)
    if form.is_valid():
        try:
            oncall.on_call_add(actor=actor, organization=membership.organization, **form.cleaned_data)
        except InvalidInput as e:
            add_service_errors(form, e, raise_access=True)
        else:
            return redirect("ems:on_call")
    return _on_call_page(request, actor, membership, form, status=422)


@staff_page(holds(EmsPerm.WRISTBANDS))
@require_POST
def on_call_remove(
    request: HttpRequest, actor: Actor, membership: Membership, on_call_id: int
) -> HttpResponse:
    oncall.on_call_remove(actor=actor, organization=membership.organization, on_call_id=on_call_id)
    return redirect("ems:on_call")


@staff_page(holds(EmsPerm.WRISTBANDS))
@require_POST
def on_call_move(request: HttpRequest, actor: Actor, membership: Membership, on_call_id: int) -> HttpResponse:
    up = request.POST.get("direction") != "down"
    oncall.on_call_move(actor=actor, organization=membership.organization, on_call_id=on_call_id, up=up)
    return redirect("ems:on_call")
