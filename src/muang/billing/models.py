"""Bills, instalments, payments, receipts, bank statements, warning letters, objections and refunds.

Billing is shared by every domain that charges money (land-and-building tax, signboard tax, later waste and
service fees), so it never imports their models: a bill names its origin generically (``kind``, ``year``,
``source_ref``) and carries a copy of the payer's name, tax ID and address as they were when it was issued.

Money is ``Decimal`` with 2 places (baht and satang). A bill always has at least one :class:`Instalment`:
a bill paid in one go has one, a bill split under the instalment right has three. Payments are allocated
to instalments in order, so "what is due" and "what is late" are always computed per instalment.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from muang.core.models import Organization
from muang.core.thai_dates import bangkok_date, format_day_month_year

MONEY = {"max_digits": 14, "decimal_places": 2}
REF_PATTERN = r"^[A-Z0-9]{1,20}$"
ref_validator = RegexValidator(REF_PATTERN, _("Use 1–20 characters: capital letters A–Z and digits 0–9."))
biller_id_validator = RegexValidator(r"^\d{15}$", _("A biller ID has exactly 15 digits (tax ID + suffix)."))
receipt_prefix_validator = RegexValidator(r"^[A-Z0-9]{0,6}$", _("Up to 6 capital letters or digits."))


def _money(amount) -> str:
    """฿1,609.53: how amounts read in labels (the audit log, the admin)."""
    return f"฿{Decimal(amount or 0):,.2f}"


def _bill_label(row) -> str:
    """The number of a row's bill when the bill is at hand (no query from __str__), else its row number."""
    if row.bill_id is None:
        return ""
    return row.bill.number if type(row).bill.is_cached(row) else f"#{row.bill_id}"


class BillKind(models.TextChoices):
    LAND_BUILDING_TAX = "land_building_tax", _("Land and building tax")
    SIGNBOARD_TAX = "signboard_tax", _("Signboard tax")
    WASTE_FEE = "waste_fee", _("Waste collection fee")
    SERVICE_FEE = "service_fee", _("Service fee")


# Two letters in front of generated bill numbers (Ref1), so staff can tell a bill's kind at a glance.
BILL_NUMBER_PREFIX = {
    BillKind.LAND_BUILDING_TAX: "LB",
    BillKind.SIGNBOARD_TAX: "SB",
    BillKind.WASTE_FEE: "WF",
    BillKind.SERVICE_FEE: "SF",
}
# Kinds whose Act grants the right to pay in three instalments (THAI-RULES §1, §2).
INSTALMENT_KINDS = frozenset({BillKind.LAND_BUILDING_TAX, BillKind.SIGNBOARD_TAX})


class BillingProfile(models.Model):
    """How one organisation is paid: its biller ID for Thai QR bill payment, bank accounts, numbering."""

    organization = models.OneToOneField(
        Organization, on_delete=models.CASCADE, related_name="billing_profile"
    )
    biller_id = models.CharField(
        _("biller ID"),
        max_length=15,
        validators=[biller_id_validator],
        help_text=_("The organisation's 13-digit tax ID followed by the 2-digit suffix the bank assigned."),
    )
    bank_accounts = models.JSONField(
        _("bank accounts"),
        default=list,
        blank=True,
        help_text=_('A list of {"bank": "KTB", "account_no": "…", "account_name": "…"}.'),
    )
    receipt_prefix = models.CharField(
        _("receipt number prefix"), max_length=6, blank=True, validators=[receipt_prefix_validator]
    )
    instalment_minimum = models.DecimalField(
        _("smallest bill that may be paid in instalments"), default=3000, **MONEY
    )
    warning_deadline_days = models.PositiveSmallIntegerField(
        _("days a warning letter gives to pay"), default=30
    )
    signatory_name = models.CharField(_("name signing notices"), max_length=200, blank=True)
    signatory_title = models.CharField(_("title signing notices"), max_length=200, blank=True)
    payment_places = models.TextField(_("where to pay (printed on notices)"), blank=True)

    class Meta:
        verbose_name = _("billing profile")
        verbose_name_plural = _("billing profiles")

    def __str__(self) -> str:
        return f"{self.organization} ({self.biller_id})"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        from muang.core.thai_id import is_valid_tax_id

        if self.biller_id and len(self.biller_id) == 15 and not is_valid_tax_id(self.biller_id[:13]):
            raise ValidationError(
                {"biller_id": _("The first 13 digits must be a tax ID with a correct check digit.")}
            )


