"""The EMS pages: the dispatch board (polled by htmx, docs/adr/0014), the call-taker's form, an incident with
its ranking, timeline and hand-over PDF, and the CSV export for the provincial EMS office."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from muang.core.access import Actor
from muang.core.audit import record_export
from muang.core.errors import Conflict, InvalidInput
from muang.core.form_errors import add_service_errors
from muang.core.models import Membership
from muang.core.views.pages import holds, staff_page
from muang.ems import cbd, selectors
from muang.ems.forms import CareForm, IncidentForm, PeriodForm, StepForm
from muang.ems.models import Step
from muang.ems.permissions import EmsPerm
from muang.ems.services import handover, incidents, units

POLL_SECONDS = 5


def _board_context(actor: Actor, membership: Membership) -> dict:
    board = selectors.board(actor=actor, organization=membership.organization)
    return {"board": board, "poll_seconds": POLL_SECONDS, "center": _center(membership)}


@staff_page(holds(EmsPerm.EMS_VIEW))
@require_GET
def board(request: HttpRequest, actor: Actor, membership: Membership) -> HttpResponse:
    return render(request, "ems/board.html", _board_context(actor, membership))


@staff_page(holds(EmsPerm.EMS_VIEW))
@require_GET
def board_lists(request: HttpRequest, actor: Actor, membership: Membership) -> HttpResponse:
    """The lists of the board, polled by htmx every few seconds."""
    return render(request, "ems/_board_lists.html", _board_context(actor, membership))


@staff_page(holds(EmsPerm.EMS_VIEW))
@require_GET
def board_map(request: HttpRequest, actor: Actor, membership: Membership) -> JsonResponse:
    """Open incidents and units for the board's map (polled with the lists)."""
    board = selectors.board(actor=actor, organization=membership.organization)
    return JsonResponse(
        {
            "incidents": [
                {
                    "id": i.pk,
                    "number": i.number,
                    "code": i.dispatch_code,
                    "colour": i.colour,
                    "lat": i.location.y,
                    "lon": i.location.x,
                }
                for i in board.open_incidents
            ],
            "units": [
                {
                    "id": u.pk,
                    "call_sign": u.call_sign,
                    "status": u.status,
                    "lat": u.where.y,
                    "lon": u.where.x,
                }
                for u in board.units
            ],
        }
    )


@staff_page(holds(EmsPerm.EMS_DISPATCH))
@require_http_methods(["GET", "POST"])
def incident_new(request: HttpRequest, actor: Actor, membership: Membership) -> HttpResponse:
    organization = membership.organization
    form = IncidentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            incident = incidents.incident_create(actor=actor, organization=organization, **data)
        except (InvalidInput, Conflict) as e:
            add_service_errors(
                form, e, raise_access=True, aliases={"location": "lat", "received_at": "caller_name"}
            )
        else:
            return redirect("ems:incident", incident_id=incident.pk)
    status = 422 if form.errors else 200
    return render(
        request, "ems/incident_new.html", {"form": form, "center": _center(membership)}, status=status
    )


def _center(membership: Membership) -> dict:
    boundary = membership.organization.boundary
    if boundary:
        c = boundary.centroid
        return {"lat": c.y, "lon": c.x}
    return {"lat": 16.54, "lon": 102.10}


def _incident_context(actor: Actor, membership: Membership, incident_id: int, **extra) -> dict:
    incident = selectors.get_incident_for(
        actor=actor, organization=membership.organization, incident_id=incident_id
    )
    ranking = selectors.ranking_for(actor=actor, incident=incident) if incident.step == Step.RECEIVED else []
    return {
        "incident": incident,
        "group_title": cbd.group_title(incident.cbd_group),
        "colour_label": cbd.COLOUR_LABELS.get(incident.colour, incident.colour),
        "timeline": selectors.timeline(incident),
        "ranking": ranking,
        "by_road": bool(ranking) and ranking[0].by_road,
        "step_form": extra.pop("step_form", None) or StepForm(),
        "care_form": extra.pop("care_form", None)
        or CareForm(
            initial={
                "patient_name": incident.patient_name,
                "patient_age": incident.patient_age,
                "care_notes": incident.care_notes,
                "hospital": incident.hospital,
            }
        ),
        **extra,
    }


@staff_page(holds(EmsPerm.EMS_VIEW))
@require_GET
def incident_detail(
    request: HttpRequest, actor: Actor, membership: Membership, incident_id: int
) -> HttpResponse:
    context = _incident_context(actor, membership, incident_id)
    selectors.incident_opened(actor=actor, incident=context["incident"])
    return render(request, "ems/incident.html", context)


