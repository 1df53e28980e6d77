"""The case desk (session login, /work/cases/): the department queue with its map, a case page, bulk actions,
exports, and filing a case for a caller. Other apps add to it through the desk's registries (`.desk`): category
suggesters and case panels; the desk never imports them."""

import datetime as dt

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from muang.core import form_errors, geo
from muang.core.access import Actor
from muang.core.errors import AccessDenied, InvalidInput, MuangError, NotFound
from muang.core.models import Department, Membership
from muang.core.thai_dates import bangkok_midnight
from muang.core.validation import point_from
from muang.core.views.pages import forbidden, holds, staff_page

from . import desk, exports
from . import services as cases
from .forms import (
    AssignForm,
    BulkForm,
    CategoryForm,
    DuplicateForm,
    ExportForm,
    ForwardForm,
    InviteForm,
    NoteForm,
    QueueFilterForm,
    StaffCaseForm,
    StatusForm,
)
from .models import Case
from .permissions import CasePerm
from .policy import is_department_bound
from .selectors import (
    BBox,
    assignable_staff,
    canned_responses,
    case_categories_of,
    case_detail,
    case_queue,
    get_assignee_for,
    get_case_for,
    organizations_taking_cases,
    staff_statuses,
    timeline_of,
)

# Where the services' field names show up in the forms.
FIELD_ALIASES = {"location": "lat", "contact": "contact_phone"}

QUEUE_PAGE_SIZE = 50
MAP_LIMIT = 2000


# Signed-in staff with the case view permission in their active organisation; passes actor and membership.
staff_view = staff_page(holds(CasePerm.CASE_VIEW))


def _filtered_queue(
    request: HttpRequest, actor: Actor, membership: Membership
) -> tuple[QueueFilterForm, QuerySet[Case]]:
    org = membership.organization
    bound = is_department_bound(actor, org)
    form = QueueFilterForm(
        request.GET or None,
        statuses=staff_statuses(org),
        categories=list(case_categories_of(actor=actor, organization=org)),
        departments=[] if bound else list(Department.objects.filter(organization=org, is_active=True)),
    )
    filters: dict = {}
    if form.is_valid():
        data = form.cleaned_data
        filters = {
            "statuses": data["status"],
            "category": data["category"] or None,
            "overdue": True if data["overdue"] else None,
            "is_open": True if data["open"] else None,
            "created_from": bangkok_midnight(data["created_from"]) if data["created_from"] else None,
            "created_to": bangkok_midnight(data["created_to"] + dt.timedelta(days=1))
            if data["created_to"]
            else None,
            "search": data["q"],
        }
        if not bound:
            filters["department"] = data.get("department") or None
        if data["bbox"]:
            try:
                filters["bbox"] = BBox.parse(data["bbox"])
            except MuangError as e:
                add_service_errors(form, e)
    if bound:
        # Officers and heads see their own department's queue (the case rules allow no more).
        filters["department"] = membership.department.code if membership.department else "-"
    qs = case_queue(
        actor=actor, organization=org, order="due_at" if filters.get("overdue") else "-created_at", **filters
    )
    return form, qs


@staff_view
@require_GET
def queue(request: HttpRequest, actor: Actor, membership: Membership) -> HttpResponse:
    form, qs = _filtered_queue(request, actor, membership)
    page = Paginator(qs, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    rows = [(c, c.is_overdue(now)) for c in page.object_list]
    query = request.GET.copy()
    query.pop("page", None)
    org = membership.organization
    bound = is_department_bound(actor, org)
    statuses = staff_statuses(org)
    staff = assignable_staff(
        actor=actor, organization=org, department_id=membership.department_id if bound else None
    )
    bbox = form.cleaned_data.get("bbox") if form.is_bound and not form.errors.get("bbox") else ""
    without_area = query.copy()
    without_area.pop("bbox", None)
    return render(
        request,
        "cases/queue.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "query": query.urlencode(),
            "query_without_area": without_area.urlencode(),
            "bbox": bbox,
            "organization": org,
            "can_assign": actor.has_perm(org, CasePerm.CASE_ASSIGN),
            "can_create": actor.has_perm(org, CasePerm.CASE_CREATE),
            "bulk_form": BulkForm(staff=staff, statuses=statuses),
            "export_form": ExportForm(),
        },
    )


