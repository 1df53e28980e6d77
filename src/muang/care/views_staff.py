"""Staff pages for what was API-only: add and edit a person, enrol a person in a programme, make a care plan.
Thin: the form parses, the service decides (core's `service_form_page`); a refusal lands on the field it names
(Thai), the page answers 422 and nothing is written."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from muang.care import selectors, services, visit_selectors, visits
from muang.care.forms_staff import CarePlanForm, EnrolmentForm, PersonForm, TeleconsultationForm
from muang.care.models import Group
from muang.care.permissions import CarePerm
from muang.care.views import refusals_logged
from muang.core.thai_dates import BANGKOK, bangkok_date
from muang.core.views.pages import holds, service_form_page, staff_page


def _today():
    return bangkok_date(timezone.now())


def _to_person(person_id: int):
    return lambda _result: reverse("care:person", args=[person_id])


@staff_page(holds(CarePerm.CARE_EDIT))
@require_http_methods(["GET", "POST"])
def person_new(request: HttpRequest, actor, membership) -> HttpResponse:
    return service_form_page(
        request,
        PersonForm(request.POST or None),
        save=lambda form: services.person_create(
            actor=actor, organization=membership.organization, today=_today(), **form.service_data()
        ),
        aliases=PersonForm.ALIASES,
        template="care/staff/person_form.html",
        context={"person": None},
        done=lambda person: reverse("care:person", args=[person.pk]),
        done_message=_("The person was added to the register."),
    )


@refusals_logged
@staff_page(holds(CarePerm.CARE_EDIT))
@require_http_methods(["GET", "POST"])
def person_edit(request: HttpRequest, actor, membership, person_id: int) -> HttpResponse:
    person = selectors.get_person_for(actor=actor, organization=membership.organization, person_id=person_id)
    return service_form_page(
        request,
        PersonForm(request.POST or None, initial=PersonForm.initial_for(person)),
        save=lambda form: services.person_update(
            actor=actor, person=person, today=_today(), **form.service_data(person)
        ),
        aliases=PersonForm.ALIASES,
        template="care/staff/person_form.html",
        context={"person": person},
        done=_to_person(person.pk),
        done_message=_("The person's particulars were saved."),
    )


@refusals_logged
@staff_page(holds(CarePerm.CARE_EDIT))
@require_http_methods(["GET", "POST"])
def enrol(request: HttpRequest, actor, membership, person_id: int) -> HttpResponse:
    person = selectors.get_person_for(actor=actor, organization=membership.organization, person_id=person_id)
    return service_form_page(
        request,
        EnrolmentForm(request.POST or None, initial={"started_on": _today()}),
        save=lambda form: services.enrolment_create(actor=actor, person=person, **form.cleaned_data),
        template="care/staff/enrol.html",
        context={"person": person},
        done=_to_person(person.pk),
        done_message=_("The person was enrolled."),
    )


@refusals_logged
@staff_page(holds(CarePerm.CARE_EDIT))
@require_http_methods(["GET", "POST"])
def care_plan_new(request: HttpRequest, actor, membership, person_id: int) -> HttpResponse:
    org = membership.organization
    person = selectors.get_person_for(actor=actor, organization=org, person_id=person_id)
    managers = visit_selectors.care_managers(actor=actor, organization=org)
    initial = {"care_manager_id": actor.user.pk if actor.user else None}
    return service_form_page(
        request,
        CarePlanForm(request.POST or None, managers=managers, initial=initial),
        save=lambda form: services.care_plan_create(
            actor=actor,
            person=person,
            goals=form.cleaned_data["goals"],
            care_manager_id=form.cleaned_data["care_manager_id"],
            caregivers=form.caregiver_list(),
            visits_per_month=form.cleaned_data["visits_per_month"],
            today=_today(),
        ),
        aliases={"person": None, "fiscal_year": None},
        template="care/staff/care_plan.html",
        context={"person": person, "group_label": dict(Group.choices).get(person.adl_group, "")},
        done=_to_person(person.pk),
        done_message=_("The care plan was made."),
    )


@refusals_logged
@staff_page(holds(CarePerm.CARE_EDIT))
@require_http_methods(["GET", "POST"])
def teleconsultation_new(request: HttpRequest, actor, membership, person_id: int) -> HttpResponse:
    """Schedule a call with the hospital: its day, time and own video link (on the round that day)."""
    org = membership.organization
    person = selectors.get_person_for(actor=actor, organization=org, person_id=person_id)

    def save(form):
        data = form.cleaned_data
        return visits.teleconsultation_schedule(
            actor=actor,
            organization=org,
            person_id=person.pk,
            scheduled_at=timezone.make_aware(dt.datetime.combine(data["day"], data["time"]), BANGKOK),
            video_link=data["video_link"],
            notes=data["notes"],
            now=timezone.now(),
        )

    return service_form_page(
        request,
        TeleconsultationForm(request.POST or None, initial={"day": _today()}),
        save=save,
        aliases={"scheduled_at": "day"},
        template="care/staff/teleconsultation.html",
        context={"person": person},
        done=_to_person(person.pk),
        done_message=_("The teleconsultation was scheduled."),
    )
