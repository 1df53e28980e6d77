"""The tax office pages (/tax/): the year's overview, the assessment run with its progress bar, taxpayers
with tax due and their calculation sheets (ภ.ด.ส.7), issuing the bills, and exports."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from muang.billing.permissions import BillingPerm
from muang.core import geo
from muang.core.access import Actor
from muang.core.errors import MuangError
from muang.core.form_errors import add_service_errors
from muang.core.models import Membership
from muang.property.assessment import selectors as selectors_assessment
from muang.property.assessment.services import assessment, assessment_exports, billing_run
from muang.property.models import AssessmentRun, Construction, TaxYear
from muang.property.office import selectors as selectors_office
from muang.property.office.forms import BillsIssueForm, SignboardBillsForm
from muang.property.permissions import PropertyPerm
from muang.property.registry.services import exports

from .office_access import chosen_year, office_view

TAXPAYERS_PAGE_SIZE = 50
SUMMARY_SESSION_KEY = "muang_tax_bills_summary"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _years(membership: Membership) -> list[int]:
    return list(
        TaxYear.objects.filter(organization=membership.organization)
        .order_by("-year")
        .values_list("year", flat=True)
    )


def _assessment_url(year: int, **extra) -> str:
    query = "&".join(f"{k}={v}" for k, v in {"year": year, **extra}.items())
    return f"{reverse('property-office:assessment')}?{query}"


@office_view
@require_GET
def overview(request: HttpRequest, actor: Actor, membership: Membership) -> HttpResponse:
    org = membership.organization
    year = chosen_year(request, membership)
    data = selectors_office.office_overview(actor=actor, organization=org, year=year)
    return render(
        request,
        "property/office/overview.html",
        {
            "o": data,
            "year": year,
            "years": _years(membership),
            "can_edit_tables": actor.has_perm(org, PropertyPerm.VALUATION_EDIT),
            "can_import": actor.has_perm(org, PropertyPerm.PROPERTY_EDIT),
        },
    )


def _run_context(request: HttpRequest, actor: Actor, membership: Membership, year: int) -> dict:
    org = membership.organization
    runs = list(selectors_office.runs_of_year(actor=actor, organization=org, year=year)[:20])
    current = selectors_assessment.current_run(organization=org, year=year)
    active = next((r for r in runs if r.status in AssessmentRun.ACTIVE), None)
    tax_year = TaxYear.objects.filter(organization=org, year=year).first()
    can_issue = actor.has_perm(org, BillingPerm.BILL_ISSUE)
    today = timezone.localdate()
    return {
        "year": year,
        "years": _years(membership),
        "tax_year": tax_year,
        "runs": runs,
        "current": current,
        "active": active,
        "can_start": actor.has_perm(org, PropertyPerm.VALUATION_EDIT) and tax_year is not None,
        "can_issue": can_issue,
        "bills_form": BillsIssueForm(today=today, prefix="lb") if can_issue else None,
        "signboard_form": SignboardBillsForm(initial={"issued_on": today}, prefix="sb")
        if can_issue
        else None,
        "summary": request.session.pop(SUMMARY_SESSION_KEY, None),
        **(_progress_context(actor, membership, active) if active else {}),
    }


@office_view
@require_GET
def assessment_page(request: HttpRequest, actor: Actor, membership: Membership) -> HttpResponse:
    year = chosen_year(request, membership)
    return render(request, "property/office/assessment.html", _run_context(request, actor, membership, year))


@office_view
@require_POST
def assessment_start(request: HttpRequest, actor: Actor, membership: Membership) -> HttpResponse:
    year = chosen_year(request, membership)
    try:
        run = assessment.assessment_run_start(actor=actor, organization=membership.organization, year=year)
    except MuangError as e:
        if e.status == 403:
            raise
        messages.error(request, e.detail)  # 409: a run of the year is already queued or running
        return redirect(_assessment_url(year))
    messages.success(request, _("Assessment run %(id)s started.") % {"id": run.pk})
    return redirect(_assessment_url(year))


@office_view
@require_GET
def run_progress(request: HttpRequest, actor: Actor, membership: Membership, run_id: int) -> HttpResponse:
    """The progress bar (polled by htmx every second while the run is queued or running)."""
    run = selectors_assessment.get_assessment_run_for(
        actor=actor, organization=membership.organization, run_id=run_id
    )
    response = render(
        request, "property/office/_run_progress.html", _progress_context(actor, membership, run)
    )
    if request.headers.get("HX-Request") and run.status not in AssessmentRun.ACTIVE:
        # Finished: reload the page once so the results, the run list and the bill buttons show.
        response["HX-Refresh"] = "true"
    return response


def _progress_context(actor: Actor, membership: Membership, run: AssessmentRun) -> dict:
    stale = assessment.is_stale(run)
    return {
        "run": run,
        "stale": stale,
        "can_abandon": stale and actor.has_perm(membership.organization, PropertyPerm.VALUATION_EDIT),
    }


@office_view
@require_POST
def run_abandon(request: HttpRequest, actor: Actor, membership: Membership, run_id: int) -> HttpResponse:
    """Give up a run that shows no sign of life (its worker died): the year is free for a new run."""
    run = selectors_assessment.get_assessment_run_for(
        actor=actor, organization=membership.organization, run_id=run_id
    )
    try:
        assessment.assessment_run_abandon(actor=actor, run=run, reason=request.POST.get("reason", ""))
    except MuangError as e:
        if e.status == 403:
            raise
        messages.error(request, e.detail)
    else:
        messages.success(
            request, _("Assessment run %(id)s was given up; you can start a new one.") % {"id": run.pk}
        )
    return redirect(_assessment_url(run.year))


def _summary_for_session(summary: billing_run.BillingSummary) -> dict:
    data = summary.as_dict()
    data["issued_total"] = str(summary.issued_total)
    return data


@office_view
@require_POST
def bills_issue(request: HttpRequest, actor: Actor, membership: Membership, run_id: int) -> HttpResponse:
    org = membership.organization
    run = selectors_assessment.get_assessment_run_for(actor=actor, organization=org, run_id=run_id)
    form = BillsIssueForm(request.POST, prefix="lb")
    if form.is_valid():
        try:
            summary = billing_run.assessment_bills_issue(
                actor=actor,
                run=run,
                issued_on=form.cleaned_data["issued_on"],
                due_date=form.cleaned_data["due_date"],
            )
        except MuangError as e:
            if e.status == 403:
                raise
            add_service_errors(form, e)
        else:
            request.session[SUMMARY_SESSION_KEY] = _summary_for_session(summary)
            return redirect(_assessment_url(run.year) + "#summary")
    context = _run_context(request, actor, membership, run.year)
    context["bills_form"] = form
    return render(request, "property/office/assessment.html", context, status=422)


@office_view
@require_POST
def signboard_bills_issue(request: HttpRequest, actor: Actor, membership: Membership) -> HttpResponse:
    year = chosen_year(request, membership)
    form = SignboardBillsForm(request.POST, prefix="sb")
    if form.is_valid():
        try:
            summary = billing_run.signboard_bills_issue(
                actor=actor,
                organization=membership.organization,
                year=year,
                issued_on=form.cleaned_data["issued_on"],
            )
        except MuangError as e:
            if e.status == 403:
                raise
            add_service_errors(form, e)
        else:
            request.session[SUMMARY_SESSION_KEY] = _summary_for_session(summary)
            return redirect(_assessment_url(year) + "#summary")
    context = _run_context(request, actor, membership, year)
    context["signboard_form"] = form
    return render(request, "property/office/assessment.html", context, status=422)


@office_view
@require_GET
def taxpayers(request: HttpRequest, actor: Actor, membership: Membership) -> HttpResponse:
    year = chosen_year(request, membership)
    q = request.GET.get("q", "")[:100]
    qs = selectors_office.taxpayers_due(actor=actor, organization=membership.organization, year=year, q=q)
    page = Paginator(qs, TAXPAYERS_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "property/office/taxpayers.html",
        {"year": year, "years": _years(membership), "q": q, "page": page, "query": query.urlencode()},
    )


def tax_class_labels() -> dict[str, str]:
    return {
        "agricultural": _("Agricultural"),
        "residence_main_home": _("Residence: main home of an owner in the house registration (s.41)"),
        "residence_building_only": _("Residence: building only, owner in the house registration (s.41)"),
        "residence_other": _("Other residential"),
        "other": _("Other use"),
        "vacant": _("Vacant or unused"),
    }


def _sheet_view(sheet: dict) -> dict:
    """The JSON sheet with its figures as Decimals, for the template's baht filter, and labels in words."""
    labels = tax_class_labels()
    constructions = dict(Construction.choices)

    def dec(v):
        return None if v is None else Decimal(v)

    props = []
    for p in sheet.get("properties", []):
        classes = []
        for c in p.get("classes", []):
            classes.append(
                {
                    **c,
                    "label": labels.get(c.get("class"), c.get("class")),
                    "slices": [
                        {
                            "lower": dec(s[0]),
                            "upper": dec(s[1]),
                            "amount": dec(s[2]),
                            "rate": s[3],
                            "tax": dec(s[4]),
                        }
                        for s in c.get("lines", [])
                    ],
                }
            )
        items = [
            {**i, "construction": constructions.get(i.get("construction"), i.get("construction"))}
            for i in p.get("items", [])
        ]
        props.append({**p, "items": items, "classes": classes})
    farmer = sheet.get("farmer")
    if farmer:
        c = farmer["assessment"]
        farmer = {
            **farmer,
            "assessment": {
                **c,
                "slices": [
                    {
                        "lower": dec(s[0]),
                        "upper": dec(s[1]),
                        "amount": dec(s[2]),
                        "rate": s[3],
                        "tax": dec(s[4]),
                    }
                    for s in c.get("lines", [])
                ],
            },
        }
    return {**sheet, "properties": props, "farmer": farmer}


