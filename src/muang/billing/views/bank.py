"""Bank reconciliation: upload a bank's statement, read the import's report, resolve the lines it left."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from muang.billing import selectors
from muang.billing.forms import ResolveForm, StatementUploadForm
from muang.billing.models import BankStatementImport, MatchStatus
from muang.billing.services import reconciliation
from muang.core.access import Actor
from muang.core.errors import MuangError
from muang.core.models import Membership

from . import add_service_errors, billing_view, perms_of

IMPORTS_PAGE_SIZE = 30
ATTENTION_SHOWN = 200
# The order the report shows the outcomes in: what was applied, then what needs a person.
STATUS_ORDER = (
    MatchStatus.MATCHED,
    MatchStatus.UNMATCHED,
    MatchStatus.WRONG_AMOUNT,
    MatchStatus.PARTIAL,
    MatchStatus.OVER_PAYMENT,
    MatchStatus.DUPLICATE,
)


@billing_view
@require_http_methods(["GET", "POST"])
def bank_index(request: HttpRequest, actor: Actor, membership: Membership) -> HttpResponse:
    """Past imports, and the upload form (a new statement is imported, matched and applied at once)."""
    org = membership.organization
    form = StatementUploadForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                statement = reconciliation.bank_statement_import(
                    actor=actor,
                    organization=org,
                    data=upload.read(),
                    filename=upload.name or "statement.csv",
                    bank_format=form.cleaned_data["bank_format"],
                )
            except MuangError as e:
                add_service_errors(form, e)
            else:
                messages.success(
                    request,
                    _("%(n)s lines imported; %(m)s applied.")
                    % {
                        "n": f"{statement.line_count:,}",
                        "m": f"{statement.summary.get(MatchStatus.MATCHED, {}).get('lines', 0):,}",
                    },
                )
                return redirect("billing:statement", statement_id=statement.pk)
        status = 422
    page = Paginator(selectors.statements_of(actor=actor, organization=org), IMPORTS_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "billing/web/bank.html",
        {
            "form": form,
            "page": page,
            "imports": [(s, _attention(s)) for s in page.object_list],
            "organization": org,
            **perms_of(actor, membership),
        },
        status=status,
    )


def _attention(statement: BankStatementImport) -> int:
    """Lines the import did not apply (from its stored summary; resolved ones are counted on the report)."""
    return sum(v.get("lines", 0) for k, v in statement.summary.items() if k != MatchStatus.MATCHED)


def _summary_rows(statement: BankStatementImport) -> list[dict]:
    labels = dict(MatchStatus.choices)
    rows = []
    for status in STATUS_ORDER:
        entry = statement.summary.get(status, {})
        rows.append(
            {
                "status": status.value,
                "label": labels[status],
                "lines": int(entry.get("lines", 0)),
                "amount": Decimal(str(entry.get("amount", "0"))),
            }
        )
    return rows


def _report_context(
    actor: Actor, membership: Membership, statement: BankStatementImport, forms_: dict | None = None
) -> dict:
    attention = selectors.statement_lines(actor=actor, statement=statement, attention_only=True)
    lines = list(attention[:ATTENTION_SHOWN])
    forms_ = forms_ or {}
    resolved = (
        selectors.statement_lines(actor=actor, statement=statement)
        .exclude(resolution="")
        .order_by("-resolved_at")
    )
    return {
        "statement": statement,
        "summary": _summary_rows(statement),
        "attention": [
            (
                line,
                forms_.get(line.line_no)
                or ResolveForm(
                    initial={"action": "reject" if line.status == MatchStatus.DUPLICATE else "apply"},
                    prefix=f"l{line.line_no}",
                ),
            )
            for line in lines
        ],
        "attention_count": attention.count(),
        "attention_shown": ATTENTION_SHOWN,
        "resolved": list(resolved[:100]),
        "organization": membership.organization,
        **perms_of(actor, membership),
    }


@billing_view
@require_GET
def statement_report(
    request: HttpRequest, actor: Actor, membership: Membership, statement_id: int
) -> HttpResponse:
    statement = selectors.get_statement_for(
        actor=actor, organization=membership.organization, statement_id=statement_id
    )
    return render(request, "billing/web/statement.html", _report_context(actor, membership, statement))


@billing_view
@require_POST
def line_resolve(
    request: HttpRequest, actor: Actor, membership: Membership, statement_id: int, line_no: int
) -> HttpResponse:
    line = selectors.get_statement_line_for(
        actor=actor, organization=membership.organization, statement_id=statement_id, line_no=line_no
    )
    form = ResolveForm(request.POST, prefix=f"l{line_no}")
    if form.is_valid():
        data = form.cleaned_data
        try:
            reconciliation.bank_line_resolve(
                actor=actor,
                line=line,
                action=data["action"],
                bill_number=data["bill_number"].strip().upper() or None,
                note=data["note"],
            )
        except MuangError as e:
            add_service_errors(form, e)
        else:
            messages.success(request, _("Line %(n)s is settled.") % {"n": line_no})
            return redirect("billing:statement", statement_id=statement_id)
    statement = line.statement
    return render(
        request,
        "billing/web/statement.html",
        _report_context(actor, membership, statement, {line_no: form}),
        status=422,
    )