@staff_view
@require_GET
def queue_map(request: HttpRequest, actor: Actor, membership: Membership) -> HttpResponse:
    """GeoJSON of the same filtered queue for the staff map (exact locations: staff see everything)."""
    _form, qs = _filtered_queue(request, actor, membership)
    now = timezone.now()
    rows = qs.exclude(location=None).values_list(
        "tracking_code", "location", "status__name_th", "category__name_th", "is_open", "due_at"
    )[:MAP_LIMIT]
    features = [
        geo.point_feature(
            loc.x,
            loc.y,
            {
                "code": code,
                "status": status,
                "category": category,
                "overdue": bool(is_open and due and due < now),
            },
        )
        for code, loc, status, category, is_open, due in rows
    ]
    return geo.geojson_response(geo.feature_collection(features, truncated=len(features) >= MAP_LIMIT))


def _other_organizations(org):
    return [o for o in organizations_taking_cases() if o.pk != org.pk]


def _routing_forms(actor: Actor, org, case: Case, forms_: dict) -> dict:
    """The routing card: the suggested category (with its confidence) and the forms to re-route the case."""
    if not case.is_open:
        return {}
    context: dict = {}
    if actor.has_perm(org, CasePerm.CASE_ROUTE):
        categories = list(case_categories_of(actor=actor, organization=org))
        others = _other_organizations(org)
        context |= {
            "can_route": True,
            "category_form": forms_.get("category_form")
            or CategoryForm(
                initial={"category": case.category.code},
                categories=categories,
                departments=Department.objects.filter(organization=org).order_by("name_th"),
            ),
            "forward_form": forms_.get("forward_form") or ForwardForm(organizations=others),
            "invite_form": forms_.get("invite_form") or InviteForm(organizations=others),
        }
        suggestion = desk.suggest_category(organization=org, text=case.description)
        if suggestion is not None:
            context["suggestion"] = {
                "category": suggestion.category,
                "percent": round(suggestion.confidence * 100),
                "source": suggestion.source,
                "differs": suggestion.category.pk != case.category_id,
            }
    if actor.has_perm(org, CasePerm.CASE_WORK):
        context["duplicate_form"] = forms_.get("duplicate_form") or DuplicateForm()
    return context


def _case_context(actor: Actor, membership: Membership, case: Case, **forms_) -> dict:
    org = membership.organization
    detail = case_detail(actor=actor, case=case)
    statuses = staff_statuses(org)
    staff = assignable_staff(actor=actor, organization=org, department_id=case.department_id)
    created = next((e for e in detail.events if e.kind == "created"), None)
    return {
        **_routing_forms(actor, org, case, forms_),
        "detail": detail,
        "timeline": timeline_of(detail),
        # What the citizen sent, at the top of the page beside the map (the timeline keeps every photo too).
        "report_photos": list(created.attachments.all()) if created is not None else [],
        "case": case,
        "overdue": case.is_overdue(),
        "can_assign": actor.has_perm(org, CasePerm.CASE_ASSIGN),
        "assign_form": forms_.get("assign_form")
        or AssignForm(initial={"assignee": case.assignee.username if case.assignee else ""}, staff=staff),
        "status_form": forms_.get("status_form") or StatusForm(statuses=statuses, current=case.status.code),
        "note_form": forms_.get("note_form") or NoteForm(),
        "canned": canned_responses(org),
        # What other apps know about the case (the citizen's answers, a pole, a person...): `.desk`.
        "panels": desk.case_panels(actor=actor, case=case),
    }


def _case_for(actor: Actor, membership: Membership, code: str) -> Case:
    case = get_case_for(actor=actor, tracking_code=code)
    if case.organization_id != membership.organization_id:
        raise NotFound(_("No case %(code)s.") % {"code": code})
    return case


@staff_view
@require_GET
def case_page(request: HttpRequest, actor: Actor, membership: Membership, code: str) -> HttpResponse:
    case = _case_for(actor, membership, code)
    return render(request, "cases/case.html", _case_context(actor, membership, case))


def add_service_errors(form, error: MuangError) -> None:
    """Put a domain error on the form field it names (or on the form when it names none)."""
    form_errors.add_service_errors(form, error, aliases=FIELD_ALIASES)


