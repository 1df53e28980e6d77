"""Staff pages of waste fees (/waste/): accounts, the rate schedule, the billing run, arrears and reminders,
routes on a map, and the crew's round of the day on a phone."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from muang.core.errors import MuangError
from muang.core.form_errors import add_service_errors
from muang.core.views.pages import holds, staff_page
from muang.waste import selectors
from muang.waste.forms import AccountForm, BillingRunForm, RateScheduleForm, TripForm
from muang.waste.panels import WEEKDAYS
from muang.waste.permissions import WastePerm
from muang.waste.services import accounts, billing, collection, rates, reminders


def _nav(actor, org) -> dict:
    return {
        "can_manage": actor.has_perm(org, WastePerm.WASTE_MANAGE),
        "can_bill": actor.has_perm(org, WastePerm.WASTE_BILL),
        "can_arrears": actor.has_perm(org, WastePerm.WASTE_ARREARS),
        "can_view": actor.has_perm(org, WastePerm.WASTE_VIEW),
        "can_crew": actor.has_perm(org, WastePerm.WASTE_CREW),
    }


@staff_page(holds(WastePerm.WASTE_VIEW))
@require_http_methods(["GET", "POST"])
def account_list(request: HttpRequest, actor, membership) -> HttpResponse:
    org = membership.organization
    form = AccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            account = accounts.account_create(actor=actor, organization=org, **form.cleaned_data)
        except MuangError as e:
            add_service_errors(form, e, raise_access=True)
        else:
            messages.success(request, _("Account %(number)s opened.") % {"number": account.number})
            return redirect("waste:accounts")
    q = request.GET.get("q", "")[:100]
    rows = list(selectors.accounts_of(actor=actor, organization=org, q=q)[:200])
    schedule = selectors.schedule_in_force(org, timezone.localdate())
    rates = selectors.rates_in_force(org, timezone.localdate())
    for row in rows:  # the rate's name in today's schedule, not its code
        row.rate_name = rates[row.rate_class].name if row.rate_class in rates else row.rate_class
    return render(
        request,
        "waste/accounts.html",
        {"accounts": rows, "q": q, "form": form, "schedule": schedule, **_nav(actor, org)},
        status=422 if form.errors else 200,
    )


@staff_page(holds(WastePerm.WASTE_VIEW))
@require_http_methods(["GET", "POST"])
def rate_schedules(request: HttpRequest, actor, membership) -> HttpResponse:
    org = membership.organization
    form = RateScheduleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            rates.rate_schedule_create(
                actor=actor,
                organization=org,
                ordinance=form.cleaned_data["ordinance"],
                effective_from=form.cleaned_data["effective_from"],
                rates=form.rates(),
            )
        except MuangError as e:
            add_service_errors(form, e, raise_access=True)
        else:
            messages.success(request, _("Rate schedule saved."))
            return redirect("waste:rates")
    schedules = [(s, list(s.rates.all())) for s in selectors.rate_schedules_of(actor=actor, organization=org)]
    return render(
        request,
        "waste/rates.html",
        {"schedules": schedules, "form": form, **_nav(actor, org)},
        status=422 if form.errors else 200,
    )


@staff_page(holds(WastePerm.WASTE_BILL))
@require_http_methods(["GET", "POST"])
def billing_run(request: HttpRequest, actor, membership) -> HttpResponse:
    org = membership.organization
    form = BillingRunForm(request.POST or None, initial={"period": timezone.localdate(), "cycle": "monthly"})
    result = None
    if request.method == "POST" and form.is_valid():
        try:
            result = billing.waste_billing_run(actor=actor, organization=org, **form.cleaned_data)
        except MuangError as e:
            add_service_errors(form, e, raise_access=True, aliases={"rate_class": "period"})
    return render(
        request,
        "waste/billing.html",
        {"form": form, "result": result, **_nav(actor, org)},
        status=422 if form.errors else 200,
    )


@staff_page(holds(WastePerm.WASTE_ARREARS))
@require_GET
def arrears(request: HttpRequest, actor, membership) -> HttpResponse:
    org = membership.organization
    rows = selectors.arrears_by_account(actor=actor, organization=org)
    total = sum((r.total for r in rows), start=0)
    return render(request, "waste/arrears.html", {"rows": rows, "total": total, **_nav(actor, org)})


@staff_page(holds(WastePerm.WASTE_ARREARS))
@require_POST
def reminders_send(request: HttpRequest, actor, membership) -> HttpResponse:
    sent = reminders.reminders_send(actor=actor, organization=membership.organization)
    messages.success(request, _("%(n)s reminder(s) sent.") % {"n": sent})
    return redirect("waste:arrears")


@staff_page(holds(WastePerm.WASTE_VIEW))
@require_GET
def route_list(request: HttpRequest, actor, membership) -> HttpResponse:
    org = membership.organization
    routes = [
        (r, " ".join(WEEKDAYS[d] for d in r.weekdays))
        for r in selectors.routes_of(actor=actor, organization=org)
    ]
    return render(request, "waste/routes.html", {"routes": routes, **_nav(actor, org)})


def _stops_json(stops) -> list[dict]:
    return [
        {
            "seq": s.seq,
            "name": s.name,
            "lat": s.location.y,
            "lon": s.location.x,
            "fill": float(s.fill_percent) if s.fill_percent is not None else None,
            "priority": s.priority,
        }
        for s in stops
    ]


@staff_page(holds(WastePerm.WASTE_VIEW))
@require_GET
def route_page(request: HttpRequest, actor, membership, route_id: int) -> HttpResponse:
    org = membership.organization
    route = selectors.get_route_for(actor=actor, organization=org, route_id=route_id)
    stops = sorted(selectors.stops_of(route), key=lambda s: s.seq)
    return render(
        request,
        "waste/route.html",
        {
            "route": route,
            "days": " ".join(WEEKDAYS[d] for d in route.weekdays),
            "stops": stops,
            "stops_json": _stops_json(stops),
            **_nav(actor, org),
        },
    )


@staff_page(holds(WastePerm.WASTE_CREW))
@require_GET
def crew(request: HttpRequest, actor, membership) -> HttpResponse:
    org = membership.organization
    today = timezone.localdate()
    days = [
        selectors.crew_day(actor=actor, organization=org, route=r, day=today)
        for r in selectors.crew_routes(actor=actor, organization=org)
    ]
    days.sort(key=lambda d: (not d.runs_today, d.route.code))
    return render(request, "waste/crew.html", {"days": days, "today": today, "form": TripForm()})


@staff_page(holds(WastePerm.WASTE_CREW))
@require_POST
def trip(request: HttpRequest, actor, membership, route_id: int) -> HttpResponse:
    org = membership.organization
    route = selectors.get_route_for(
        actor=actor, organization=org, route_id=route_id, perm=WastePerm.WASTE_CREW
    )
    form = TripForm(request.POST)
    if form.is_valid():
        try:
            collection.trip_record(actor=actor, route=route, day=timezone.localdate(), **form.cleaned_data)
        except MuangError as e:
            add_service_errors(form, e, raise_access=True, default_field="stops_collected")
        else:
            messages.success(request, _("Trip recorded."))
            return redirect("waste:crew")
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)
    return redirect("waste:crew")
