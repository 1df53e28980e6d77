"""Parcel import (/tax/parcels/import/): upload a GeoJSON, zipped Shapefile, CSV or Excel file with its
coordinate system → dry run listing every rejected row and why → confirm: the file checked is imported."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from muang.core.access import Actor, require
from muang.core.errors import MuangError
from muang.core.form_errors import add_service_errors
from muang.core.models import Membership
from muang.property.office.forms import ConfirmImportForm, ParcelImportForm
from muang.property.permissions import PropertyPerm
from muang.property.registry import selectors
from muang.property.registry.services import imports

from .office_access import drop_upload, office_view, stage_upload, staged_upload

PURPOSE = "parcels"


@office_view
@require_http_methods(["GET", "POST"])
def parcel_import(request: HttpRequest, actor: Actor, membership: Membership) -> HttpResponse:
    org = membership.organization
    require(actor, org, PropertyPerm.PROPERTY_EDIT)
    if request.method == "POST" and "token" in request.POST:
        return _confirm(request, actor, membership)
    form = ParcelImportForm(request.POST or None, request.FILES or None)
    report = confirm = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        srid = int(form.cleaned_data["srid"]) if form.cleaned_data["srid"] else None
        default_use = form.cleaned_data["default_use"] or None
        try:
            report = imports.parcel_import(
                actor=actor,
                organization=org,
                data=data,
                filename=upload.name,
                srid=srid,
                default_use=default_use,
                dry_run=True,
            )
        except MuangError as e:
            add_service_errors(form, e)
        else:
            token = stage_upload(
                request,
                purpose=PURPOSE,
                organization_id=org.pk,
                data=data,
                meta={"filename": upload.name, "srid": srid, "default_use": default_use},
            )
            confirm = ConfirmImportForm(initial={"token": token})
    return render(
        request,
        "property/office/parcel_import.html",
        {
            "form": form,
            "report": report,
            "confirm_form": confirm,
            "recent": list(selectors.imports_of(actor=actor, organization=org)[:10]),
        },
        status=422 if form.errors else 200,
    )


def _confirm(request: HttpRequest, actor: Actor, membership: Membership) -> HttpResponse:
    org = membership.organization
    form = ConfirmImportForm(request.POST)
    staged = None
    if form.is_valid():
        staged = staged_upload(
            request, purpose=PURPOSE, organization_id=org.pk, token=form.cleaned_data["token"]
        )
        if staged is None:
            form.add_error(None, _("The checked file is no longer here: upload it again."))
    if form.is_valid() and staged is not None:
        data, meta = staged
        try:
            report = imports.parcel_import(
                actor=actor,
                organization=org,
                data=data,
                filename=meta["filename"],
                srid=meta["srid"],
                default_use=meta["default_use"],
                dry_run=False,
                skip_rejected=form.cleaned_data["skip_rejected"],
                reason=form.cleaned_data["reason"],
            )
        except MuangError as e:
            add_service_errors(form, e, summary=True, keep_place=True, max_messages=20)
        else:
            drop_upload(request, form.cleaned_data["token"])
            messages.success(
                request,
                _("%(n)s parcels imported from %(f)s (import %(b)s).")
                % {"n": report.imported, "f": meta["filename"], "b": report.batch_id},
            )
            return redirect("property-office:parcel-import")
    return render(
        request,
        "property/office/parcel_import.html",
        {
            "form": ParcelImportForm(),
            "report": None,
            "confirm_form": form if staged is not None else None,
            "confirm_errors": form.non_field_errors(),
            "recent": list(selectors.imports_of(actor=actor, organization=org)[:10]),
        },
        status=422,
    )
