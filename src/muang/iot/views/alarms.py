"""Alarms: the list with filters (newest first, paged), an alarm's page with its timeline and its case, and the
acknowledge and clear buttons (plain POST with the CSRF token; the services audit them)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from muang.core.access import Actor
from muang.core.errors import InvalidInput, MuangError
from muang.core.models import Membership
from muang.core.thai_dates import bangkok_midnight
from muang.core.views.pages import holds, staff_page
from muang.iot.alarms import selectors
from muang.iot.alarms import services as alarm_services
from muang.iot.forms import AlarmFilterForm, ClearForm, NextForm
from muang.iot.permissions import IotPerm

from . import add_service_errors, safe_next

PAGE_SIZE = 50

view_page = staff_page(holds(IotPerm.ALARM_VIEW))
act_page = staff_page(holds(IotPerm.ALARM_ACT))


@view_page
@require_GET
def alarm_list(request: HttpRequest, actor: Actor, membership: Membership) -> HttpResponse:
    org = membership.organization
    form = AlarmFilterForm(request.GET or None, types=selectors.alarm_types_of(actor=actor, organization=org))
    filters: dict = {}
    if form.is_valid():
        data = form.cleaned_data
        filters = {
            "status": data["status"] or None,
            "acknowledged": {"yes": True, "no": False}.get(data["acknowledged"]),
            "severity": data["severity"] or None,
            "alarm_type": data["type"] or None,
            "device_id": data["device_id"],
            "device_search": data["device"],
            "started_from": bangkok_midnight(data["started_from"]) if data["started_from"] else None,
            "started_to": bangkok_midnight(data["started_to"] + dt.timedelta(days=1))
            if data["started_to"]
            else None,
        }
    qs = selectors.alarms_of(actor=actor, organization=org, **filters)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "iot/web/alarm_list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "here": request.get_full_path(),
            "organization": org,
            "can_act": actor.has_perm(org, IotPerm.ALARM_ACT),
        },
    )


def _alarm_page(
    request, actor: Actor, membership: Membership, alarm, clear_form=None, status=200
) -> HttpResponse:
    org = membership.organization
    return render(
        request,
        "iot/web/alarm.html",
        {
            "alarm": alarm,
            "events": list(selectors.alarm_events(actor=actor, alarm=alarm)),
            "can_act": actor.has_perm(org, IotPerm.ALARM_ACT),
            "can_see_device": actor.has_perm(org, IotPerm.IOT_VIEW),
            "clear_form": clear_form or ClearForm(),
            "here": reverse("iot:alarm", args=[alarm.pk]),
        },
        status=status,
    )


@view_page
@require_GET
def alarm_page(request: HttpRequest, actor: Actor, membership: Membership, alarm_id: int) -> HttpResponse:
    alarm = selectors.get_alarm_for(actor=actor, organization=membership.organization, alarm_id=alarm_id)
    return _alarm_page(request, actor, membership, alarm)


def _back(request: HttpRequest, form, alarm_id: int) -> HttpResponse:
    default = reverse("iot:alarm", args=[alarm_id])
    nxt = form.cleaned_data.get("next", "") if form.is_valid() else request.POST.get("next", "")
    return redirect(safe_next(nxt or "", default, prefix="/iot/alarms/"))


@act_page
@require_POST
def alarm_acknowledge(
    request: HttpRequest, actor: Actor, membership: Membership, alarm_id: int
) -> HttpResponse:
    alarm = selectors.get_alarm_for(actor=actor, organization=membership.organization, alarm_id=alarm_id)
    form = NextForm(request.POST)
    try:
        alarm_services.alarm_acknowledge(actor=actor, alarm=alarm)
    except MuangError as e:
        messages.error(request, e.detail)
    else:
        messages.success(request, _("Alarm acknowledged: %(label)s") % {"label": alarm.label})
    return _back(request, form, alarm.pk)


@act_page
@require_POST
def alarm_clear(request: HttpRequest, actor: Actor, membership: Membership, alarm_id: int) -> HttpResponse:
    alarm = selectors.get_alarm_for(actor=actor, organization=membership.organization, alarm_id=alarm_id)
    form = ClearForm(request.POST)
    if not form.is_valid():  # no reason: the alarm's page with the clear form saying so
        return _alarm_page(request, actor, membership, alarm, clear_form=form, status=422)
    try:
        alarm_services.alarm_clear(actor=actor, alarm=alarm, reason=form.cleaned_data["reason"])
    except InvalidInput as e:
        add_service_errors(form, e)
        return _alarm_page(request, actor, membership, alarm, clear_form=form, status=422)
    except MuangError as e:
        messages.error(request, e.detail)
    else:
        messages.success(request, _("Alarm cleared: %(label)s") % {"label": alarm.label})
    return _back(request, form, alarm.pk)
