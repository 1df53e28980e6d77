"""Staff pages of the care register (/care/), phone-friendly: the people list with search and filters, a
person's page (opened with a purpose, audited: programmes, ADL history with its trend, care plans), the map
of people by ADL group (the bed-bound in a flooded area), the import (dry run first) and the export.

Every page needs the care duty; a refused attempt at a person's record is logged (`muang.care.access`)."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from muang.care import allowances as allowance_reads
from muang.care import selectors, services
from muang.care.access_log import log_refusal
from muang.care.barthel import ITEMS
from muang.care.forms import ITEM_LABELS, AssessmentForm, PeopleImportForm
from muang.care.imports import export_csv, people_import
from muang.care.models import Enrolment, EnrolmentStatus, Group, Programme, ReadPurpose
from muang.care.permissions import CarePerm
from muang.core import audit
from muang.core.errors import MuangError
from muang.core.form_errors import add_service_errors
from muang.core.geo import feature_collection, geojson_response, point_feature
from muang.core.thai_dates import bangkok_date
from muang.core.views.pages import holds, import_page, staff_page
from muang.core.workspace import active_membership, actor_from_request
from muang.ems import selectors as ems_selectors

PAGE_SIZE = 50


def refusals_logged(view):
    """Log who was refused a care page (the audit log itself stays untouched by refused callers)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs):
        if request.user.is_authenticated:
            membership = active_membership(request)
            actor = actor_from_request(request)
            if membership is None or not actor.has_perm(membership.organization, CarePerm.CARE_VIEW):
                log_refusal(
                    actor=actor,
                    where=request.path,
                    organization_id=membership.organization_id if membership else None,
                )
        return view(request, *args, **kwargs)

    return wrapped


def _labels() -> dict[str, dict[str, str]]:
    return {
        name: {value: str(label) for value, label in choices.choices}
        for name, choices in (("group", Group), ("programme", Programme), ("purpose", ReadPurpose))
    }


@staff_page(holds(CarePerm.CARE_VIEW))
@require_GET
def people_list(request: HttpRequest, actor, membership) -> HttpResponse:
    org = membership.organization
    q, group, programme = (request.GET.get(k, "").strip() for k in ("q", "group", "programme"))
    error = ""
    try:
        people = selectors.people_of(actor=actor, organization=org, q=q, group=group, programme=programme)
        page = Paginator(people, PAGE_SIZE).get_page(request.GET.get("page"))
        rows = list(page.object_list)
    except MuangError as e:
        error, page, rows = e.detail, None, []
    today = bangkok_date(timezone.now())
    labels = _labels()
    return render(
        request,
        "care/list.html",
        {
            "rows": [
                {
                    "person": p,
                    "age": services.age_on(p.birth_date, today),
                    "group": labels["group"].get(p.adl_group, ""),
                }
                for p in rows
            ],
            "page": page,
            "q": q,
            "group": group,
            "programme": programme,
            "groups": Group.choices,
            "programmes": Programme.choices,
            "error": error,
            "can_edit": actor.has_perm(org, CarePerm.CARE_EDIT),
        },
        status=422 if error else 200,
    )


@refusals_logged
@staff_page(holds(CarePerm.CARE_VIEW))
@require_http_methods(["GET", "POST"])
def person_page(request: HttpRequest, actor, membership, person_id: int) -> HttpResponse:
    """Without a purpose: who the person is and a choice of purpose. With one: the health record (audited)."""
    org = membership.organization
    purpose = request.GET.get("purpose", "")
    person = selectors.get_person_for(actor=actor, organization=org, person_id=person_id)
    today = bangkok_date(timezone.now())
    context = {
        "person": person,
        "age": services.age_on(person.birth_date, today),
        "purposes": ReadPurpose.choices,
        "can_edit": actor.has_perm(org, CarePerm.CARE_EDIT),
    }
    if purpose not in ReadPurpose.values:
        return render(request, "care/purpose.html", context)
    form = AssessmentForm(request.POST or None, initial={"assessed_on": today})
    if request.method == "POST" and context["can_edit"] and form.is_valid():
        data = dict(form.cleaned_data)
        assessed_on = data.pop("assessed_on")
        try:
            services.assessment_record(
                actor=actor, person=person, assessed_on=assessed_on, items=data, today=today
            )
        except MuangError as e:
            add_service_errors(form, e)
        else:
            messages.success(request, _("The assessment was recorded."))
            return redirect(f"{request.path}?purpose={purpose}")
    record = selectors.health_record(actor=actor, organization=org, person_id=person_id, purpose=purpose)
    labels = _labels()
    context.update(
        {
            "record": record,
            "purpose_label": labels["purpose"][purpose],
            "group_label": labels["group"].get(person.adl_group, ""),
            "enrolments": [
                {"e": e, "label": labels["programme"][e.programme], "open": e.status != EnrolmentStatus.ENDED}
                for e in record.enrolments
            ],
            "assessments": [
                {"a": a, "group": labels["group"][a.group]} for a in reversed(record.assessments)
            ],
            "trend": {
                "days": [a.assessed_on.isoformat() for a in record.assessments],
                "totals": [a.total for a in record.assessments],
            },
            "items": [(item, ITEM_LABELS[item], high) for item, high in ITEMS.items()],
            "plans": [
                {"view": v, "group": labels["group"][v.plan.group], "manager": v.plan.care_manager}
                for v in record.plans
            ],
            "form": form,
            "allowances": allowance_reads.person_allowances(actor=actor, person=person),
            "wristband": ems_selectors.band_of_person(actor=actor, organization=org, person=person),
        }
    )
    status = 422 if form.errors else 200
    return render(request, "care/person.html", context, status=status)


