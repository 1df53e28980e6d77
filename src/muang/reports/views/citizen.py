"""The citizen's web report: pick a place, see who receives it and similar open reports, file, then track."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from muang.cases.models import AttachmentKind, SystemStatus
from muang.cases.tracking import normalize_tracking_code
from muang.core.client_address import client_ip
from muang.core.errors import InvalidInput, MuangError, NotFound
from muang.core.jurisdiction import locate_organization
from muang.core.validation import point_from
from muang.core.views.pages import public_page

from .. import selectors, services
from ..forms import ClaimForm, RatingForm, ReopenForm, ReportForm
from ..questions import (
    AnswerProblem,
    Problem,
    check_answers,
    field_name,
    max_length,
    questions_of,
    raw_values,
)
from . import add_service_errors

CITIZEN_REASON = (
    "anyone may report a problem; a report is reached by its unguessable tracking code, and rating or reopening "
    "it needs the reporter's own session"
)


def _with_notices(organization) -> list:
    return [
        (c, selectors.category_notice(organization, c.code))
        for c in selectors.intake_categories(organization)
    ]


def answer_message(p: AnswerProblem) -> str:
    """A problem with an answer, worded for the citizen beside the question."""
    if p.problem == Problem.REQUIRED:
        return _("Please answer this question.")
    if p.problem == Problem.NOT_A_CHOICE:
        return _("Choose one of the answers listed.")
    if p.problem == Problem.NOT_A_NUMBER:
        return _("Enter a number.")
    if p.problem == Problem.NOT_A_DATETIME:
        return _("Enter a date and time.")
    return _("At most %(max)d characters.") % {"max": max_length(p.question)}


def _category_context(route, category, data=None, problems: list[AnswerProblem] = ()) -> dict:
    """What the page shows once a category is chosen: its notice, its questions (with what was sent and what
    was wrong), and similar open reports nearby."""
    errors = {p.question.code: answer_message(p) for p in problems}
    questions = [
        {
            "q": q,
            "name": field_name(q.code),
            "sent": raw_values(data, q) if data is not None else [],
            "error": errors.get(q.code, ""),
            "max_length": max_length(q),
        }
        for q in questions_of(category)
    ]
    return {
        "category": category,
        "questions": questions,
        "notice": selectors.category_notice(route.organization, category.code),
        "nearby": selectors.nearby_open_cases(
            organization=route.organization, category=category, point=route.point
        ),
    }


def _place(lat: str | None, lon: str | None):
    """(route, error message) for the coordinates the page sent."""
    try:
        route = locate_organization(point_from(lat=float(lat or ""), lon=float(lon or "")))
    except ValueError:
        return None, _("Latitude and longitude must be numbers.")
    except MuangError as e:
        return None, e.detail
    return route, ""


@public_page(CITIZEN_REASON)
@require_http_methods(["GET", "POST"])
def report_new(request: HttpRequest) -> HttpResponse:
    form = ReportForm(request.POST or None, request.FILES or None)
    route = None
    categories = []
    chosen: dict = {}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        category, problems = None, []
        try:
            route = locate_organization(point_from(lat=data["lat"], lon=data["lon"]))
            category = selectors.intake_category(route.organization, data["category"])
            answers, problems = check_answers(request.POST, category)
            if problems:
                raise MuangError(_("Some answers about the problem need attention."))
            case, _created = services.web_report_submit(
                organization=route.organization,
                category=category,
                location=route.point,
                description=data["description"],
                contact_name=data["contact_name"],
                contact_phone=data["contact_phone"],
                contact_email=data["contact_email"],
                photos=data["photos"],
                attributes=answers,
                idempotency_key=data["idempotency_key"],
                session=request.session,  # remembers the reporter, written with the case (one commit)
            )
        except MuangError as e:
            add_service_errors(form, e)
            # Only a refusal shows the form again, with the place's categories and the chosen one's questions.
            if route is not None:
                categories = _with_notices(route.organization)
                if category is not None:
                    chosen = _category_context(route, category, request.POST, problems)
        else:
            return redirect("reports:track", code=case.tracking_code)
    elif request.method == "POST" and form.cleaned_data.get("lat") is not None:
        route, _error = _place(request.POST.get("lat"), request.POST.get("lon"))
        if route is not None:
            categories = _with_notices(route.organization)
            try:
                category = selectors.intake_category(route.organization, request.POST.get("category", ""))
            except InvalidInput:
                pass
            else:
                _answers, problems = check_answers(request.POST, category)
                chosen = _category_context(route, category, request.POST, problems)
    status = 422 if request.method == "POST" else 200
    return render(
        request,
        "reports/report_new.html",
        {
            "form": form,
            "route": route,
            "categories": categories,
            "chosen": request.POST.get("category", ""),
            **chosen,
        },
        status=status,
    )


@public_page(CITIZEN_REASON)
@require_GET
def report_place(request: HttpRequest) -> HttpResponse:
    """htmx: which organisation receives a report at this point, and its categories with their notices."""
    route, error = _place(request.GET.get("lat"), request.GET.get("lon"))
    categories = []
    if route is not None:
        categories = _with_notices(route.organization)
    return render(
        request,
        "reports/_place.html",
        {"route": route, "error": error, "categories": categories, "chosen": request.GET.get("category", "")},
    )


@public_page(CITIZEN_REASON)
@require_GET
def report_nearby(request: HttpRequest) -> HttpResponse:
    """htmx, when a category is chosen: its notice and extra questions, and the open reports of that category
    within about 300 m, to follow instead of filing again."""
    route, error = _place(request.GET.get("lat"), request.GET.get("lon"))
    context: dict = {"route": route, "error": error}
    if route is not None:
        try:
            category = selectors.intake_category(route.organization, request.GET.get("category", ""))
        except InvalidInput as e:
            context["error"] = e.detail
        else:
            context.update(_category_context(route, category))
    return render(request, "reports/_nearby.html", context)


def _tracking_context(request: HttpRequest, code: str) -> dict:
    try:
        detail = selectors.public_case_detail(code)
    except NotFound as e:
        raise Http404(e.detail) from e
    case = detail.case
    reporter = services.reporter_of(request.session, case)
    names = selectors.status_names(case.organization)
    for event in detail.events:
        event.status_name = names.get(event.data.get("to")) if event.kind == "status_changed" else None
    lon = lat = None
    if case.location is not None:
        lon, lat = selectors.public_point(
            case.pk, case.location.x, case.location.y, sensitive=case.category.is_sensitive
        )
    return {
        "detail": detail,
        "case": case,
        "is_reporter": reporter is not None,
        "can_rate": reporter is not None and not case.is_open and case.resolved_at and case.rating is None,
        "can_reopen": reporter is not None
        and not case.is_open
        and case.status.code not in (SystemStatus.FORWARDED, SystemStatus.DUPLICATE),
        # Another browser than the one that filed it: the reporter may show it is theirs with their phone.
        "can_claim": reporter is None
        and case.reporter_id is not None
        and not case.is_open
        and case.status.code not in (SystemStatus.FORWARDED, SystemStatus.DUPLICATE),
        "claim_form": ClaimForm(),
        "before": [a for a in detail.attachments if a.kind == AttachmentKind.BEFORE],
        "after": [a for a in detail.attachments if a.kind == AttachmentKind.AFTER],
        "lon": lon,
        "lat": lat,
        "rating_form": RatingForm(),
        "reopen_form": ReopenForm(),
    }


def _not_found(request: HttpRequest, code: str, message: str, status: int = 404) -> HttpResponse:
    """A mistyped or unknown tracking code: say so in the reader's language, with the code to correct."""
    context = {"code": code[:40], "message": message}
    return render(request, "reports/track_not_found.html", context, status=status)