@office_view
@require_GET
def taxpayer_sheet(request: HttpRequest, actor: Actor, membership: Membership, owner_id: int) -> HttpResponse:
    year = chosen_year(request, membership)
    a = selectors_assessment.get_assessment_for(
        actor=actor, organization=membership.organization, year=year, owner_id=owner_id
    )
    return render(
        request,
        "property/office/sheet.html",
        {"year": year, "a": a, "owner": a.owner, "sheet": _sheet_view(a.sheet)},
    )


# --- exports ---------------------------------------------------------------------------------------------------


def _download(content, content_type: str, filename: str) -> HttpResponse:
    if isinstance(content, bytes):
        response = HttpResponse(content, content_type=content_type)
    else:
        response = StreamingHttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@office_view
@require_GET
def export_registry_xlsx(request: HttpRequest, actor: Actor, membership: Membership) -> HttpResponse:
    org = membership.organization
    content = exports.registry_xlsx(actor=actor, organization=org)
    return _download(content, XLSX, exports.registry_filename(org))


@office_view
@require_GET
def export_parcels_geojson(request: HttpRequest, actor: Actor, membership: Membership) -> HttpResponse:
    org = membership.organization
    chunks = exports.parcels_geojson_chunks(actor=actor, organization=org)
    return geo.geojson_response(chunks, filename=f"{org.slug}-parcels.geojson")


@office_view
@require_GET
def export_assessments_xlsx(request: HttpRequest, actor: Actor, membership: Membership) -> HttpResponse:
    org = membership.organization
    year = chosen_year(request, membership)
    content = assessment_exports.assessments_xlsx(actor=actor, organization=org, year=year)
    return _download(content, XLSX, assessment_exports.assessments_filename(org, year))


@office_view
@require_GET
def export_assessments_geojson(request: HttpRequest, actor: Actor, membership: Membership) -> HttpResponse:
    org = membership.organization
    year = chosen_year(request, membership)
    chunks = assessment_exports.assessments_geojson_chunks(actor=actor, organization=org, year=year)
    return geo.geojson_response(chunks, filename=f"{org.slug}-assessments-{year}.geojson")
