"""Forms of the billing back-office pages. They check shape only; the services check the rules (what is due,
deadlines, permissions) and their errors are put back on these forms' fields."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from muang.billing.bank_formats import FORMATS
from muang.billing.models import BillKind, BillStatus, ObjectionStatus, PaymentChannel, RefundReason
from muang.billing.services.payments import COUNTER_CHANNELS
from muang.billing.services.reconciliation import Resolution
from muang.core.thai_dates import BUDDHIST_ERA_OFFSET

MAX_STATEMENT_BYTES = 30 * 1024 * 1024
MONEY = {"max_digits": 14, "decimal_places": 2}


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def _year_choices(years) -> list[tuple[str, str]]:
    return [("", _("All years"))] + [(str(y), str(y + BUDDHIST_ERA_OFFSET)) for y in years]


def _kind_choices() -> list[tuple[str, str]]:
    return [("", _("All kinds")), *BillKind.choices]


class BillFilterForm(forms.Form):
    q = forms.CharField(label=_("Bill number, payer or tax ID"), max_length=100, required=False)
    year = forms.TypedChoiceField(label=_("Year (B.E.)"), coerce=int, empty_value=None, required=False)
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)

    def __init__(self, *args, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = _year_choices(years)
        self.fields["kind"].choices = _kind_choices()
        self.fields["status"].choices = [("", _("All statuses")), *BillStatus.choices]


class AsOfForm(forms.Form):
    as_of = forms.DateField(label=_("As of"), required=False, widget=DateInput())


class PaymentForm(forms.Form):
    channel = forms.ChoiceField(
        label=_("Paid by"),
        choices=[(c.value, c.label) for c in PaymentChannel if c in COUNTER_CHANNELS],
        initial=PaymentChannel.CASH,
        widget=forms.RadioSelect,
    )
    amount = forms.DecimalField(label=_("Amount (baht)"), min_value=Decimal("0.01"), **MONEY)
    paid_on = forms.DateField(label=_("Paid on"), widget=DateInput())
    reference = forms.CharField(label=_("Reference (transfer slip, note)"), max_length=100, required=False)
    cheque_bank = forms.CharField(label=_("Cheque bank"), max_length=100, required=False)
    cheque_number = forms.CharField(label=_("Cheque number"), max_length=40, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["amount"].widget.attrs.update(inputmode="decimal", step="0.01")
        if not self.is_bound:
            self.initial.setdefault("paid_on", timezone.localdate())

    def clean(self):
        data = super().clean()
        if data.get("channel") == PaymentChannel.CHEQUE and not (data.get("cheque_number") or "").strip():
            self.add_error("cheque_number", _("Give the cheque number."))
        if data.get("channel") == PaymentChannel.TRANSFER and not (data.get("reference") or "").strip():
            self.add_error("reference", _("Give the transfer's reference, as on the slip."))
        return data


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Why is the bill cancelled?"), max_length=300)


class NotifiedForm(forms.Form):
    notified_on = forms.DateField(label=_("Notice received by the payer on"), widget=DateInput())


class ExtendForm(forms.Form):
    extension_until = forms.DateField(label=_("Extend the time to pay until"), widget=DateInput())


class LetterReceivedForm(forms.Form):
    received_on = forms.DateField(label=_("Received on"), widget=DateInput())
    deadline = forms.DateField(
        label=_("Pay by"),
        required=False,
        widget=DateInput(),
        help_text=_("Empty: the profile's number of days after delivery."),
    )


class ObjectionForm(forms.Form):
    filed_on = forms.DateField(label=_("Filed on"), widget=DateInput())
    reason = forms.CharField(
        label=_("Reasons given (ภ.ด.ส.10)"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("filed_on", timezone.localdate())


class DecisionForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Decision"),
        choices=[(s.value, s.label) for s in ObjectionStatus if s != ObjectionStatus.PENDING],
    )
    decided_on = forms.DateField(label=_("Decided on"), widget=DateInput())
    note = forms.CharField(label=_("Note"), max_length=2000, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("decided_on", timezone.localdate())


class RefundForm(forms.Form):
    amount = forms.DecimalField(label=_("Amount (baht)"), min_value=Decimal("0.01"), **MONEY)
    reason = forms.ChoiceField(label=_("Reason"), choices=RefundReason.choices)
    claimed_on = forms.DateField(label=_("Claimed on"), widget=DateInput())
    receipt = forms.ChoiceField(label=_("For the payment of receipt"), required=False)
    payee_name = forms.CharField(label=_("Pay to (default: the payer)"), max_length=300, required=False)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, receipts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["receipt"].choices = [("", "—"), *((r, r) for r in receipts)]
        if not self.is_bound:
            self.initial.setdefault("claimed_on", timezone.localdate())


class StatementUploadForm(forms.Form):
    bank_format = forms.ChoiceField(label=_("Bank file format"))
    file = forms.FileField(label=_("Statement file (CSV)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bank_format"].choices = [(code, f.label) for code, f in sorted(FORMATS.items())]
        self.fields["file"].widget.attrs["accept"] = ".csv,text/csv"

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_STATEMENT_BYTES:
            raise forms.ValidationError(_("The file is larger than 30 MB."))
        if upload.size == 0:
            raise forms.ValidationError(_("The file is empty."))
        return upload


class ResolveForm(forms.Form):
    action = forms.ChoiceField(
        label=_("Action"),
        choices=[
            (Resolution.APPLY, _("Apply to the bill")),
            (Resolution.REFUND, _("Refund to the payer")),
            (Resolution.REJECT, _("Reject")),
        ],
    )
    bill_number = forms.CharField(label=_("Bill number"), max_length=20, required=False)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, hint in (
            ("bill_number", _("Bill number, if not the line's own")),
            ("note", _("Note (required to reject)")),
        ):
            self.fields[name].widget.attrs.update(placeholder=hint, **{"aria-label": hint})
        self.fields["action"].widget.attrs["aria-label"] = _("Action")


class ArrearsFilterForm(forms.Form):
    as_of = forms.DateField(label=_("As of"), required=False, widget=DateInput())
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    year = forms.TypedChoiceField(label=_("Year (B.E.)"), coerce=int, empty_value=None, required=False)

    def __init__(self, *args, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = _kind_choices()
        self.fields["year"].choices = _year_choices(years)