def _case_action(request, actor, membership, code, form_name, form, do) -> HttpResponse:
    case = _case_for(actor, membership, code)
    if form.is_valid():
        try:
            do(case, form.cleaned_data)
        except MuangError as e:
            add_service_errors(form, e)
        else:
            messages.success(request, _("Saved."))
            return redirect("cases:case", code=case.tracking_code)
    case = _case_for(actor, membership, code)
    return render(
        request,
        "cases/case.html",
        _case_context(actor, membership, case, **{form_name: form}),
        status=422,
    )


@staff_view
@require_POST
def case_assign(request: HttpRequest, actor: Actor, membership: Membership, code: str) -> HttpResponse:
    case = _case_for(actor, membership, code)
    staff = assignable_staff(
        actor=actor, organization=membership.organization, department_id=case.department_id
    )

    def do(case, data):
        assignee = (
            get_assignee_for(actor=actor, case=case, username=data["assignee"]) if data["assignee"] else None
        )
        cases.case_assign(actor=actor, case=case, assignee=assignee, message=data["message"])

    return _case_action(
        request, actor, membership, code, "assign_form", AssignForm(request.POST, staff=staff), do
    )


@staff_view
@require_POST
def case_status(request: HttpRequest, actor: Actor, membership: Membership, code: str) -> HttpResponse:
    form = StatusForm(request.POST, request.FILES, statuses=staff_statuses(membership.organization))

    def do(case, data):
        cases.case_change_status(
            actor=actor, case=case, status=data["status"], message=data["message"], photos=data["photos"]
        )

    return _case_action(request, actor, membership, code, "status_form", form, do)


@staff_view
@require_POST
def case_note(request: HttpRequest, actor: Actor, membership: Membership, code: str) -> HttpResponse:
    form = NoteForm(request.POST, request.FILES)

    def do(case, data):
        cases.case_add_note(
            actor=actor,
            case=case,
            message=data["message"],
            public=data["public"],
            photos=data["photos"],
            photo_kind=data["photo_kind"],
        )

    return _case_action(request, actor, membership, code, "note_form", form, do)


@staff_view
@require_POST
def case_category(request: HttpRequest, actor: Actor, membership: Membership, code: str) -> HttpResponse:
    org = membership.organization
    form = CategoryForm(
        request.POST,
        categories=case_categories_of(actor=actor, organization=org),
        departments=Department.objects.filter(organization=org),
    )

    def do(case, data):
        category = case_categories_of(actor=actor, organization=org).get(code=data["category"])
        department = (
            Department.objects.get(organization=org, code=data["department"]) if data["department"] else None
        )
        cases.case_change_category(actor=actor, case=case, category=category, department=department)

    return _case_action(request, actor, membership, code, "category_form", form, do)


def _to_other_organization(request, actor, membership, code, form_name, form_class, do) -> HttpResponse:
    """A routing action towards another organisation (forward, invite), chosen among those that take cases."""
    others = _other_organizations(membership.organization)
    form = form_class(request.POST, organizations=others)

    def with_target(case, data):
        do(case, next(o for o in others if o.slug == data["organization"]), data)

    return _case_action(request, actor, membership, code, form_name, form, with_target)


@staff_view
@require_POST
def case_forward(request: HttpRequest, actor: Actor, membership: Membership, code: str) -> HttpResponse:
    def do(case, target, data):
        cases.case_forward(actor=actor, case=case, to_organization=target, reason=data["reason"])

    return _to_other_organization(request, actor, membership, code, "forward_form", ForwardForm, do)


@staff_view
@require_POST
def case_invite(request: HttpRequest, actor: Actor, membership: Membership, code: str) -> HttpResponse:
    def do(case, target, data):
        cases.case_invite(actor=actor, case=case, organization=target, message=data["message"])

    return _to_other_organization(request, actor, membership, code, "invite_form", InviteForm, do)


@staff_view
@require_POST
def case_duplicate(request: HttpRequest, actor: Actor, membership: Membership, code: str) -> HttpResponse:
    form = DuplicateForm(request.POST)

    def do(case, data):
        try:
            original = get_case_for(actor=actor, tracking_code=data["original"])
        except (NotFound, InvalidInput, AccessDenied) as e:
            raise InvalidInput.for_field(
                "original", _("No case %(code)s here.") % {"code": data["original"]}
            ) from e
        cases.case_mark_duplicate(actor=actor, case=case, original=original, message=data["message"])

    return _case_action(request, actor, membership, code, "duplicate_form", form, do)


