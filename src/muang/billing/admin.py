"""Billing in the Django admin: the profile is configuration (edited here, audited); money records are
read-only here, written only by the services (payments, bank statements, refunds)."""

from django.contrib import admin

from muang.billing.models import (
    BankStatementImport,
    BankStatementLine,
    Bill,
    BillingProfile,
    Objection,
    Payment,
    Receipt,
    Refund,
    WarningLetter,
)
from muang.core.admin import ReadOnlyAdminMixin, ScopedAdmin


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


@admin.register(Payment)
class PaymentAdmin(ReadOnlyBillingAdmin):
    list_display = ("bill", "channel", "paid_on", "amount", "principal", "penalty", "surcharge")
    search_fields = ("bill__number", "reference")


@admin.register(Receipt)
class ReceiptAdmin(ReadOnlyBillingAdmin):
    list_display = ("number", "fiscal_year", "seq", "issued_at", "payment")
    search_fields = ("number",)


@admin.register(BankStatementImport)
class BankStatementImportAdmin(ReadOnlyBillingAdmin):
    list_display = ("filename", "bank_format", "line_count", "total_amount", "applied_amount", "imported_at")


@admin.register(BankStatementLine)
class BankStatementLineAdmin(ReadOnlyBillingAdmin):
    list_display = ("statement", "line_no", "ref1", "ref2", "amount", "status", "resolution")
    list_filter = ("status", "resolution", ("organization", admin.RelatedOnlyFieldListFilter))
    search_fields = ("ref1", "transaction_id", "payer_name")


for model in (WarningLetter, Objection, Refund):
    admin.site.register(model, ReadOnlyBillingAdmin)
