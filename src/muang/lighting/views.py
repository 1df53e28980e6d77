"""Staff pages of street lighting (/lighting/): the map of poles coloured by state, a pole's card (phone-sized,
for the field engineer), the dashboard, the register's import (dry run first) and export."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from muang.core.errors import MuangError
from muang.core.form_errors import add_service_errors
from muang.core.geo import feature_collection, geojson_response, point_feature
from muang.core.thai_dates import bangkok_date
from muang.core.views.pages import holds, import_page, staff_page
from muang.lighting import selectors
from muang.lighting.energy import DEFAULT_TARIFF, DEFAULT_TARIFF_SOURCE, month_energy
from muang.lighting.forms import PoleImportForm, ScheduleFormSet, TariffForm
from muang.lighting.permissions import LightingPerm
from muang.lighting.services.poles import EXPORT_FORMATS, poles_export, poles_import
from muang.lighting.sun import place_of

MAP_CLASSES = ("lit", "dimmed", "off", "faulty", "silent", "none")


def _legend():
    from django.utils.translation import gettext as _

    labels = {
        "lit": _("lit"),
        "dimmed": _("dimmed"),
        "off": _("off"),
        "faulty": _("faulty"),
        "silent": _("controller silent"),
        "none": _("no controller"),
    }
    return labels


@staff_page(holds(LightingPerm.LIGHTING_VIEW))
@require_GET
def pole_map(request: HttpRequest, actor, membership) -> HttpResponse:
    org = membership.organization
    views = selectors.streetlights(actor=actor, organization=org)
    counts = selectors.state_counts(views)
    legend = _legend()
    lat, lon = place_of(org)
    return render(
        request,
        "lighting/map.html",
        {
            "counts": [(c, legend[c], counts[c]) for c in MAP_CLASSES],
            "legend": legend,
            "center": {"lat": lat, "lon": lon},
            "total": len(views),
            "can_manage": actor.has_perm(org, LightingPerm.LIGHTING_MANAGE),
        },
    )


@staff_page(holds(LightingPerm.LIGHTING_VIEW))
@require_GET
def map_data(request: HttpRequest, actor, membership) -> HttpResponse:
    """The poles as GeoJSON for the map (a few hundred kB for a town's 1,500 poles)."""
    legend = _legend()
    features = [
        point_feature(
            v.lon,
            v.lat,
            {
                "id": v.id,
                "code": v.code,
                "class": v.map_class,
                "state": legend[v.map_class],
                "faults": [label for _kind, label in v.faults],
                "case": v.case_code,
            },
        )
        for v in selectors.streetlights(actor=actor, organization=membership.organization)
    ]
    return geojson_response(feature_collection(features))


@staff_page(holds(LightingPerm.LIGHTING_VIEW))
@require_GET
def pole_card(request: HttpRequest, actor, membership, pole_id: int) -> HttpResponse:
    org = membership.organization
    view = selectors.streetlight(actor=actor, organization=org, pole_id=pole_id)
    command = selectors.last_command(actor=actor, organization=org, pole_id=pole_id)
    return render(
        request,
        "lighting/pole.html",
        {"pole": view, "state_label": _legend()[view.map_class], "command": command},
    )


@staff_page(holds(LightingPerm.LIGHTING_VIEW))
@require_GET
def dashboard(request: HttpRequest, actor, membership) -> HttpResponse:
    org = membership.organization
    views = selectors.streetlights(actor=actor, organization=org)
    counts = selectors.state_counts(views)
    legend = _legend()
    faults = list(selectors.open_faults_of(actor=actor, organization=org)[:200])
    now = timezone.now()
    energy = month_energy(actor=actor, organization=org, month=bangkok_date(now), now=now)
    return render(
        request,
        "lighting/dashboard.html",
        {
            "energy": energy,
            "can_manage": actor.has_perm(org, LightingPerm.LIGHTING_MANAGE),
            "schedules": selectors.schedule_overview(actor=actor, organization=org),
            "counts": [(c, legend[c], counts[c]) for c in MAP_CLASSES],
            "faults": [
                {
                    "fault": f,
                    "subject": f.pole.code if f.pole_id else f.circuit.code,
                    "case": f.case or (f.parent.case if f.parent_id else None),
                }
                for f in faults
            ],
        },
    )


@staff_page(holds(LightingPerm.LIGHTING_MANAGE))
@require_http_methods(["GET", "POST"])
def pole_import(request: HttpRequest, actor, membership) -> HttpResponse:
    from django.utils.translation import gettext as _

    return import_page(
        request,
        PoleImportForm(request.POST or None, request.FILES or None),
        run_import=lambda data, filename, cleaned: poles_import(
            actor=actor,
            organization=membership.organization,
            data=data,
            filename=filename,
            dry_run=cleaned["dry_run"],
            skip_rejected=cleaned["skip_rejected"],
        ),
        template="lighting/import.html",
        done="lighting:map",
        done_message=lambda n, name: _("%(n)s poles imported from %(f)s.") % {"n": n, "f": name},
    )


@staff_page(holds(LightingPerm.LIGHTING_VIEW))
@require_GET
def pole_export(request: HttpRequest, actor, membership) -> HttpResponse:
    fmt = request.GET.get("format", "csv")
    if fmt not in EXPORT_FORMATS:
        return JsonResponse({"format": "csv, xlsx, geojson"}, status=400)
    content, content_type, filename = poles_export(actor=actor, organization=membership.organization, fmt=fmt)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


SCHEDULE_ROWS = 6  # rows on the page: a night rarely has more than four steps


@staff_page(holds(LightingPerm.LIGHTING_MANAGE))
@require_http_methods(["GET", "POST"])
def schedule_edit(request: HttpRequest, actor, membership, group_id: int) -> HttpResponse:
    """A group's night, step by step (engineering staff): from sunset or sunrise with an offset, or at a fixed
    time, to a dimming level. Saved whole through `schedule_set` (the worker sends it from the next minute)."""
    from django.utils.translation import gettext as _

    from muang.lighting.services.schedules import schedule_set

    org = membership.organization
    group = selectors.group_for(actor=actor, organization=org, group_id=group_id)
    if request.method == "POST":
        formset = ScheduleFormSet(request.POST, prefix="steps")
        if formset.is_valid():
            steps = [s for s in (f.step() for f in formset.forms) if s is not None]
            try:
                schedule_set(actor=actor, organization=org, group=group, steps=steps)
            except MuangError as e:
                _put_step_errors(formset, e, [i for i, f in enumerate(formset.forms) if f.step() is not None])
            else:
                messages.success(request, _("The schedule of %(group)s is saved.") % {"group": group.name})
                return redirect("lighting:dashboard")
    else:
        initial = [
            {
                "anchor": s.anchor,
                "offset_minutes": s.offset_minutes,
                "at": s.at,
                "dim_level": s.dim_level,
            }
            for s in group.steps.order_by("id")
        ]
        initial += [{"anchor": "fixed"}] * max(0, SCHEDULE_ROWS - len(initial))
        formset = ScheduleFormSet(initial=initial, prefix="steps")
    errors = request.method == "POST"
    return render(
        request,
        "lighting/schedule.html",
        {"group": group, "formset": formset, "can_manage": True},
        status=422 if errors else 200,
    )


def _put_step_errors(formset, error: MuangError, rows: list[int]) -> None:
    """The service names a step as `steps.<i>.<field>` (its i-th step, counting only the filled rows): put the
    message on that row's field, anything else on the formset as a whole."""
    from django.core.exceptions import ValidationError

    from muang.core.form_errors import field_messages

    for name, message in field_messages(error):
        parts = name.split(".")
        if len(parts) == 3 and parts[0] == "steps" and parts[1].isdigit() and int(parts[1]) < len(rows):
            form = formset.forms[rows[int(parts[1])]]
            form.add_error(parts[2] if parts[2] in form.fields else None, message)
        else:
            formset._non_form_errors = formset.non_form_errors() + ValidationError(message).error_list


@staff_page(holds(LightingPerm.LIGHTING_MANAGE))
@require_http_methods(["GET", "POST"])
def tariffs(request: HttpRequest, actor, membership) -> HttpResponse:
    """The organisation's electricity tariff for its street lights, dated rows (engineering staff); the default
    is shown as the default while there is none."""
    from django.utils.translation import gettext as _

    from muang.lighting.services.tariffs import tariff_set

    org = membership.organization
    form = TariffForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            tariff_set(actor=actor, organization=org, **form.cleaned_data)
        except MuangError as e:
            add_service_errors(form, e, raise_access=True)
        else:
            messages.success(request, _("The tariff is saved."))
            return redirect("lighting:tariffs")
    return render(
        request,
        "lighting/tariffs.html",
        {
            "form": form,
            "rows": selectors.tariffs_of(actor=actor, organization=org),
            "default": DEFAULT_TARIFF,
            "default_source": DEFAULT_TARIFF_SOURCE,
            "can_manage": True,
        },
        status=422 if form.errors else 200,
    )
