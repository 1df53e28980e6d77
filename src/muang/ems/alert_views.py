"""The care centre's board (issue 13 item 2): wristband alerts polled every 2 seconds (docs/adr/0015), an
alert's card with the wearer's photo, medical summary (an audited health read), contacts and place, and the
operator's three answers: take it, close it with a reason, or turn it into an EMS incident."""

import json

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from muang.core.access import Actor
from muang.core.errors import Conflict, InvalidInput
from muang.core.models import Membership
from muang.core.views.pages import holds, staff_page
from muang.ems import clock, selectors
from muang.ems.permissions import EmsPerm
from muang.ems.services import alerts

POLL_SECONDS = 2  # the 2-second target of issue 13 (docs/adr/0015-care-board-polls-every-2-seconds.md)


def _board_context(actor: Actor, membership: Membership) -> dict:
    organization = membership.organization
    board = selectors.alert_board(actor=actor, organization=organization, now=clock.now())
    points = [
        {
            "id": a.pk,
            "kind": a.kind,
            "status": a.status,
            "severity": a.severity,
            "label": f"{a.severity_label}: {a.get_kind_display()} — {a.person.display_name}",
            "lat": a.location.y,
            "lon": a.location.x,
            "url": reverse("ems:care_alert", args=[a.pk]),
        }
        for a in [*board.waiting, *board.taken]
        if a.location is not None
    ]
    return {
        "board": board,
        # In an attribute, not a json_script: htmx drops <script> elements of a swapped fragment.
        "points_json": json.dumps(points, ensure_ascii=False),
        "waiting_ids": " ".join(str(a.pk) for a in board.waiting),
        "poll_seconds": POLL_SECONDS,
    }


@staff_page(holds(EmsPerm.ALERTS))
@require_GET
def care_board(request: HttpRequest, actor: Actor, membership: Membership) -> HttpResponse:
    from muang.ems.views import _center

    context = _board_context(actor, membership) | {
        "center": _center(membership),
        "can_manage_bands": actor.has_perm(membership.organization, EmsPerm.WRISTBANDS),
    }
    return render(request, "ems/care_board.html", context)


@staff_page(holds(EmsPerm.ALERTS))
@require_GET
def care_board_alerts(request: HttpRequest, actor: Actor, membership: Membership) -> HttpResponse:
    """The board's lists and map points, polled by htmx every 2 seconds."""
    return render(request, "ems/_care_alerts.html", _board_context(actor, membership))


def _card(request, actor, membership, alert_id: int, *, status: int = 200, **extra) -> HttpResponse:
    card = selectors.alert_card(actor=actor, organization=membership.organization, alert_id=alert_id)
    can_dispatch = actor.has_perm(membership.organization, EmsPerm.EMS_DISPATCH)
    context = {"card": card, "alert": card.alert, "can_dispatch": can_dispatch, **extra}
    return render(request, "ems/care_alert.html", context, status=status)


@staff_page(holds(EmsPerm.ALERTS))
@require_GET
def care_alert(request: HttpRequest, actor: Actor, membership: Membership, alert_id: int) -> HttpResponse:
    return _card(request, actor, membership, alert_id)


def _answer(request, actor, membership, alert_id: int, action) -> HttpResponse:
    alert = selectors.get_alert_for(actor=actor, organization=membership.organization, alert_id=alert_id)
    try:
        result = action(alert)
    except (InvalidInput, Conflict) as e:
        status = 409 if isinstance(e, Conflict) else 422
        return _card(request, actor, membership, alert_id, status=status, answer_error=e.detail)
    if result is not None and hasattr(result, "number"):  # an incident: the dispatcher goes on there
        return redirect("ems:incident", incident_id=result.pk)
    return redirect("ems:care_alert", alert_id=alert_id)


@staff_page(holds(EmsPerm.ALERTS))
@require_POST
def care_alert_acknowledge(
    request: HttpRequest, actor: Actor, membership: Membership, alert_id: int
) -> HttpResponse:
    return _answer(
        request, actor, membership, alert_id, lambda a: alerts.alert_acknowledge(actor=actor, alert=a)
    )


@staff_page(holds(EmsPerm.ALERTS))
@require_POST
def care_alert_close(
    request: HttpRequest, actor: Actor, membership: Membership, alert_id: int
) -> HttpResponse:
    false_alarm = request.POST.get("outcome", "false_alarm") != "handled"
    reason = request.POST.get("reason", "")
    return _answer(
        request,
        actor,
        membership,
        alert_id,
        lambda a: alerts.alert_close(actor=actor, alert=a, reason=reason, false_alarm=false_alarm),
    )


@staff_page(holds(EmsPerm.ALERTS))  # the service also requires EMS_DISPATCH (403 otherwise)
@require_POST
def care_alert_incident(
    request: HttpRequest, actor: Actor, membership: Membership, alert_id: int
) -> HttpResponse:
    criterion = request.POST.get("criterion", "")
    return _answer(
        request,
        actor,
        membership,
        alert_id,
        lambda a: alerts.alert_to_incident(actor=actor, alert=a, criterion=criterion),
    )
