"""Devices: the list with filters and counts per state, a device's page (facts, map, latest values, attributes,
open alarms, a chart per key), its chart data, and for the engineering head: add (the credential shown once),
edit, retire, a new credential."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from muang.core import form_errors, geo
from muang.core.access import Actor
from muang.core.errors import MuangError
from muang.core.models import Membership
from muang.core.views.pages import holds, staff_page
from muang.iot import selectors
from muang.iot.alarms.selectors import alarms_of
from muang.iot.forms import DeviceFilterForm, DeviceForm
from muang.iot.models import Device
from muang.iot.permissions import IotPerm
from muang.iot.services import devices as services

from . import add_service_errors

PAGE_SIZE = 50
OPEN_ALARMS_SHOWN = 20

view_page = staff_page(holds(IotPerm.IOT_VIEW))
manage_page = staff_page(holds(IotPerm.IOT_MANAGE))


@view_page
@require_GET
def device_list(request: HttpRequest, actor: Actor, membership: Membership) -> HttpResponse:
    org = membership.organization
    profiles = list(selectors.profiles_of(actor=actor, organization=org))
    form = DeviceFilterForm(request.GET or None, profiles=profiles)
    filters: dict = {}
    if form.is_valid():
        data = form.cleaned_data
        filters = {"state": data["state"] or None, "profile_id": data["profile"], "search": data["q"]}
    qs = selectors.devices_of(actor=actor, organization=org, **filters)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    counts = selectors.device_state_counts(actor=actor, organization=org)
    return render(
        request,
        "iot/web/device_list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "organization": org,
            "counts": [(state, label, counts[state]) for state, label in Device.State.choices],
            "can_manage": actor.has_perm(org, IotPerm.IOT_MANAGE),
        },
    )


def _device(actor: Actor, membership: Membership, device_id: int) -> Device:
    return selectors.get_device_for(actor=actor, organization=membership.organization, device_id=device_id)


@view_page
@require_GET
def device_page(request: HttpRequest, actor: Actor, membership: Membership, device_id: int) -> HttpResponse:
    org = membership.organization
    device = _device(actor, membership, device_id)
    specs = device.profile.parsed.keys
    latest = {v.key: v for v in selectors.latest_values(actor=actor, device=device)}
    values = [
        {
            "key": key,
            "name": spec.name,
            "unit": spec.unit,
            "type": spec.type,
            "latest": latest.get(key),
            "shown": f"{latest[key].value:.6g}" if key in latest else "",
        }
        for key, spec in specs.items()
    ]
    can_see_alarms = actor.has_perm(org, IotPerm.ALARM_VIEW)
    open_alarms = (
        list(
            alarms_of(actor=actor, organization=org, status="active", device_id=device.pk)[:OPEN_ALARMS_SHOWN]
        )
        if can_see_alarms
        else []
    )
    features = (
        [
            geo.point_feature(
                device.location.x, device.location.y, {"name": device.name, "kind": device.serial}
            )
        ]
        if device.location
        else []
    )
    return render(
        request,
        "iot/web/device.html",
        {
            "device": device,
            "values": values,
            "chart_keys": [v for v in values if v["type"] != "bool"] or values,
            "attributes": list(selectors.attributes_of(actor=actor, device=device)),
            "open_alarms": open_alarms,
            "can_see_alarms": can_see_alarms,
            "features": features,
            "periods": list(selectors.CHART_RANGES),
            "can_manage": actor.has_perm(org, IotPerm.IOT_MANAGE) and device.state != Device.State.RETIRED,
        },
    )


@view_page
@require_GET
def device_chart(request: HttpRequest, actor: Actor, membership: Membership, device_id: int) -> HttpResponse:
    """The chart's data for the device page's script: one key over 24 h, 7 or 30 days (uPlot's columns)."""
    device = _device(actor, membership, device_id)
    try:
        chart = selectors.telemetry_chart(
            actor=actor,
            device=device,
            key=request.GET.get("key", "")[:64],
            period=request.GET.get("period", "24h")[:8],
        )
    except MuangError as e:
        return form_errors.json_errors(e, status=400)
    response = JsonResponse(chart)
    response["Cache-Control"] = "private, max-age=60"
    return response


def _profiles(actor: Actor, membership: Membership):
    return list(selectors.profiles_of(actor=actor, organization=membership.organization))


def _device_data(form: DeviceForm, profiles) -> dict:
    data = dict(form.cleaned_data)
    data["profile"] = next(p for p in profiles if p.pk == data["profile"])
    data["dev_eui"] = data["dev_eui"] or None
    return data


@never_cache
@manage_page
@require_http_methods(["GET", "POST"])
def device_new(request: HttpRequest, actor: Actor, membership: Membership) -> HttpResponse:
    profiles = _profiles(actor, membership)
    form = DeviceForm(request.POST or None, profiles=profiles)
    if request.method == "POST" and form.is_valid():
        try:
            device, credential = services.device_create(
                actor=actor, organization=membership.organization, **_device_data(form, profiles)
            )
        except MuangError as e:
            add_service_errors(form, e)
        else:
            # The only time the credential exists outside the device: shown now, never again (no-cache).
            return render(
                request, "iot/web/device_credential.html", {"device": device, "credential": credential}
            )
    status = 422 if request.method == "POST" else 200
    return render(request, "iot/web/device_form.html", {"form": form, "profiles": profiles}, status=status)


@manage_page
@require_http_methods(["GET", "POST"])
def device_edit(request: HttpRequest, actor: Actor, membership: Membership, device_id: int) -> HttpResponse:
    device = _device(actor, membership, device_id)
    profiles = _profiles(actor, membership)
    if request.method == "POST":
        form = DeviceForm(request.POST, profiles=profiles)
        if form.is_valid():
            try:
                services.device_update(actor=actor, device=device, **_device_data(form, profiles))
            except MuangError as e:
                add_service_errors(form, e)
            else:
                messages.success(request, _("Saved."))
                return redirect("iot:device", device_id=device.pk)
    else:
        form = DeviceForm(
            initial={
                "name": device.name,
                "serial": device.serial,
                "profile": device.profile_id,
                "dev_eui": device.dev_eui or "",
                "lat": device.location.y if device.location else None,
                "lon": device.location.x if device.location else None,
                "installed_on": device.installed_on,
                "asset_ref": device.asset_ref,
            },
            profiles=profiles,
        )
    status = 422 if request.method == "POST" else 200
    return render(
        request,
        "iot/web/device_form.html",
        {"form": form, "device": device, "profiles": profiles},
        status=status,
    )


@manage_page
@require_POST
def device_retire(request: HttpRequest, actor: Actor, membership: Membership, device_id: int) -> HttpResponse:
    device = _device(actor, membership, device_id)
    try:
        services.device_retire(actor=actor, device=device)
    except MuangError as e:
        messages.error(request, e.detail)
    else:
        messages.success(request, _("The device is retired: its credential no longer works."))
    return redirect("iot:device", device_id=device.pk)


@never_cache
@manage_page
@require_POST
def device_rotate(request: HttpRequest, actor: Actor, membership: Membership, device_id: int) -> HttpResponse:
    device = _device(actor, membership, device_id)
    try:
        device, credential = services.device_rotate_credential(actor=actor, device=device)
    except MuangError as e:
        messages.error(request, e.detail)
        return redirect("iot:device", device_id=device.pk)
    return render(
        request,
        "iot/web/device_credential.html",
        {"device": device, "credential": credential, "rotated": True},
    )