@public_page(CITIZEN_REASON)
@require_GET
def report_track(request: HttpRequest, code: str) -> HttpResponse:
    try:
        context = _tracking_context(request, code)
    except Http404 as e:
        return _not_found(request, code, str(e))
    return render(request, "reports/track.html", context)


@public_page(CITIZEN_REASON)
@require_POST
def report_rate(request: HttpRequest, code: str) -> HttpResponse:
    ctx = _tracking_context(request, code)
    form = RatingForm(request.POST)
    if form.is_valid():
        try:
            services.rate_by_reporter(
                session=request.session,
                case=ctx["case"],
                stars=form.cleaned_data["stars"],
                comment=form.cleaned_data["comment"],
            )
        except MuangError as e:
            add_service_errors(form, e)
        else:
            messages.success(request, _("Thank you for your rating."))
            return redirect("reports:track", code=ctx["case"].tracking_code)
    ctx["rating_form"] = form
    return render(request, "reports/track.html", ctx, status=422)


@public_page(CITIZEN_REASON)
@require_POST
def report_claim(request: HttpRequest, code: str) -> HttpResponse:
    """ "This is my report": with the phone number it was filed with, this browser may rate and reopen it."""
    ctx = _tracking_context(request, code)
    form = ClaimForm(request.POST)
    status = 422
    if form.is_valid():
        try:
            services.reporter_claim(
                session=request.session,
                case=ctx["case"],
                phone=form.cleaned_data["phone"],
                ip_address=client_ip(request),
            )
        except MuangError as e:
            add_service_errors(form, e)
            status = e.status
        else:
            messages.success(
                request, _("Thank you. You may now rate the fix, or reopen the report, from here.")
            )
            return redirect("reports:track", code=ctx["case"].tracking_code)
    ctx["claim_form"] = form
    return render(request, "reports/track.html", ctx, status=status)


@public_page(CITIZEN_REASON)
@require_POST
def report_reopen(request: HttpRequest, code: str) -> HttpResponse:
    ctx = _tracking_context(request, code)
    form = ReopenForm(request.POST)
    if form.is_valid():
        try:
            services.reopen_by_reporter(
                session=request.session, case=ctx["case"], reason=form.cleaned_data["reason"]
            )
        except MuangError as e:
            add_service_errors(form, e)
        else:
            messages.success(request, _("The report is open again."))
            return redirect("reports:track", code=ctx["case"].tracking_code)
    ctx["reopen_form"] = form
    return render(request, "reports/track.html", ctx, status=422)


@public_page(CITIZEN_REASON)
@require_GET
def report_lookup(request: HttpRequest) -> HttpResponse:
    """The "track a report" box: any spelling of a tracking code."""
    typed = request.GET.get("code", "").strip()
    if not typed:
        return redirect("reports:new")
    code = normalize_tracking_code(typed)
    if code is None:  # a form error, not a redirect to an address that cannot exist (a "/" in it, say)
        message = _("“%(code)s” is not a tracking code.") % {"code": typed[:40]}
        return _not_found(request, typed, message, status=422)
    return redirect("reports:track", code=code)
