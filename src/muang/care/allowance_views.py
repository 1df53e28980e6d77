"""Staff pages of the allowance payment runs (/care/allowances/): the runs with the form to start a month
(a month already run is refused as a form error), a run's page (progress while it computes, totals by
allowance and tier, the people stopped and why, the lines, the bank file and the cash list to download,
marking the month paid). The care duty only; a refused attempt is logged like every care page."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from muang.care import allowances as reads
from muang.care.allowance_forms import RunPaidForm, RunStartForm
from muang.care.models import AllowanceKind, AllowanceRunStatus, LineType, StopReason
from muang.care.permissions import CarePerm
from muang.care.services import allowances as services
from muang.care.views import refusals_logged
from muang.core.errors import Conflict, MuangError, NotFound
from muang.core.form_errors import add_service_errors
from muang.core.thai_dates import bangkok_date
from muang.core.views.pages import holds, staff_page

LINES_PAGE = 100


def _today():
    return bangkok_date(timezone.now())


@refusals_logged
@staff_page(holds(CarePerm.CARE_VIEW))
@require_http_methods(["GET", "POST"])
def runs_page(request: HttpRequest, actor, membership) -> HttpResponse:
    org = membership.organization
    can_edit = actor.has_perm(org, CarePerm.CARE_EDIT)
    today = _today()
    status = 200
    form = RunStartForm(request.POST or None, today=today)
    if request.method == "POST" and can_edit and form.is_valid():
        try:
            run = services.run_start(
                actor=actor, organization=org, month=form.cleaned_data["month"], today=today
            )
        except MuangError as e:
            add_service_errors(form, e, default_field="month")
            status = 409 if isinstance(e, Conflict) else 422
        else:
            messages.success(request, _("The payment run was started."))
            return redirect("care:allowance-run", run_id=run.pk)
    runs = list(reads.runs_of(actor=actor, organization=org)[:36])
    return render(
        request,
        "care/allowances/runs.html",
        {"form": form, "runs": runs, "can_edit": can_edit},
        status=422 if form.errors and status == 200 else status,
    )


def _tier(row) -> str:
    if row.line_type != LineType.PAYMENT:
        return ""
    if row.max_age is None:
        return _("%(low)s years and over") % {"low": row.min_age}
    return _("%(low)s–%(high)s years") % {"low": row.min_age, "high": row.max_age}


@refusals_logged
@staff_page(holds(CarePerm.CARE_VIEW))
@require_http_methods(["GET", "POST"])
def run_page(request: HttpRequest, actor, membership, run_id: int) -> HttpResponse:
    org = membership.organization
    can_edit = actor.has_perm(org, CarePerm.CARE_EDIT)
    run = reads.get_run_for(actor=actor, organization=org, run_id=run_id)
    paid_form = RunPaidForm(request.POST or None, initial={"paid_on": _today()})
    if request.method == "POST" and can_edit and paid_form.is_valid():
        try:
            services.run_mark_paid(
                actor=actor, organization=org, run_id=run.pk, paid_on=paid_form.cleaned_data["paid_on"]
            )
        except MuangError as e:
            add_service_errors(paid_form, e, default_field="paid_on")
        else:
            messages.success(request, _("The month was recorded as paid."))
            return redirect("care:allowance-run", run_id=run.pk)
    kinds, stops, types = dict(AllowanceKind.choices), dict(StopReason.choices), dict(LineType.choices)
    ready = run.status in reads.READY
    totals, lines, page = [], [], None
    if ready:
        totals = [
            {
                "kind": kinds[t.kind],
                "type": types[t.line_type],
                "tier": _tier(t),
                "each": t.amount_each,
                "reason": stops.get(t.stop_reason, ""),
                "count": t.count,
                "total": t.total,
                "stop": t.line_type == LineType.STOP,
            }
            for t in reads.totals_of(actor=actor, run=run)
        ]
        line_type = request.GET.get("line_type", "")
        page = Paginator(reads.lines_of(actor=actor, run=run, line_type=line_type), LINES_PAGE).get_page(
            request.GET.get("page")
        )
        lines = [
            {
                "line": line,
                "kind": kinds[line.kind],
                "type": types[line.line_type],
                "reason": stops.get(line.stop_reason, "")
                or (line.adjustment.reason if line.adjustment else ""),
                "tier": _tier_of_line(line),
            }
            for line in page.object_list
        ]
    return render(
        request,
        "care/allowances/run.html",
        {
            "run": run,
            "ready": ready,
            "computing": run.status in (AllowanceRunStatus.QUEUED, AllowanceRunStatus.RUNNING),
            "totals": totals,
            "lines": lines,
            "page": page,
            "paid_form": paid_form,
            "can_edit": can_edit,
            "can_mark_paid": can_edit and run.status == AllowanceRunStatus.DONE,
        },
        status=422 if paid_form.errors else 200,
    )


def _tier_of_line(line) -> str:
    if line.rate is None:
        return ""
    if line.rate.max_age is None:
        return _("%(low)s years and over") % {"low": line.rate.min_age}
    return _("%(low)s–%(high)s years") % {"low": line.rate.min_age, "high": line.rate.max_age}


@refusals_logged
@staff_page(holds(CarePerm.CARE_VIEW))
@require_GET
def run_file(request: HttpRequest, actor, membership, run_id: int, fmt: str) -> HttpResponse:
    """The bank file (`csv`, `ktb`) or the cash list to sign (`cash-pdf`); a refusal comes back as a message."""
    run = reads.get_run_for(actor=actor, organization=membership.organization, run_id=run_id)
    if fmt not in reads.FILE_FORMATS:
        raise NotFound(_("No such file."))
    try:
        data, filename, content_type = reads.run_download(actor=actor, run=run, fmt=fmt)
    except MuangError as e:
        messages.error(request, e.detail)
        return redirect("care:allowance-run", run_id=run.pk)
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
