"""The KPI pages: the mayor's city page, a department's page, the exports for the council, the entry of figures
by hand and by CSV, targets and corrections, the roll-up of a district or province office, the public page."""

import datetime as dt
import json

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from muang.core import geo
from muang.core.errors import AccessDenied, Conflict, InvalidInput, MuangError, NotFound
from muang.core.form_errors import add_service_errors
from muang.core.models import Duty, Organization, Province
from muang.core.permissions import CorePerm
from muang.core.views.pages import holds, public_page, service_form_page, signed_in_page, staff_page
from muang.kpi import exports, periods, selectors, services
from muang.kpi.forms import CsvImportForm, ManualValueForm, RecomputeForm, SchoolForm, TargetForm
from muang.kpi.models import ManualValue
from muang.kpi.permissions import KpiPerm

MAX_CSV_BYTES = 1_000_000


def _board_context(actor, membership, board) -> dict:
    org = membership.organization
    # The schools are listed on the city page and on the page of the division that holds the education duty.
    lists_schools = board.school is None and (
        board.department is None or Duty.EDUCATION in (board.department.duties or [])
    )
    return {
        "board": board,
        "chart_data": board.chart_data(),
        "departments": selectors.departments_with_indicators(org),
        "schools": selectors.schools_of(org) if lists_schools else [],
        "may_manage": actor.has_perm(org, KpiPerm.KPI_MANAGE),
        "may_list_schools": board.school is None and actor.has_perm(org, KpiPerm.KPI_SCHOOLS),
        "may_enter": actor.has_perm(org, KpiPerm.KPI_ENTER),
    }


@staff_page(holds(KpiPerm.KPI_VIEW))
@require_GET
def city(request: HttpRequest, actor, membership) -> HttpResponse:
    board = selectors.city_dashboard(
        actor=actor, organization=membership.organization, framework=request.GET.get("framework")
    )
    return render(request, "kpi/city.html", _board_context(actor, membership, board))


@staff_page(holds(KpiPerm.KPI_VIEW))
@require_GET
def department(request: HttpRequest, actor, membership, code: str) -> HttpResponse:
    board = selectors.department_dashboard(
        actor=actor,
        organization=membership.organization,
        department_code=code,
        framework=request.GET.get("framework"),
    )
    return render(request, "kpi/city.html", _board_context(actor, membership, board))


@staff_page(holds(KpiPerm.KPI_VIEW))
@require_GET
def school(request: HttpRequest, actor, membership, code: str) -> HttpResponse:
    """A school's page (the department page's permission; another organisation's school is a 404)."""
    board = selectors.school_dashboard(
        actor=actor,
        organization=membership.organization,
        school_code=code,
        framework=request.GET.get("framework"),
    )
    return render(request, "kpi/city.html", _board_context(actor, membership, board))


@staff_page(holds(KpiPerm.KPI_SCHOOLS))
@require_http_methods(["GET", "POST"])
def schools(request: HttpRequest, actor, membership) -> HttpResponse:
    """The education division's list of the organisation's schools: add one, end or restore one."""
    org = membership.organization
    if request.method == "POST" and request.POST.get("action") in ("end", "restore"):
        try:
            school_id = int(request.POST.get("school") or "")
        except ValueError:
            raise Http404(_("No such school.")) from None
        school = services.school_set_active(
            actor=actor, organization=org, school_id=school_id, active=request.POST["action"] == "restore"
        )
        messages.success(request, _("Saved: %(name)s.") % {"name": school.name_th})
        return redirect("kpi:schools")
    form = SchoolForm(request.POST if request.method == "POST" else None)
    return service_form_page(
        request,
        form,
        save=lambda f: services.school_add(actor=actor, organization=org, **f.cleaned_data),
        template="kpi/schools.html",
        context={"schools": selectors.all_schools_of(actor=actor, organization=org)},
        done="kpi:schools",
        done_message=lambda school: _("%(name)s added.") % {"name": school.name_th},
    )


@staff_page(holds(KpiPerm.KPI_VIEW))
@require_GET
def export_xlsx(request: HttpRequest, actor, membership) -> HttpResponse:
    """The dashboard as a workbook for the council meeting (aggregates: no personal data leaves)."""
    board = selectors.city_dashboard(
        actor=actor, organization=membership.organization, framework=request.GET.get("framework")
    )
    return exports.xlsx_response(board)


