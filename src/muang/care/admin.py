"""The allowances' configuration in the Django admin (issue 12, item 4).

- **Rates** (`AllowanceRate`) are national (Cabinet resolutions, THAI-RULES §6): every staff account reads
  them, only the platform operator adds one, and nobody deletes one here. A rate a paid line points at is
  never edited: only its end (`valid_to`) may be set, not before the last month already paid at it; a
  Cabinet change is a new row (`care.allowance_rates`). An officer with a staff flag (the nurse) only reads.
- **The paying account** (`AllowancePayer`: the organisation's bank account and its corporate ID at the bank)
  and **the confirmation windows** (`ConfirmationWindow`, ยืนยันสิทธิ) are the organisation's: its system
  administrator and the platform operator edit them (ScopedAdmin: only their organisations' rows, every
  change audited), checked by the same rules as the services (`payer_check`, the window's dates).

People, rights, runs and lines are not here: health and payment records are read and written through the care
pages and services, which check the care duty and log every read of a health record.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.db.models import Max
from django.utils.translation import gettext as _

from muang.care.models import AllowanceLine, AllowancePayer, AllowanceRate, ConfirmationWindow
from muang.care.services.allowances import payer_check
from muang.core.admin import PlatformAdmin, ScopedAdmin
from muang.core.errors import InvalidInput
from muang.core.form_errors import add_service_errors
from muang.core.thai_dates import buddhist_era


def _last_paid_month(rate: AllowanceRate):
    return AllowanceLine.objects.filter(rate=rate).aggregate(last=Max("month"))["last"]


class AllowanceRateForm(forms.ModelForm):
    class Meta:
        model = AllowanceRate
        fields = ("kind", "min_age", "max_age", "welfare_card", "amount", "valid_from", "valid_to", "source")

    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("min_age"), cleaned.get("max_age")
        if low is not None and high is not None and high < low:
            self.add_error("max_age", _("The age band ends before it begins."))
        start, end = cleaned.get("valid_from"), cleaned.get("valid_to")
        if start and end and end < start:
            self.add_error("valid_to", _("The rate ends before it is in force."))
        if self.instance.pk and end:
            last = _last_paid_month(self.instance)
            if last is not None and end < last:
                self.add_error(
                    "valid_to",
                    _(
                        "Allowances of %(month)s were already paid at this rate: it cannot end before that month."
                    )
                    % {"month": f"{last.month:02d}/{buddhist_era(last.year)}"},
                )
        return cleaned


@admin.register(AllowanceRate)
class AllowanceRateAdmin(PlatformAdmin):  # paid lines point at rates: ended (valid_to), never deleted
    form = AllowanceRateForm
    list_display = ("kind", "min_age", "max_age", "welfare_card", "amount", "valid_from", "valid_to")
    list_filter = ("kind", "welfare_card")
    ordering = ("kind", "-valid_from", "welfare_card", "min_age")

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and AllowanceLine.objects.filter(rate=obj).exists():
            return ("kind", "min_age", "max_age", "welfare_card", "amount", "valid_from")
        return ()


class AllowancePayerForm(forms.ModelForm):
    class Meta:
        model = AllowancePayer
        fields = ("organization", "bank_code", "branch_code", "account_number", "account_name", "company_id")

    def clean(self):
        cleaned = super().clean()
        try:
            checked = payer_check(
                bank_code=cleaned.get("bank_code") or "",
                branch_code=cleaned.get("branch_code") or "",
                account_number=cleaned.get("account_number") or "",
                account_name=cleaned.get("account_name") or "",
                company_id=cleaned.get("company_id") or "",
            )
        except InvalidInput as e:
            add_service_errors(self, e)
        else:
            cleaned.update(checked)
        return cleaned


@admin.register(AllowancePayer)
class AllowancePayerAdmin(ScopedAdmin):
    form = AllowancePayerForm
    list_display = (
        "organization",
        "bank_code",
        "branch_code",
        "account_number",
        "account_name",
        "company_id",
    )


class ConfirmationWindowForm(forms.ModelForm):
    class Meta:
        model = ConfirmationWindow
        fields = ("organization", "fiscal_year", "opens_on", "closes_on")

    def clean(self):
        cleaned = super().clean()
        year, opens, closes = cleaned.get("fiscal_year"), cleaned.get("opens_on"), cleaned.get("closes_on")
        if opens and closes and closes < opens:
            self.add_error("closes_on", _("The window closes before it opens."))
        if year is not None and not 2500 <= year <= 2700:
            self.add_error("fiscal_year", _("A fiscal year in the Buddhist Era, e.g. 2570."))
        return cleaned


@admin.register(ConfirmationWindow)
class ConfirmationWindowAdmin(ScopedAdmin):
    form = ConfirmationWindowForm
    list_display = ("organization", "fiscal_year", "opens_on", "closes_on")
    list_filter = ("fiscal_year", ("organization", admin.RelatedOnlyFieldListFilter))
    ordering = ("organization", "-fiscal_year", "opens_on")