@staff_view
@require_http_methods(["GET", "POST"])
def case_new(request: HttpRequest, actor: Actor, membership: Membership) -> HttpResponse:
    """A case filed for a citizen who called or walked in (or one staff found themselves)."""
    org = membership.organization
    if not actor.has_perm(org, CasePerm.CASE_CREATE):
        return forbidden(request)
    categories = list(case_categories_of(actor=actor, organization=org))
    form = StaffCaseForm(request.POST or None, request.FILES or None, categories=categories)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            # The service refuses a place outside the organisation (muang.core.jurisdiction.require_within).
            location = point_from(lat=data["lat"], lon=data["lon"]) if data["lat"] is not None else None
            category = next(c for c in categories if c.code == data["category"])
            case, _created = cases.case_create(
                actor=actor,
                organization=org,
                category=category,
                channel=data["channel"],
                description=data["description"],
                location=location,
                address=data["address"],
                contact_name=data["contact_name"],
                contact_phone=data["contact_phone"],
                photos=data["photos"],
                idempotency_key=f"staff:{data['idempotency_key']}",
            )
        except MuangError as e:
            add_service_errors(form, e)
        else:
            messages.success(request, _("Case %(code)s filed.") % {"code": case.tracking_code})
            return redirect("cases:case", code=case.tracking_code)
    return render(
        request,
        "cases/case_new.html",
        {"form": form},
        status=422 if request.method == "POST" else 200,
    )


@staff_view
@require_POST
def bulk(request: HttpRequest, actor: Actor, membership: Membership) -> HttpResponse:
    """Assign and / or change the status of the ticked cases, each through its service."""
    org = membership.organization
    codes = request.POST.getlist("codes")[:QUEUE_PAGE_SIZE]
    selected = list(case_queue(actor=actor, organization=org).filter(tracking_code__in=codes))
    try:
        assignee = (
            get_assignee_for(actor=actor, case=selected[0], username=request.POST["assignee"])
            if selected and request.POST.get("assignee")
            else None
        )
    except MuangError as e:
        messages.error(request, e.detail)
        return redirect(request.POST.get("next") or "cases:queue")
    status = request.POST.get("status", "").strip() or None
    if not selected or (assignee is None and status is None):
        messages.error(request, _("Tick some cases and choose what to do with them."))
    else:
        result = cases.cases_bulk_update(
            actor=actor,
            cases_to_update=selected,
            assignee=assignee,
            status=status,
            message=request.POST.get("message", ""),
        )
        if result.done:
            messages.success(request, _("Updated: %(codes)s") % {"codes": ", ".join(result.done)})
        for code, why in result.failed:
            messages.error(request, f"{code}: {why}")
    nxt = request.POST.get("next", "")
    return redirect(nxt if nxt.startswith("/work/cases/") else "cases:queue")


@staff_view
@require_GET
def export(request: HttpRequest, actor: Actor, membership: Membership) -> HttpResponse:
    form = ExportForm(request.GET)
    if not form.is_valid():
        return render(
            request,
            "cases/export.html",
            {"form": form, "organization": membership.organization},
            status=422,
        )
    data = form.cleaned_data
    start, end = (
        bangkok_midnight(data["created_from"]),
        bangkok_midnight(data["created_to"] + dt.timedelta(days=1)),
    )
    bound = is_department_bound(actor, membership.organization)
    qs = case_queue(
        actor=actor,
        organization=membership.organization,
        department=(membership.department.code if membership.department else "-") if bound else None,
        created_from=start,
        created_to=end,
        order="created_at",
    )
    name = f"cases-{membership.organization.slug}-{data['created_from']:%Y%m%d}-{data['created_to']:%Y%m%d}"
    filename = f"{name}.{'xlsx' if data['format'] == 'xlsx' else 'csv'}"
    export_request = exports.ExportRequest(
        actor=actor,
        organization=membership.organization,
        filename=filename,
        filters={
            "created_from": data["created_from"],
            "created_to": data["created_to"],
            **({"department": membership.department.code} if bound and membership.department else {}),
        },
    )
    if data["format"] == "xlsx":
        response = HttpResponse(
            exports.cases_xlsx(qs, export_request),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        response = HttpResponse(exports.cases_csv(qs, export_request), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
