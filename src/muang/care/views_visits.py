"""The caregiver's phone pages (/care/visits/): the round for today (overdue first, then due), a person's card
and the visit form, which keeps working when the signal drops.

Offline: the form goes into an outbox on the phone (IndexedDB, `care/visit_outbox.js`) before it is sent, and
leaves it only when the server has answered; a service worker (`sw.js`, scope /care/visits/) serves the pages
already opened from its cache when there is no network. The phone makes a UUID per filled form, so however
often the outbox resends, the visit is stored once (`care.visits.visit_record`)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from muang.care import services, visit_selectors, visits
from muang.care.barthel import ITEMS
from muang.care.forms import ITEM_LABELS
from muang.care.models import Group, VisitType
from muang.care.permissions import CarePerm
from muang.care.views import refusals_logged
from muang.core.errors import MuangError
from muang.core.form_errors import problem_errors
from muang.core.thai_dates import bangkok_date
from muang.core.views.pages import holds, staff_page

# What the service worker keeps for the page shell (besides each visit page once it has been opened online).
SHELL_STATIC = ("care/care.css", "care/visits.css", "care/visit_outbox.js")


def _group_labels() -> dict[str, str]:
    return {value: str(label) for value, label in Group.choices}


@refusals_logged
@staff_page(holds(CarePerm.CARE_VIEW))
@require_GET
def visits_today(request: HttpRequest, actor, membership) -> HttpResponse:
    today = bangkok_date(timezone.now())
    due = visit_selectors.visits_due(actor=actor, organization=membership.organization, today=today)
    labels = _group_labels()
    # One stop of the round per person: home visits a person is owed (missed ones too) are one row, opened on the
    # oldest (the one the form completes), with how many are owed. Each teleconsultation is its own call.
    rows: list[dict] = []
    home_rows: dict[int, dict] = {}
    for row in due:
        visit = row.visit
        if visit.visit_type == VisitType.HOME and visit.person_id in home_rows:
            home_rows[visit.person_id]["owed"] += 1
            continue
        entry = {
            "visit": visit,
            "person": visit.person,
            "overdue": row.overdue,
            "owed": 1,
            "age": services.age_on(visit.person.birth_date, today),
            "group": labels.get(visit.person.adl_group, ""),
        }
        rows.append(entry)
        if visit.visit_type == VisitType.HOME:
            home_rows[visit.person_id] = entry
    return render(
        request,
        "care/visits/today.html",
        {
            "rows": rows,
            "today": today,
            "overdue": sum(1 for r in rows if r["overdue"]),
            "can_edit": actor.has_perm(membership.organization, CarePerm.CARE_EDIT),
        },
    )


@refusals_logged
@staff_page(holds(CarePerm.CARE_EDIT))
@require_GET
def visit_form(request: HttpRequest, actor, membership, person_id: int) -> HttpResponse:
    """The person's card and the visit form (opening it is an audited read for a home visit)."""
    org = membership.organization
    person = visit_selectors.person_for_visit(actor=actor, organization=org, person_id=person_id)
    today = bangkok_date(timezone.now())
    planned = visit_selectors.planned_visit_of(
        actor=actor, person=person, visit_id=request.GET.get("planned", "")
    )
    return render(
        request,
        "care/visits/form.html",
        {
            "person": person,
            "age": services.age_on(person.birth_date, today),
            "group_label": _group_labels().get(person.adl_group, ""),
            "planned": planned,
            "items": [(f"adl_{item}", ITEM_LABELS[item], range(high + 1)) for item, high in ITEMS.items()],
            "visit_types": VisitType.choices,
            "vitals": [
                ("bp_systolic", _("BP systolic"), "mmHg", "1"),
                ("bp_diastolic", _("BP diastolic"), "mmHg", "1"),
                ("pulse", _("pulse"), _("/min"), "1"),
                ("glucose", _("glucose"), "mg/dL", "1"),
                ("weight", _("weight"), _("kg"), "0.1"),
                ("temperature", _("temperature"), "°C", "0.1"),
            ],
        },
    )


@staff_page(holds(CarePerm.CARE_EDIT))
@require_POST
def visit_submit(request: HttpRequest, actor, membership) -> HttpResponse:
    """Where the phone's outbox sends a filled form (multipart): JSON back, 201 (also for a resend of the same
    form) or 422 with the fields at fault."""
    data = {k: v for k, v in request.POST.items() if k != "csrfmiddlewaretoken"}
    try:
        result = visits.visit_record(
            actor=actor,
            organization=membership.organization,
            data=data,
            now=timezone.now(),
            photo=request.FILES.get("photo"),
        )
    except MuangError as e:
        return JsonResponse(
            {"detail": e.detail, "errors": problem_errors(e)},
            status=e.status,
            json_dumps_params={"ensure_ascii": False},
        )
    person = result.visit.person
    group = _group_labels().get(person.adl_group, "")
    return JsonResponse(
        {
            "visit_id": result.visit.pk,
            "replayed": result.replayed,
            "group": person.adl_group,
            "group_label": group,
            "needs_care_plan": result.needs_care_plan,
            "near_home": result.visit.near_home,
        },
        status=201,
    )


@staff_page(holds(CarePerm.CARE_VIEW))
@require_GET
def service_worker(request: HttpRequest, actor, membership) -> HttpResponse:
    """The service worker of the visit pages, served under /care/visits/ so that its scope covers them."""
    response = render(
        request,
        "care/visits/sw.js",
        {"shell": [static(name) for name in SHELL_STATIC], "version": "care-visits-v1"},
        content_type="text/javascript; charset=utf-8",
    )
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = "/care/visits/"
    return response
