"""Forms of the tax office pages. They parse and check input types; the services check the rules."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from muang.core.thai_dates import buddhist_era

MAX_UPLOAD_BYTES = 200 * 1024 * 1024

SRID_CHOICES = [
    ("", _("As the file says (GeoJSON crs, Shapefile .prj), else WGS84")),
    ("4326", _("EPSG:4326 WGS84 longitude / latitude")),
    ("24047", _("EPSG:24047 Indian 1975 / UTM zone 47N (Land Office)")),
    ("24048", _("EPSG:24048 Indian 1975 / UTM zone 48N (Land Office, east)")),
    ("32647", _("EPSG:32647 WGS84 / UTM zone 47N")),
    ("32648", _("EPSG:32648 WGS84 / UTM zone 48N")),
]

TABLE_CHOICES = [
    ("land_prices", _("Land prices (key, price per square wah)")),
    ("building_prices", _("Building prices (type code, price per m²)")),
    ("condo_prices", _("Condominium prices (registration, floor, price per m²)")),
    ("rate_brackets", _("Rate brackets (tax class, upper, rate %)")),
    ("depreciation", _("Depreciation (construction, through age, % per year, cap %)")),
]


class UploadForm(forms.Form):
    file = forms.FileField(label=_("File"))

    def clean_file(self):
        f = self.cleaned_data["file"]
        if f.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 200 MB."))
        return f


class ParcelImportForm(UploadForm):
    srid = forms.ChoiceField(label=_("Coordinate system"), choices=SRID_CHOICES, required=False)
    default_use = forms.ChoiceField(
        label=_("Use for rows without one"),
        required=False,
        choices=[
            ("", _("— none: such rows are rejected —")),
            ("agricultural", _("agricultural")),
            ("residential", _("residential")),
            ("other", _("other")),
            ("vacant", _("vacant")),
        ],
    )


class TableImportForm(UploadForm):
    table = forms.ChoiceField(label=_("Table"), choices=TABLE_CHOICES)
    replace = forms.BooleanField(
        label=_("Delete the prices of this table that are not in the file"), required=False
    )


class ConfirmImportForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput, max_length=64)
    reason = forms.CharField(
        label=_("Reason"),
        max_length=300,
        help_text=_("Recorded in the audit log, e.g. “Land Office transfer file of January”."),
    )
    skip_rejected = forms.BooleanField(
        label=_("Import the accepted rows and leave out the rejected ones"), required=False
    )


class LandPriceForm(forms.Form):
    key = forms.CharField(label=_("Zone, block or parcel"), max_length=6)
    price_per_square_wah = forms.DecimalField(
        label=_("Baht per square wah"), min_value=0, decimal_places=2, max_digits=14
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)
    reason = forms.CharField(label=_("Reason"), max_length=300)


class BuildingPriceForm(forms.Form):
    type_code = forms.CharField(label=_("Building type code"), max_length=4)
    price_per_square_metre = forms.DecimalField(
        label=_("Baht per m²"), min_value=0, decimal_places=2, max_digits=12
    )
    description = forms.CharField(label=_("Description"), max_length=200, required=False)
    reason = forms.CharField(label=_("Reason"), max_length=300)


class CondoPriceForm(forms.Form):
    condominium_code = forms.CharField(label=_("Condominium registration"), max_length=30)
    floor = forms.IntegerField(
        label=_("Floor (empty: every floor)"), required=False, min_value=-10, max_value=300
    )
    price_per_square_metre = forms.DecimalField(
        label=_("Baht per m²"), min_value=0, decimal_places=2, max_digits=12
    )
    reason = forms.CharField(label=_("Reason"), max_length=300)


class TaxYearCreateForm(forms.Form):
    year = forms.IntegerField(label=_("Tax year (C.E.)"), min_value=2020, max_value=2200)
    copy_from = forms.TypedChoiceField(
        label=_("Copy the tables of"), coerce=int, required=False, empty_value=None
    )

    def __init__(self, *args, years: list[int] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["copy_from"].choices = [("", _("— national defaults —"))] + [
            (y, f"{y} ({buddhist_era(y)})") for y in years
        ]


class TaxYearSettingsForm(forms.Form):
    reduction_percent = forms.DecimalField(
        label=_("s.55 reduction %"), min_value=0, max_value=100, decimal_places=2
    )
    notice_by = forms.DateField(
        label=_("Notices (ภ.ด.ส.6) by"), widget=forms.DateInput(attrs={"type": "date"})
    )
    payment_due = forms.DateField(label=_("Payment due"), widget=forms.DateInput(attrs={"type": "date"}))
    instalment_2 = forms.DateField(
        label=_("Second instalment due"), widget=forms.DateInput(attrs={"type": "date"})
    )
    instalment_3 = forms.DateField(
        label=_("Third instalment due"), widget=forms.DateInput(attrs={"type": "date"})
    )
    signboard_filing_due = forms.DateField(
        label=_("Signboard returns (ภ.ป.1) by"), widget=forms.DateInput(attrs={"type": "date"})
    )
    reason = forms.CharField(label=_("Reason"), max_length=300)

    def clean(self):
        data = super().clean()
        dates = [data.get(k) for k in ("payment_due", "instalment_2", "instalment_3")]
        if all(dates) and not dates[0] < dates[1] < dates[2]:
            self.add_error("instalment_2", _("Each instalment is due after the one before."))
        return data


class BillsIssueForm(forms.Form):
    issued_on = forms.DateField(label=_("Issue date"), widget=forms.DateInput(attrs={"type": "date"}))
    due_date = forms.DateField(
        label=_("Due date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Empty: the tax year's payment date."),
    )

    def __init__(self, *args, today: dt.date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if today is not None:
            self.fields["issued_on"].initial = today


class SignboardBillsForm(forms.Form):
    issued_on = forms.DateField(label=_("Issue date"), widget=forms.DateInput(attrs={"type": "date"}))