class NumberSequence(models.Model):
    """A gap-free counter (bill numbers per kind and tax year, receipt numbers per fiscal year).

    Incremented with one ``INSERT … ON CONFLICT DO UPDATE … RETURNING``: the row stays locked until the
    transaction ends, so concurrent writers queue, and a rolled-back transaction gives its numbers back.
    """

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+", db_index=False)
    name = models.CharField(max_length=40)
    year = models.PositiveIntegerField()
    last_value = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "name", "year"], name="numbersequence_unique")
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.year}: {self.last_value}"


class BillStatus(models.TextChoices):
    OPEN = "open", _("Open")
    PARTLY_PAID = "partly_paid", _("Partly paid")
    PAID = "paid", _("Paid")
    CANCELLED = "cancelled", _("Cancelled")


class Bill(models.Model):
    """What one payer owes for one kind of charge and year. Its number is Ref1 of the Thai QR code."""

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="bills", db_index=False
    )
    number = models.CharField(_("bill number (Ref1)"), max_length=20, validators=[ref_validator])
    ref2 = models.CharField(_("Ref2"), max_length=20, validators=[RegexValidator(r"^[A-Z0-9]{0,20}$")])
    kind = models.CharField(_("kind"), max_length=32, choices=BillKind.choices)
    year = models.PositiveSmallIntegerField(_("tax or fee year (C.E.)"))
    source_ref = models.CharField(
        _("source"), max_length=100, blank=True, help_text=_("What the bill is for, e.g. property:owner:42.")
    )
    payer_name = models.CharField(_("payer"), max_length=300)
    payer_tax_id = models.CharField(_("payer's national / tax ID"), max_length=13, blank=True)
    payer_address = models.TextField(_("payer's address"), blank=True)
    amount = models.DecimalField(_("amount"), validators=[MinValueValidator(0)], **MONEY)
    paid_principal = models.DecimalField(_("principal paid"), default=0, **MONEY)
    paid_penalty = models.DecimalField(_("penalty paid"), default=0, **MONEY)
    paid_surcharge = models.DecimalField(_("surcharge paid"), default=0, **MONEY)
    issued_on = models.DateField(_("issued on"))
    notified_on = models.DateField(_("notice received on"), null=True, blank=True)
    due_date = models.DateField(_("due date"))
    extension_until = models.DateField(
        _("payment time extended until"), null=True, blank=True, help_text=_("s.70: reduced surcharge.")
    )
    has_instalments = models.BooleanField(_("paid in instalments"), default=False)
    status = models.CharField(_("status"), max_length=16, choices=BillStatus.choices, default=BillStatus.OPEN)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancel_reason = models.CharField(_("cancel reason"), max_length=300, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organization_id", "-year", "number"]
        verbose_name = _("bill")
        verbose_name_plural = _("bills")
        constraints = [
            models.UniqueConstraint(fields=["organization", "number"], name="bill_number_unique_per_org"),
            # An origin is billed once per year and kind (a re-run cancels the old bill first).
            models.UniqueConstraint(
                fields=["organization", "kind", "year", "source_ref"],
                # On cancelled_at, not status: a payment changes status, and a column in an index predicate
                # would rule out in-place (HOT) updates of paid bills.
                condition=Q(cancelled_at__isnull=True) & ~Q(source_ref=""),
                name="bill_source_billed_once",
            ),
            models.CheckConstraint(condition=Q(number__regex=REF_PATTERN), name="bill_number_is_ref1"),
            models.CheckConstraint(
                condition=Q(paid_principal__lte=models.F("amount")), name="bill_not_overpaid"
            ),
        ]
        indexes = [
            # Not on status or paid amounts: paying a bill then changes no indexed column, so PostgreSQL
            # updates it in place (HOT, with the fillfactor of migration 0002) without touching indexes.
            models.Index(fields=["organization", "due_date"]),
            models.Index(fields=["organization", "kind", "year"]),
            models.Index(fields=["organization", "payer_tax_id"]),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.payer_name}"

    @property
    def outstanding_principal(self):
        return self.amount - self.paid_principal

    @property
    def ref2_label(self) -> str:
        return self.ref2


class BillLine(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+", db_index=False)
    bill = models.ForeignKey(Bill, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField()
    description = models.CharField(_("description"), max_length=300)
    source_ref = models.CharField(_("source"), max_length=100, blank=True)
    amount = models.DecimalField(_("amount"), **MONEY)

    class Meta:
        ordering = ["bill_id", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "bill", "position"], name="billline_position_unique"
            )
        ]
        # What was billed for one property ("property:parcel:42"): the tax map looks up the parcels in view.
        indexes = [models.Index(fields=["organization", "source_ref"], name="billline_org_source")]

    def __str__(self) -> str:
        return f"{self.description} {_money(self.amount)}"


class Instalment(models.Model):
    """One part of a bill with its own due date. Three equal parts when the instalment right is used;
    the satang that do not divide go to the FIRST instalment (10,000.00 → 3,333.34 + 3,333.33 + 3,333.33),
    so the later ones are the round, equal figures the Acts speak of."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+", db_index=False)
    bill = models.ForeignKey(Bill, on_delete=models.CASCADE, related_name="instalments")
    seq = models.PositiveSmallIntegerField()
    amount = models.DecimalField(**MONEY)
    due_date = models.DateField()
    # This instalment and those before it. Payments fill instalments in order, so an instalment is unpaid
    # while the bill's principal paid is below its running total, and what it has received follows from
    # the bill: nothing here changes when a bill is paid (muang.billing.dues.instalments_paid).
    running_total = models.DecimalField(**MONEY)

    class Meta:
        ordering = ["bill_id", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "bill", "seq"], name="instalment_seq_unique"),
        ]
        indexes = [models.Index(fields=["organization", "due_date"])]

    def __str__(self) -> str:
        return f"{_bill_label(self)} #{self.seq} {_money(self.amount)}"


class PaymentChannel(models.TextChoices):
    CASH = "cash", _("Cash at the counter")
    CHEQUE = "cheque", _("Cheque")
    TRANSFER = "transfer", _("Bank transfer")
    BANK = "bank", _("Bank bill payment (statement)")


class Payment(models.Model):
    """Money received for a bill, split into principal, penalty and surcharge; always has a Receipt."""

    # The tenant column is copied from the bill or statement (which are constrained); no per-row
    # constraint check on the 100,000-row COPY of a bank statement.
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False
    )
    bill = models.ForeignKey(Bill, on_delete=models.PROTECT, related_name="payments")
    channel = models.CharField(_("channel"), max_length=16, choices=PaymentChannel.choices)
    paid_on = models.DateField(_("paid on"))
    amount = models.DecimalField(_("amount"), **MONEY)
    principal = models.DecimalField(_("tax / fee"), **MONEY)
    penalty = models.DecimalField(_("penalty"), default=0, **MONEY)
    surcharge = models.DecimalField(_("surcharge"), default=0, **MONEY)
    allocations = models.JSONField(
        _("allocations"),
        default=list,
        help_text=_("Per instalment: seq, principal, penalty, surcharge, months late."),
    )
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    cheque_bank = models.CharField(_("cheque bank"), max_length=100, blank=True)
    cheque_number = models.CharField(_("cheque number"), max_length=40, blank=True)
    bank_line = models.OneToOneField(
        "BankStatementLine", on_delete=models.PROTECT, null=True, blank=True, related_name="payment"
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["organization_id", "-paid_on", "-id"]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_positive"),
            models.CheckConstraint(
                condition=Q(amount=models.F("principal") + models.F("penalty") + models.F("surcharge")),
                name="payment_parts_add_up",
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "paid_on"]),
        ]

    def __str__(self) -> str:
        # Also the audit log's label of a payment: money as money, the bill by its number (no ids, no English).
        return f"{_money(self.amount)} · {_bill_label(self)}"


class Receipt(models.Model):
    """ใบเสร็จรับเงิน. Numbered without gaps per organisation and Thai fiscal year (1 October – 30 September,
    named by its B.E. year), in the order receipts are issued."""

    # The tenant column is copied from the bill or statement (which are constrained); no per-row
    # constraint check on the 100,000-row COPY of a bank statement.
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False
    )
    payment = models.OneToOneField(Payment, on_delete=models.PROTECT, related_name="receipt")
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year (B.E.)"))
    seq = models.PositiveIntegerField()
    number = models.CharField(_("receipt number"), max_length=30)
    issued_at = models.DateTimeField(_("issued at"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )

    class Meta:
        ordering = ["organization_id", "fiscal_year", "seq"]
        verbose_name = _("receipt")
        verbose_name_plural = _("receipts")
        constraints = [
            models.UniqueConstraint(fields=["organization", "fiscal_year", "seq"], name="receipt_seq_unique"),
            models.UniqueConstraint(fields=["organization", "number"], name="receipt_number_unique"),
        ]

    def __str__(self) -> str:
        return self.number


class BankStatementImport(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+", db_index=False)
    bank_format = models.CharField(_("format"), max_length=32)
    filename = models.CharField(_("file"), max_length=255)

    sha256 = models.CharField(_("file checksum"), max_length=64)
    line_count = models.PositiveIntegerField(default=0)
    total_amount = models.DecimalField(default=0, **MONEY)
    applied_amount = models.DecimalField(default=0, **MONEY)
    summary = models.JSONField(_("summary"), default=dict, help_text=_("Lines and amounts by match status."))
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organization_id", "-imported_at"]
        verbose_name = _("bank statement import")
        verbose_name_plural = _("bank statement imports")
        constraints = [
            models.UniqueConstraint(fields=["organization", "sha256"], name="bankimport_file_once"),
        ]

    def __str__(self) -> str:
        return f"{self.filename} ({format_day_month_year(bangkok_date(self.imported_at))})"

    @property
    def bank_format_label(self) -> str:
        """The format's name as people read it (the code if the format is no longer registered)."""
        from muang.billing.bank_formats import FORMATS

        found = FORMATS.get(self.bank_format)
        return str(found.label) if found is not None else self.bank_format


class MatchStatus(models.TextChoices):
    """How a bank line compares with what its bill asks for on the day it was paid.

    Only MATCHED lines are applied by the import; every other status waits for staff."""

    MATCHED = "matched", _("Matched and applied")
    UNMATCHED = "unmatched", _("No open bill with these references")
    PARTIAL = "partial", _("Less than what is due")
    DUPLICATE = "duplicate", _("Duplicate: transaction seen before, or the bill is already paid")
    WRONG_AMOUNT = "wrong_amount", _("The notice's amount, paid after charges were added")
    OVER_PAYMENT = "over_payment", _("More than what is due")


class LineResolution(models.TextChoices):
    APPLIED = "applied", _("Applied to a bill")
    REFUNDED = "refunded", _("To be refunded")
    REJECTED = "rejected", _("Rejected")


class BankStatementLine(models.Model):
    # The tenant column is copied from the bill or statement (which are constrained); no per-row
    # constraint check on the 100,000-row COPY of a bank statement.
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False
    )
    # Both looked up through (organization, statement, line_no) and never on their own: no extra index
    # to maintain on the 100,000-row COPY of a statement.
    statement = models.ForeignKey(
        BankStatementImport, on_delete=models.CASCADE, related_name="lines", db_index=False
    )
    line_no = models.PositiveIntegerField(_("line"))
    paid_at = models.DateTimeField(_("paid at"))
    ref1 = models.CharField(_("reference 1"), max_length=40, blank=True)
    ref2 = models.CharField(_("reference 2"), max_length=40, blank=True)
    amount = models.DecimalField(_("amount"), **MONEY)
    payer_name = models.CharField(_("payer name"), max_length=300, blank=True)
    channel = models.CharField(_("channel"), max_length=40, blank=True)
    branch = models.CharField(_("branch"), max_length=100, blank=True)
    transaction_id = models.CharField(_("bank transaction id"), max_length=64, blank=True)
    status = models.CharField(_("match"), max_length=16, choices=MatchStatus.choices)
    detail = models.CharField(_("detail"), max_length=300, blank=True)
    expected_amount = models.DecimalField(_("expected amount"), null=True, blank=True, **MONEY)
    bill = models.ForeignKey(  # which bill the line named; the money is on the payment's constrained bill
        Bill,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    resolution = models.CharField(_("resolution"), max_length=16, choices=LineResolution.choices, blank=True)
    resolution_note = models.CharField(_("resolution note"), max_length=300, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    class Meta:
        verbose_name = _("bank statement line")
        verbose_name_plural = _("bank statement lines")
        ordering = ["statement_id", "line_no"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "statement", "line_no"], name="bankline_unique"),
            # Defence in depth behind the import's duplicate check: a bank transaction is counted once.
            models.UniqueConstraint(
                fields=["organization", "transaction_id"],
                condition=~Q(status="duplicate") & ~Q(transaction_id=""),
                name="bankline_transaction_once",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.line_no} {self.ref1}/{self.ref2} {_money(self.amount)}"

    @property
    def needs_attention(self) -> bool:
        return self.status != MatchStatus.MATCHED and not self.resolution


class WarningLetter(models.Model):
    """หนังสือแจ้งเตือน: sent for an overdue bill. Once received, the s.68–69 penalty steps up."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+", db_index=False)
    bill = models.ForeignKey(Bill, on_delete=models.PROTECT, related_name="warning_letters")
    issued_on = models.DateField(_("issued on"))
    received_on = models.DateField(_("received on"), null=True, blank=True)
    deadline = models.DateField(_("pay by"), null=True, blank=True)
    amount_stated = models.DecimalField(_("amount stated"), **MONEY)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organization_id", "bill_id", "issued_on"]
        verbose_name = _("warning letter")
        verbose_name_plural = _("warning letters")
        indexes = [models.Index(fields=["organization", "bill"])]

    def __str__(self) -> str:
        return _bill_label(self)


class ObjectionStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    ACCEPTED = "accepted", _("Accepted")
    PARTLY_ACCEPTED = "partly_accepted", _("Partly accepted")
    REJECTED = "rejected", _("Rejected")


class Objection(models.Model):
    """คำร้องคัดค้าน (ภ.ด.ส.10): filed within 30 days of receiving the notice; decided within 60 days,
    after which silence counts as acceptance."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+", db_index=False)
    bill = models.ForeignKey(Bill, on_delete=models.PROTECT, related_name="objections")
    filed_on = models.DateField(_("filed on"))
    reason = models.TextField(_("reason"))
    status = models.CharField(max_length=16, choices=ObjectionStatus.choices, default=ObjectionStatus.PENDING)
    decided_on = models.DateField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organization_id", "-filed_on"]
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        indexes = [models.Index(fields=["organization", "status"])]

    def __str__(self) -> str:
        return _bill_label(self)