@staff_page(holds(KpiPerm.KPI_VIEW))
@require_GET
def export_pdf(request: HttpRequest, actor, membership) -> HttpResponse:
    board = selectors.city_dashboard(
        actor=actor, organization=membership.organization, framework=request.GET.get("framework")
    )
    return exports.pdf_response(board)


@staff_page(holds(KpiPerm.KPI_ENTER))
@require_http_methods(["GET", "POST"])
def values(request: HttpRequest, actor, membership) -> HttpResponse:
    org = membership.organization
    today = periods.today()
    schools = selectors.schools_of(org)
    form = ManualValueForm(today=today, schools=schools)
    csv_form = CsvImportForm()
    if request.method == "POST" and request.POST.get("action") == "import":
        csv_form = CsvImportForm(request.POST, request.FILES)
        if csv_form.is_valid():
            upload = csv_form.cleaned_data["file"]
            try:
                if upload.size > MAX_CSV_BYTES:
                    raise InvalidInput.for_field("file", _("The file is larger than 1 MB."))
                try:
                    text = upload.read().decode("utf-8-sig")
                except UnicodeDecodeError as e:
                    raise InvalidInput.for_field("file", _("Save the file as CSV in UTF-8.")) from e
                count = services.csv_import(actor=actor, organization=org, text=text)
                messages.success(request, _("%(n)s figures imported.") % {"n": count})
                return redirect("kpi:values")
            except MuangError as e:
                add_service_errors(csv_form, e, raise_access=True)
    elif request.method == "POST":
        form = ManualValueForm(request.POST, request.FILES, today=today, schools=schools)
        if form.is_valid():
            try:
                services.manual_value_submit(
                    actor=actor,
                    organization=org,
                    indicator=selectors.get_indicator(form.cleaned_data["indicator"]),
                    month=form.month_value(),
                    value=form.cleaned_data["value"],
                    evidence=form.cleaned_data.get("evidence"),
                    note=form.cleaned_data["note"],
                    school_code=form.cleaned_data.get("school") or "",
                )
                messages.success(request, _("The figure waits for approval."))
                return redirect("kpi:values")
            except MuangError as e:
                add_service_errors(form, e, raise_access=True)
    entries = list(selectors.manual_values_of(actor=actor, organization=org)[:100])
    return render(
        request,
        "kpi/values.html",
        {
            "form": form,
            "csv_form": csv_form,
            "entries": entries,
            "may_approve": actor.has_perm(org, KpiPerm.KPI_APPROVE),
            "pending": ManualValue.Status.PENDING,
            "schools": schools,
        },
        status=400 if request.method == "POST" else 200,
    )


@staff_page(holds(KpiPerm.KPI_APPROVE))
@require_POST
def decide(request: HttpRequest, actor, membership, entry_id: int) -> HttpResponse:
    org = membership.organization
    entry = selectors.get_manual_value_for(actor=actor, organization=org, entry_id=entry_id)
    try:
        services.manual_value_decide(
            actor=actor, entry=entry, approve=request.POST.get("decision") == "approve"
        )
        messages.success(request, _("Decided."))
    except (AccessDenied, Conflict) as e:  # one's own figure, or one already decided: said, nothing written
        messages.error(request, str(e.detail))
    return redirect("kpi:values")


