"""Billing in the Django admin: the profile is configuration (edited here, audited); money records are
read-only here, written only by the services (payments, bank statements, refunds)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from muang.billing.models import (
    BankStatementImport,
    BankStatementLine,
    Bill,
    BillingProfile,
    MatchStatus,
    Objection,
    Payment,
    Receipt,
    Refund,
    WarningLetter,
)
from muang.core.admin import ReadOnlyAdminMixin, ScopedAdmin
from muang.core.admin_labels import as_lines


@admin.register(BillingProfile)
class BillingProfileAdmin(ScopedAdmin):
    list_display = ("organization", "biller_id", "receipt_prefix")


class ReadOnlyBillingAdmin(ReadOnlyAdminMixin, ScopedAdmin):
    list_filter = (("organization", admin.RelatedOnlyFieldListFilter),)

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]


@admin.register(Bill)
class BillAdmin(ReadOnlyBillingAdmin):
    list_display = ("number", "kind", "year", "payer_name", "amount", "paid_principal", "status", "due_date")
    list_filter = ("status", "kind", "year", ("organization", admin.RelatedOnlyFieldListFilter))
    search_fields = ("number", "payer_name", "payer_tax_id", "source_ref")
    literal_fields = ("source_ref",)  # property:owner:42


@admin.register(Payment)
class PaymentAdmin(ReadOnlyBillingAdmin):
    list_display = ("bill", "channel", "paid_on", "amount", "principal", "penalty", "surcharge")
    search_fields = ("bill__number", "reference")
    readonly_shown_as = {"allocations": "allocation_lines"}

    @admin.display(description=_("allocations"))
    def allocation_lines(self, obj: Payment):
        """Each instalment's share of the payment, a line each (stored as a JSON list)."""
        return as_lines(
            _(
                "Instalment %(seq)s: tax / fee %(principal)s, penalty %(penalty)s, surcharge %(surcharge)s, "
                "%(months)s months late"
            )
            % {**a, "months": a.get("months_late", 0)}
            for a in obj.allocations
        )


@admin.register(Receipt)
class ReceiptAdmin(ReadOnlyBillingAdmin):
    list_display = ("number", "fiscal_year", "seq", "issued_at", "payment")
    search_fields = ("number",)


@admin.register(BankStatementImport)
class BankStatementImportAdmin(ReadOnlyBillingAdmin):
    list_display = ("filename", "bank_format", "line_count", "total_amount", "applied_amount", "imported_at")
    literal_fields = ("sha256",)
    readonly_shown_as = {"summary": "summary_lines"}

    @admin.display(description=_("summary"))
    def summary_lines(self, obj: BankStatementImport):
        """Lines and amounts by match status, a line each under the status's label (stored as JSON)."""
        labels = dict(MatchStatus.choices)
        return as_lines(
            _("%(status)s: %(lines)s lines, %(amount)s baht")
            % {"status": labels.get(status, status), **figures}
            for status, figures in obj.summary.items()
        )


@admin.register(BankStatementLine)
class BankStatementLineAdmin(ReadOnlyBillingAdmin):
    list_display = ("statement", "line_no", "ref1", "ref2", "amount", "status", "resolution")
    list_filter = ("status", "resolution", ("organization", admin.RelatedOnlyFieldListFilter))
    search_fields = ("ref1", "transaction_id", "payer_name")
    literal_fields = ("channel",)  # the bank file's own code for it (MOBILE, COUNTER)


for model in (WarningLetter, Objection, Refund):
    admin.site.register(model, ReadOnlyBillingAdmin)