class RefundStatus(models.TextChoices):
    CLAIMED = "claimed", _("Claimed")
    APPROVED = "approved", _("Approved")
    PAID = "paid", _("Paid out")
    REJECTED = "rejected", _("Rejected")


class RefundReason(models.TextChoices):
    OVER_PAYMENT = "over_payment", _("Paid more than was due")
    DUPLICATE = "duplicate", _("Paid twice")
    OBJECTION = "objection", _("Objection upheld")
    OTHER = "other", _("Other")


class Refund(models.Model):
    """Money to give back (ภ.ด.ส.9 claims within 3 years of payment), e.g. an over-payment at the bank."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+", db_index=False)
    bill = models.ForeignKey(Bill, on_delete=models.PROTECT, null=True, blank=True, related_name="refunds")
    payment = models.ForeignKey(
        Payment, on_delete=models.PROTECT, null=True, blank=True, related_name="refunds"
    )
    bank_line = models.ForeignKey(
        BankStatementLine, on_delete=models.PROTECT, null=True, blank=True, related_name="refunds"
    )
    payee_name = models.CharField(max_length=300)
    amount = models.DecimalField(validators=[MinValueValidator(0)], **MONEY)
    reason = models.CharField(max_length=16, choices=RefundReason.choices)
    claimed_on = models.DateField()
    status = models.CharField(max_length=16, choices=RefundStatus.choices, default=RefundStatus.CLAIMED)
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organization_id", "-claimed_on"]
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="refund_positive")]
        indexes = [models.Index(fields=["organization", "status"])]

    def __str__(self) -> str:
        return f"{_money(self.amount)} · {self.payee_name}"