@staff_page(holds(EmsPerm.EMS_DISPATCH))
@require_POST
def incident_dispatch(
    request: HttpRequest, actor: Actor, membership: Membership, incident_id: int
) -> HttpResponse:
    incident = selectors.get_incident_for(
        actor=actor, organization=membership.organization, incident_id=incident_id
    )
    try:
        unit_id = int(request.POST.get("unit", ""))
        unit = selectors.get_unit_for(actor=actor, organization=membership.organization, unit_id=unit_id)
        incidents.incident_dispatch(actor=actor, incident=incident, unit=unit)
    except (ValueError, InvalidInput, Conflict) as e:
        detail = getattr(e, "detail", None) or _("Choose a unit.")
        context = _incident_context(actor, membership, incident_id, dispatch_error=detail)
        return render(request, "ems/incident.html", context, status=409 if isinstance(e, Conflict) else 422)
    return redirect("ems:incident", incident_id=incident.pk)


def _incident_form_post(
    request, actor, membership, incident_id, form_class, service, *, form_key, status, catch, **errors
):
    """A form on the incident page: the service on the valid form, else the page again with the form's errors."""
    incident = selectors.get_incident_for(
        actor=actor, organization=membership.organization, incident_id=incident_id
    )
    form = form_class(request.POST)
    if form.is_valid():
        try:
            service(actor=actor, incident=incident, **form.cleaned_data)
        except catch as e:
            add_service_errors(form, e, raise_access=True, **errors)
        else:
            return redirect("ems:incident", incident_id=incident.pk)
    context = _incident_context(actor, membership, incident_id, **{form_key: form})
    return render(request, "ems/incident.html", context, status=status)


@staff_page(holds(EmsPerm.EMS_DISPATCH))
@require_POST
def incident_step(
    request: HttpRequest, actor: Actor, membership: Membership, incident_id: int
) -> HttpResponse:
    return _incident_form_post(
        request, actor, membership, incident_id, StepForm, incidents.incident_stamp,
        form_key="step_form", status=409, catch=(InvalidInput, Conflict), default_field="step",
    )  # fmt: skip


@staff_page(holds(EmsPerm.EMS_DISPATCH))
@require_POST
def incident_care(
    request: HttpRequest, actor: Actor, membership: Membership, incident_id: int
) -> HttpResponse:
    return _incident_form_post(
        request, actor, membership, incident_id, CareForm, incidents.incident_record_care,
        form_key="care_form", status=422, catch=InvalidInput,
    )  # fmt: skip


@staff_page(holds(EmsPerm.EMS_DISPATCH))
@require_GET
def incident_pdf(
    request: HttpRequest, actor: Actor, membership: Membership, incident_id: int
) -> HttpResponse:
    incident = selectors.get_incident_for(
        actor=actor, organization=membership.organization, incident_id=incident_id
    )
    response = HttpResponse(
        handover.incident_handover_pdf(actor=actor, incident=incident), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'inline; filename="{incident.number}.pdf"'
    return response


@staff_page(holds(EmsPerm.EMS_DISPATCH))
@require_POST
def unit_status(request: HttpRequest, actor: Actor, membership: Membership, unit_id: int) -> HttpResponse:
    unit = selectors.get_unit_for(actor=actor, organization=membership.organization, unit_id=unit_id)
    try:
        units.unit_set_status(actor=actor, unit=unit, status=request.POST.get("status", ""))
    except (InvalidInput, Conflict) as e:
        context = _board_context(actor, membership) | {"unit_error": e.detail}
        return render(request, "ems/board.html", context, status=409 if isinstance(e, Conflict) else 422)
    return redirect("ems:board")


@staff_page(holds(EmsPerm.EMS_VIEW))
@require_GET
def incidents_export(request: HttpRequest, actor: Actor, membership: Membership) -> HttpResponse:
    """The incidents of a period as CSV, every timestamp (the provincial EMS office's file)."""
    today = timezone.localdate()
    form = PeriodForm(request.GET or {"start": today.replace(day=1), "end": today})
    if not form.is_valid() or form.cleaned_data["start"] > form.cleaned_data["end"]:
        if form.is_valid():
            form.add_error("end", _("The end comes after the start."))
        return render(request, "ems/export.html", {"form": form}, status=422)
    if "start" not in request.GET:
        return render(request, "ems/export.html", {"form": form})
    start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    text = selectors.incidents_csv(actor=actor, organization=membership.organization, start=start, end=end)
    filename = f"ems-incidents-{start:%Y%m%d}-{end:%Y%m%d}.csv"
    record_export(
        actor=actor,
        organization=membership.organization,
        what="ems.incidents",
        filename=filename,
        rows=text.count("\n") - 1,
        filters={"start": start.isoformat(), "end": end.isoformat()},
    )
    response = HttpResponse("\ufeff" + text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
