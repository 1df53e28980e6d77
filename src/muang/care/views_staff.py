"""Staff pages for what was API-only: add and edit a person, enrol a person in a programme, make a care plan.
Thin: the form parses, the service decides; a refusal lands on the field it names (Thai), the page answers 422
and nothing is written."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from muang.care import selectors, services, visit_selectors, visits
from muang.care.forms_staff import CarePlanForm, EnrolmentForm, PersonForm, TeleconsultationForm
from muang.care.models import Group
from muang.care.permissions import CarePerm
from muang.care.views import refusals_logged
from muang.core.errors import MuangError
from muang.core.form_errors import add_service_errors
from muang.core.thai_dates import BANGKOK, bangkok_date
from muang.core.views.pages import holds, staff_page


def _today():
    return bangkok_date(timezone.now())


def _render(request, template: str, context: dict, form) -> HttpResponse:
    return render(request, template, {**context, "form": form}, status=422 if form.errors else 200)


@staff_page(holds(CarePerm.CARE_EDIT))
@require_http_methods(["GET", "POST"])
def person_new(request: HttpRequest, actor, membership) -> HttpResponse:
    form = PersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            person = services.person_create(
                actor=actor, organization=membership.organization, today=_today(), **form.service_data()
            )
        except MuangError as e:
            add_service_errors(form, e, aliases=PersonForm.ALIASES, raise_access=True)
        else:
            messages.success(request, _("The person was added to the register."))
            return redirect("care:person", person.pk)
    return _render(request, "care/staff/person_form.html", {"person": None}, form)


@refusals_logged
@staff_page(holds(CarePerm.CARE_EDIT))
@require_http_methods(["GET", "POST"])
def person_edit(request: HttpRequest, actor, membership, person_id: int) -> HttpResponse:
    person = selectors.get_person_for(actor=actor, organization=membership.organization, person_id=person_id)
    form = PersonForm(request.POST or None, initial=PersonForm.initial_for(person))
    if request.method == "POST" and form.is_valid():
        try:
            services.person_update(actor=actor, person=person, today=_today(), **form.service_data(person))
        except MuangError as e:
            add_service_errors(form, e, aliases=PersonForm.ALIASES, raise_access=True)
        else:
            messages.success(request, _("The person's particulars were saved."))
            return redirect("care:person", person.pk)
    return _render(request, "care/staff/person_form.html", {"person": person}, form)


@refusals_logged
@staff_page(holds(CarePerm.CARE_EDIT))
@require_http_methods(["GET", "POST"])
def enrol(request: HttpRequest, actor, membership, person_id: int) -> HttpResponse:
    person = selectors.get_person_for(actor=actor, organization=membership.organization, person_id=person_id)
    form = EnrolmentForm(request.POST or None, initial={"started_on": _today()})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            services.enrolment_create(actor=actor, person=person, **data)
        except MuangError as e:
            add_service_errors(form, e, raise_access=True)
        else:
            messages.success(request, _("The person was enrolled."))
            return redirect("care:person", person.pk)
    return _render(request, "care/staff/enrol.html", {"person": person}, form)


@refusals_logged
@staff_page(holds(CarePerm.CARE_EDIT))
@require_http_methods(["GET", "POST"])
def care_plan_new(request: HttpRequest, actor, membership, person_id: int) -> HttpResponse:
    org = membership.organization
    person = selectors.get_person_for(actor=actor, organization=org, person_id=person_id)
    managers = visit_selectors.care_managers(actor=actor, organization=org)
    initial = {"care_manager_id": actor.user.pk if actor.user else None}
    form = CarePlanForm(request.POST or None, managers=managers, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.care_plan_create(
                actor=actor,
                person=person,
                goals=form.cleaned_data["goals"],
                care_manager_id=form.cleaned_data["care_manager_id"],
                caregivers=form.caregiver_list(),
                visits_per_month=form.cleaned_data["visits_per_month"],
                today=_today(),
            )
        except MuangError as e:
            add_service_errors(form, e, aliases={"person": None, "fiscal_year": None}, raise_access=True)
        else:
            messages.success(request, _("The care plan was made."))
            return redirect("care:person", person.pk)
    group = dict(Group.choices).get(person.adl_group, "")
    return _render(request, "care/staff/care_plan.html", {"person": person, "group_label": group}, form)


@refusals_logged
@staff_page(holds(CarePerm.CARE_EDIT))
@require_http_methods(["GET", "POST"])
def teleconsultation_new(request: HttpRequest, actor, membership, person_id: int) -> HttpResponse:
    """Schedule a call with the hospital: its day, time and own video link (on the round that day)."""
    org = membership.organization
    person = selectors.get_person_for(actor=actor, organization=org, person_id=person_id)
    form = TeleconsultationForm(request.POST or None, initial={"day": _today()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        at = timezone.make_aware(dt.datetime.combine(data["day"], data["time"]), BANGKOK)
        try:
            visits.teleconsultation_schedule(
                actor=actor,
                organization=org,
                person_id=person.pk,
                scheduled_at=at,
                video_link=data["video_link"],
                notes=data["notes"],
                now=timezone.now(),
            )
        except MuangError as e:
            add_service_errors(form, e, aliases={"scheduled_at": "day"}, raise_access=True)
        else:
            messages.success(request, _("The teleconsultation was scheduled."))
            return redirect("care:person", person.pk)
    return _render(request, "care/staff/teleconsultation.html", {"person": person}, form)