@staff_page(holds(KpiPerm.KPI_MANAGE))
@require_http_methods(["GET", "POST"])
def manage(request: HttpRequest, actor, membership) -> HttpResponse:
    org = membership.organization
    today = periods.today()
    indicators = list(selectors.indicators(actor=actor, organization=org))
    target_form = TargetForm(indicators=indicators)
    recompute_form = RecomputeForm(today=today)
    action = request.POST.get("action")
    failed = False
    if request.method == "POST" and action == "publish":
        services.publication_set(actor=actor, organization=org, is_public=request.POST.get("public") == "1")
        messages.success(request, _("Saved."))
        return redirect("kpi:manage")
    if request.method == "POST" and action == "recompute":
        recompute_form = RecomputeForm(request.POST, today=today)
        if recompute_form.is_valid():
            try:
                changed = services.snapshot_recompute(
                    actor=actor,
                    organization=org,
                    month=recompute_form.month_value(),
                    reason=recompute_form.cleaned_data["reason"],
                )
                messages.success(request, _("%(n)s figures changed.") % {"n": len(changed)})
                return redirect("kpi:manage")
            except MuangError as e:
                add_service_errors(recompute_form, e, raise_access=True)
        failed = True
    elif request.method == "POST":
        target_form = TargetForm(request.POST, indicators=indicators)
        if target_form.is_valid():
            try:
                services.target_set(
                    actor=actor,
                    organization=org,
                    indicator=selectors.get_indicator(target_form.cleaned_data["indicator"]),
                    fiscal_year=target_form.cleaned_data["fiscal_year"],
                    value=target_form.cleaned_data["value"],
                )
                messages.success(request, _("Target saved."))
                return redirect("kpi:manage")
            except MuangError as e:
                add_service_errors(target_form, e, raise_access=True)
        failed = True
    board = selectors.city_dashboard(actor=actor, organization=org)
    return render(
        request,
        "kpi/manage.html",
        {
            "target_form": target_form,
            "recompute_form": recompute_form,
            "targets": list(selectors.targets_of(actor=actor, organization=org)[:200]),
            "published": board.published,
            "fiscal_year": board.fiscal_year,
        },
        status=400 if failed else 200,
    )


@staff_page(holds(CorePerm.ROLLUP_VIEW))
@require_GET
def rollup(request: HttpRequest, actor, membership) -> HttpResponse:
    org = membership.organization
    if not org.is_overseer:
        return render(request, "kpi/rollup.html", {"not_overseer": True, "overseer": org})
    result = selectors.rollup_for(actor=actor, overseer=org)
    return render(request, "kpi/rollup.html", {"rollup": result, "overseer": org})


@staff_page(holds(KpiPerm.KPI_VIEW))
@require_GET
def places(request: HttpRequest, actor, membership, code: str) -> HttpResponse:
    """An indicator's map layer on the city page (GeoJSON, cells of about 100 m: never one home's point)."""
    month = None
    if request.GET.get("month"):
        try:
            month = dt.date.fromisoformat(request.GET["month"] + "-01")
        except ValueError:
            return JsonResponse({"detail": _("Write the month as 2026-03.")}, status=400)
    layer = selectors.indicator_places(
        actor=actor, organization=membership.organization, code=code, month=month
    )
    return geo.geojson_response(json.dumps(layer, ensure_ascii=False))


@signed_in_page
@require_GET
def national(request: HttpRequest) -> HttpResponse:
    """The platform operator's page: every province side by side, then one province's (or the whole country's)
    local governments a page at a time, all from the precomputed roll-up. Anyone else is told whose page it is."""
    if not selectors.sees_the_country(request.user):
        return render(request, "kpi/national.html", {"not_operator": True})
    province = request.GET.get("province") or ""
    try:
        page = max(1, int(request.GET.get("page") or 1))
    except ValueError:
        page = 1
    context = {"page": page, "province": province}
    if province or request.GET.get("all"):
        if province and not Province.objects.filter(code=province).exists():
            raise Http404(_("No such province."))
        context["rollup"] = selectors.national_rollup(user=request.user, province=province, page=page)
        context["province_name"] = Province.objects.filter(code=province).first() if province else None
        context["per_page"] = selectors.NATIONAL_PAGE
        context["has_next"] = page * selectors.NATIONAL_PAGE < context["rollup"].total
    else:
        context["overview"] = selectors.national_overview(user=request.user)
    return render(request, "kpi/national.html", context)


@public_page("the dashboard a city chose to show to the public: aggregate figures only, never a person")
@require_GET
def public(request: HttpRequest, slug: str) -> HttpResponse:
    organization = get_object_or_404(Organization, slug=slug, is_active=True)
    try:
        board = selectors.public_dashboard(organization=organization, framework=request.GET.get("framework"))
    except NotFound as e:
        return render(
            request, "kpi/not_public.html", {"organization": organization, "detail": e.detail}, status=404
        )
    return render(
        request, "kpi/city.html", {"board": board, "chart_data": board.chart_data(), "public": True}
    )
