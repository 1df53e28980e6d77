"""Tax year tables (/tax/years/): the years, and per year its settings, prices and rate brackets; edit a row,
or import a CSV / Excel table: a dry run reports every rejected row, then the officer confirms."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from muang.core.access import Actor, require
from muang.core.errors import InvalidInput, MuangError
from muang.core.form_errors import add_service_errors
from muang.core.models import Membership
from muang.core.thai_dates import buddhist_era
from muang.property.assessment.services import ruledata, valuation
from muang.property.office.forms import (
    BuildingPriceForm,
    CondoPriceForm,
    ConfirmImportForm,
    LandPriceForm,
    TableImportForm,
    TaxYearCreateForm,
    TaxYearSettingsForm,
)
from muang.property.permissions import PropertyPerm
from muang.property.registry import selectors

from .office_access import drop_upload, office_view, stage_upload, staged_upload

PRICES_PAGE_SIZE = 100
PRICE_FORMS = {"land": LandPriceForm, "building": BuildingPriceForm, "condo": CondoPriceForm}


@office_view
@require_http_methods(["GET", "POST"])
def years(request: HttpRequest, actor: Actor, membership: Membership) -> HttpResponse:
    org = membership.organization
    rows = list(selectors.tax_years_of(actor=actor, organization=org))
    form = TaxYearCreateForm(request.POST or None, years=[t.year for t in rows])
    if request.method == "POST":
        require(actor, org, PropertyPerm.VALUATION_EDIT)
        if form.is_valid():
            copy_from = next((t for t in rows if t.year == form.cleaned_data["copy_from"]), None)
            try:
                tax_year = valuation.tax_year_create(
                    actor=actor, organization=org, year=form.cleaned_data["year"], copy_from=copy_from
                )
            except MuangError as e:
                add_service_errors(form, e)
            else:
                messages.success(request, _("Tax year %(y)s created.") % {"y": buddhist_era(tax_year.year)})
                return redirect("property-office:year", year=tax_year.year)
    return render(
        request,
        "property/office/years.html",
        {"years": rows, "form": form, "can_edit": actor.has_perm(org, PropertyPerm.VALUATION_EDIT)},
        status=422 if form.errors else 200,
    )


def _settings_initial(tax_year) -> dict:
    cal = {**ruledata.default_calendar(tax_year.year), **(tax_year.calendar or {})}
    instalments = cal.get("instalments") or [cal["payment_due"]] * 3
    return {
        "reduction_percent": tax_year.reduction_percent,
        "notice_by": cal["notice_by"],
        "payment_due": cal["payment_due"],
        "instalment_2": instalments[1] if len(instalments) > 1 else None,
        "instalment_3": instalments[2] if len(instalments) > 2 else None,
        "signboard_filing_due": cal["signboard_filing_due"],
    }


def _year_context(request, actor, membership, tax_year, **forms) -> dict:
    org = membership.organization
    table = request.GET.get("table", "land")
    q = request.GET.get("q", "").strip()[:30]
    if table == "building":
        qs = selectors.building_prices_of(actor=actor, tax_year=tax_year)
    elif table == "condo":
        qs = selectors.condo_prices_of(actor=actor, tax_year=tax_year)
    else:
        table = "land"
        qs = selectors.land_prices_of(actor=actor, tax_year=tax_year, key_prefix=q.upper())
    page = Paginator(qs, PRICES_PAGE_SIZE).get_page(request.GET.get("page"))
    can_edit = actor.has_perm(org, PropertyPerm.VALUATION_EDIT)
    from .office import tax_class_labels

    labels = tax_class_labels()
    schedules = [
        {"tax_class": labels.get(tax_class, tax_class), "brackets": brackets}
        for tax_class, brackets in (tax_year.rate_schedules or {}).items()
    ]
    context = {
        "tax_year": tax_year,
        "table": table,
        "q": q,
        "page": page,
        "can_edit": can_edit,
        "schedules": schedules,
        "calendar": {**ruledata.default_calendar(tax_year.year), **(tax_year.calendar or {})},
    }
    if can_edit:
        context.update(
            settings_form=TaxYearSettingsForm(initial=_settings_initial(tax_year)),
            price_form=PRICE_FORMS[table](),
            import_form=TableImportForm(initial={"table": f"{table}_prices"}),
        )
    context.update(forms)
    return context


@office_view
@require_GET
def year(request: HttpRequest, actor: Actor, membership: Membership, year: int) -> HttpResponse:
    tax_year = selectors.get_tax_year_for(actor=actor, organization=membership.organization, year=year)
    return render(request, "property/office/year.html", _year_context(request, actor, membership, tax_year))


@office_view
@require_POST
def year_settings(request: HttpRequest, actor: Actor, membership: Membership, year: int) -> HttpResponse:
    tax_year = selectors.get_tax_year_for(actor=actor, organization=membership.organization, year=year)
    require(actor, membership.organization, PropertyPerm.VALUATION_EDIT)
    form = TaxYearSettingsForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        calendar = {
            "notice_by": d["notice_by"].isoformat(),
            "payment_due": d["payment_due"].isoformat(),
            "instalments": [d[k].isoformat() for k in ("payment_due", "instalment_2", "instalment_3")],
            "signboard_filing_due": d["signboard_filing_due"].isoformat(),
        }
        try:
            valuation.tax_year_update(
                actor=actor,
                tax_year=tax_year,
                data={"reduction_percent": d["reduction_percent"], "calendar": calendar},
                reason=d["reason"],
            )
        except MuangError as e:
            add_service_errors(form, e, aliases={"calendar": "payment_due"})
        else:
            messages.success(request, _("The tax year's settings were saved."))
            return redirect("property-office:year", year=year)
    context = _year_context(request, actor, membership, tax_year, settings_form=form)
    return render(request, "property/office/year.html", context, status=422)


@office_view
@require_POST
def price_set(
    request: HttpRequest, actor: Actor, membership: Membership, year: int, table: str
) -> HttpResponse:
    tax_year = selectors.get_tax_year_for(actor=actor, organization=membership.organization, year=year)
    require(actor, membership.organization, PropertyPerm.VALUATION_EDIT)
    if table not in PRICE_FORMS:
        return redirect("property-office:year", year=year)
    form = PRICE_FORMS[table](request.POST)
    if form.is_valid():
        data = dict(form.cleaned_data)
        try:
            if table == "land":
                valuation.land_price_set(actor=actor, tax_year=tax_year, **data)
            elif table == "building":
                valuation.building_price_set(actor=actor, tax_year=tax_year, **data)
            else:
                valuation.condo_price_set(actor=actor, tax_year=tax_year, **data)
        except MuangError as e:
            add_service_errors(form, e)
        else:
            messages.success(request, _("The price was saved."))
            return redirect(f"{reverse('property-office:year', args=[year])}?table={table}")
    request.GET = request.GET.copy()
    request.GET["table"] = table
    context = _year_context(request, actor, membership, tax_year, price_form=form)
    return render(request, "property/office/year.html", context, status=422)


@office_view
@require_POST
def table_import(request: HttpRequest, actor: Actor, membership: Membership, year: int) -> HttpResponse:
    """Step 1: the dry run. Step 2 (`confirm` in the form): the import of exactly the file checked."""
    org = membership.organization
    tax_year = selectors.get_tax_year_for(actor=actor, organization=org, year=year)
    require(actor, org, PropertyPerm.VALUATION_EDIT)
    if "token" in request.POST:
        return _table_import_confirm(request, actor, membership, tax_year)
    form = TableImportForm(request.POST, request.FILES)
    report = None
    confirm = None
    if form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        table = form.cleaned_data["table"]
        try:
            report = valuation.valuation_table_import(
                actor=actor, tax_year=tax_year, table=table, data=data, filename=upload.name, dry_run=True
            )
        except MuangError as e:
            add_service_errors(form, e)
        else:
            token = stage_upload(
                request,
                purpose=f"table:{tax_year.pk}",
                organization_id=org.pk,
                data=data,
                meta={"filename": upload.name, "table": table, "replace": form.cleaned_data["replace"]},
            )
            confirm = ConfirmImportForm(initial={"token": token})
    context = _year_context(request, actor, membership, tax_year, import_form=form)
    context.update(report=report, confirm_form=confirm)
    return render(request, "property/office/table_import.html", context, status=422 if form.errors else 200)


def _table_import_confirm(request, actor, membership, tax_year) -> HttpResponse:
    org = membership.organization
    form = ConfirmImportForm(request.POST)
    staged = None
    if form.is_valid():
        staged = staged_upload(
            request, purpose=f"table:{tax_year.pk}", organization_id=org.pk, token=form.cleaned_data["token"]
        )
        if staged is None:
            form.add_error(None, _("The checked file is no longer here: upload it again."))
    report = None
    if form.is_valid() and staged is not None:
        data, meta = staged
        try:
            report = valuation.valuation_table_import(
                actor=actor,
                tax_year=tax_year,
                table=meta["table"],
                data=data,
                filename=meta["filename"],
                dry_run=False,
                replace=meta["replace"],
                reason=form.cleaned_data["reason"],
            )
        except InvalidInput as e:
            add_service_errors(form, e)
        except MuangError as e:
            form.add_error(None, e.detail)
        else:
            drop_upload(request, form.cleaned_data["token"])
            messages.success(
                request, _("%(n)s rows imported from %(f)s.") % {"n": report.imported, "f": meta["filename"]}
            )
            return redirect("property-office:year", year=tax_year.year)
    context = _year_context(request, actor, membership, tax_year)
    context.update(
        report=None, confirm_form=form if staged is not None else None, confirm_errors=form.non_field_errors()
    )
    return render(request, "property/office/table_import.html", context, status=422)