@staff_page(holds(CarePerm.CARE_VIEW))
@require_GET
def people_map(request: HttpRequest, actor, membership) -> HttpResponse:
    org = membership.organization
    centroid = org.boundary.centroid if getattr(org, "boundary", None) else None
    center = {"lat": centroid.y, "lon": centroid.x} if centroid else {"lat": 16.545, "lon": 102.1}
    return render(
        request,
        "care/map.html",
        {"groups": Group.choices, "center": center, "group": request.GET.get("group", "")},
    )


@staff_page(holds(CarePerm.CARE_VIEW))
@require_GET
def map_data(request: HttpRequest, actor, membership) -> HttpResponse:
    """People with a home location as GeoJSON, by group, inside a bbox or polygon when given."""
    labels = _labels()["group"]
    try:
        area = selectors.area_from(bbox=request.GET.get("bbox", ""), polygon=request.GET.get("polygon", ""))
        people = selectors.people_of(
            actor=actor,
            organization=membership.organization,
            group=request.GET.get("group", ""),
            area=area,
        ).filter(location__isnull=False, died_on__isnull=True)
    except MuangError as e:
        return HttpResponse(e.detail, status=422, content_type="text/plain; charset=utf-8")
    features = [
        point_feature(
            p.location.x,
            p.location.y,
            {
                "id": p.pk,
                "name": p.display_name,
                "group": p.adl_group,
                "group_label": labels.get(p.adl_group, ""),
                "alone": p.lives_alone,
            },
        )
        for p in people.only(
            "id", "title", "first_name", "last_name", "location", "adl_group", "lives_alone"
        )[:20000]
    ]
    return geojson_response(feature_collection(features))


@staff_page(holds(CarePerm.CARE_EDIT))
@require_http_methods(["GET", "POST"])
def people_import_page(request: HttpRequest, actor, membership) -> HttpResponse:
    return import_page(
        request,
        PeopleImportForm(request.POST or None, request.FILES or None),
        run_import=lambda data, filename, cleaned: people_import(
            actor=actor,
            organization=membership.organization,
            data=data,
            filename=filename,
            dry_run=cleaned["dry_run"],
            today=bangkok_date(timezone.now()),
        ),
        template="care/import.html",
        done="care:list",
        done_message=lambda n, name: _("%(n)s people imported from %(f)s.") % {"n": n, "f": name},
    )


@staff_page(holds(CarePerm.CARE_EDIT))
@require_GET
def people_export(request: HttpRequest, actor, membership) -> HttpResponse:
    """The register as CSV (UTF-8 with a byte-order mark, for Excel); audited as an export of personal data."""
    org = membership.organization
    people = selectors.people_of(actor=actor, organization=org).prefetch_related(_open_enrolments())
    content = export_csv(people)
    filename = f"care-people-{bangkok_date(timezone.now()).isoformat()}.csv"
    audit.record_export(
        actor=actor, organization=org, what="care.people", filename=filename, rows=content.count("\n") - 1
    )
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _open_enrolments():
    from django.db.models import Prefetch

    return Prefetch(
        "enrolments",
        queryset=Enrolment.objects.exclude(status=EnrolmentStatus.ENDED),
        to_attr="open_enrolments",
    )
