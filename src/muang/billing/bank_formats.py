"""Bank statement files: one parser per bank layout, registered by code. Pure: bytes in, lines out.

Thai banks send billers a daily *bill-payment report* (รายงานการรับชำระเงิน) as CSV: one row per payment
with the payment date and time, Ref1 and Ref2 as printed in the QR code or barcode, the amount, the payer's
name, where it was paid (branch, ATM, mobile app) and the bank's own transaction number. The layouts differ
only in column names, date style and encoding, so a format is a mapping of columns plus a date parser.

Two formats are built in:

- ``muang`` — Muang's own layout (UTF-8, ISO dates): ``date,time,ref1,ref2,amount,payer_name,channel,branch,
  transaction_id``; also what the bench and the demo generate.
- ``th_bank`` — the common Thai bank layout: Thai column headings, dates ``dd/mm/yyyy`` in the Buddhist Era,
  amounts with thousands separators, UTF-8 (with or without BOM) or TIS-620 (Windows code page 874).

Register another bank with :func:`register` (a :class:`CsvBankFormat` with its column names, or any object
with ``code``, ``label`` and ``parse(data) -> list[ParsedLine]``). A file with any broken row is refused as a
whole, every broken row reported: nothing is half-imported.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import NamedTuple, Protocol

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from muang.core.errors import InvalidInput
from muang.core.thai_dates import BUDDHIST_ERA_OFFSET, ICT

MAX_REPORTED_ERRORS = 50


class ParsedLine(NamedTuple):
    """One payment line (a named tuple: a 100,000-line file makes 100,000 of them)."""

    line_no: int  # the row's line number in the file (the header is line 1)
    paid_at: dt.datetime
    ref1: str
    ref2: str
    amount: Decimal
    payer_name: str
    channel: str
    branch: str
    transaction_id: str


class BankFormat(Protocol):
    code: str
    label: str

    def parse(self, data: bytes) -> list[ParsedLine]: ...


def iso_date(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def thai_date(text: str) -> dt.date:
    """``dd/mm/yyyy`` with a Buddhist-Era year (a C.E. year is accepted when it is clearly one)."""
    day, month, year = (int(part) for part in text.split("/"))
    if year > 2400:
        year -= BUDDHIST_ERA_OFFSET
    return dt.date(year, month, day)


_PLAIN_AMOUNT = re.compile(r"[0-9]{1,12}(?:\.[0-9]{1,2})?")


def _general_amount(text: str) -> Decimal | None:
    """An amount in any other form (thousands separators, a sign, an exponent): a positive sum of baht
    with at most two decimals, else None."""
    try:
        amount = Decimal(text.replace(",", ""))
    except InvalidOperation:
        return None
    if not amount.is_finite() or amount <= 0 or amount.as_tuple().exponent < -2:
        return None
    return amount


def _time(text: str) -> dt.time:
    text = text.strip()
    return dt.time.fromisoformat(text if len(text) != 5 else text + ":00") if text else dt.time(0)


@dataclass(frozen=True)
class CsvBankFormat:
    """A CSV layout: which heading holds each field (several accepted spellings each)."""

    code: str
    label: str
    columns: dict[str, tuple[str, ...]]
    parse_date: Callable[[str], dt.date] = iso_date
    encodings: tuple[str, ...] = ("utf-8-sig",)
    optional: frozenset[str] = field(
        default_factory=lambda: frozenset({"ref2", "payer_name", "channel", "branch"})
    )

    def _decode(self, data: bytes) -> str:
        for encoding in self.encodings:
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                continue
        raise InvalidInput.for_field("file", _("The file is not in a text encoding this bank format uses."))

    def _header_map(self, header: list[str]) -> dict[str, int]:
        normalized = [h.strip().lower() for h in header]
        found: dict[str, int] = {}
        for name, spellings in self.columns.items():
            for spelling in spellings:
                if spelling.lower() in normalized:
                    found[name] = normalized.index(spelling.lower())
                    break
        missing = [n for n in self.columns if n not in found and n not in self.optional]
        if missing:
            raise InvalidInput.for_field(
                "file",
                _("Not a “%(format)s” file: no column for %(missing)s.")
                % {"format": self.label, "missing": ", ".join(missing)},
            )
        return found

    def parse(self, data: bytes) -> list[ParsedLine]:
        # One pass of the csv module; per row only what differs between rows is computed: the paid-at
        # stamp is parsed once per distinct (date, time) pair (a day's file has a few thousand at most),
        # and an amount in plain form ("1234.50") skips the general checks.
        rows = csv.reader(io.StringIO(self._decode(data)))
        header = next(rows, None)
        if header is None:
            raise InvalidInput.for_field("file", _("The file is empty."))
        cols = self._header_map(header)
        date_i, amount_i, ref1_i, txn_i = cols["date"], cols["amount"], cols["ref1"], cols["transaction_id"]
        time_i = cols.get("time")
        ref2_i, payer_i, channel_i, branch_i = (
            cols.get(n) for n in ("ref2", "payer_name", "channel", "branch")
        )
        width = max(cols.values()) + 1
        parse_date = self.parse_date
        plain_amount = _PLAIN_AMOUNT.fullmatch
        stamps: dict[tuple[str, str], dt.datetime] = {}
        lines: list[ParsedLine] = []
        append = lines.append
        errors: dict[str, list[str]] = {}
        for line_no, row in enumerate(rows, start=2):
            if not row or not any(cell.strip() for cell in row):
                continue
            if len(row) < width:
                errors[f"line {line_no}"] = [_("Too few columns.")]
                continue
            key = (row[date_i], row[time_i] if time_i is not None else "")
            paid_at = stamps.get(key)
            if paid_at is None:
                try:
                    paid_at = stamps[key] = dt.datetime.combine(
                        parse_date(key[0].strip()), _time(key[1]), tzinfo=ICT
                    )
                except (ValueError, TypeError):
                    errors[f"line {line_no}"] = [_("Unreadable date or time “%(v)s”.") % {"v": row[date_i]}]
                    continue
            text = row[amount_i].strip()
            if plain_amount(text):
                amount = Decimal(text)  # digits with at most two decimals: finite, scale ≤ 2
                valid = amount > 0
            else:
                amount = _general_amount(text)
                valid = amount is not None
            if not valid:
                errors[f"line {line_no}"] = [
                    _("The amount “%(v)s” is not a positive sum in baht.") % {"v": row[amount_i]}
                ]
                continue
            txn = row[txn_i].strip()
            if not txn or len(txn) > 64:
                errors[f"line {line_no}"] = [_("The bank's transaction number is missing or too long.")]
                continue
            ref1 = row[ref1_i].strip().upper()
            if len(ref1) > 40:
                errors[f"line {line_no}"] = [_("Ref1 is too long.")]
                continue
            append(
                ParsedLine(
                    line_no,
                    paid_at,
                    ref1,
                    row[ref2_i].strip().upper()[:40] if ref2_i is not None else "",
                    amount,
                    row[payer_i].strip()[:300] if payer_i is not None else "",
                    row[channel_i].strip()[:40] if channel_i is not None else "",
                    row[branch_i].strip()[:100] if branch_i is not None else "",
                    txn,
                )
            )
        if errors:
            shown = dict(list(errors.items())[:MAX_REPORTED_ERRORS])
            raise InvalidInput(
                _("%(n)s rows of the file cannot be read; nothing was imported.") % {"n": len(errors)},
                field_errors=shown,
            )
        if not lines:
            raise InvalidInput.for_field("file", _("The file has no payment lines."))
        return lines


FORMATS: dict[str, BankFormat] = {}


def register(bank_format: BankFormat) -> BankFormat:
    FORMATS[bank_format.code] = bank_format
    return bank_format


def get_format(code: str) -> BankFormat:
    try:
        return FORMATS[code]
    except KeyError:
        raise InvalidInput.for_field(
            "bank_format",
            _("Unknown format; choose one of: %(codes)s.") % {"codes": ", ".join(sorted(FORMATS))},
        ) from None


MUANG_COLUMNS = (
    "date",
    "time",
    "ref1",
    "ref2",
    "amount",
    "payer_name",
    "channel",
    "branch",
    "transaction_id",
)

register(
    CsvBankFormat(
        code="muang",
        label=gettext_lazy("Muang CSV"),
        columns={name: (name,) for name in MUANG_COLUMNS},
    )
)
register(
    CsvBankFormat(
        code="th_bank",
        label=gettext_lazy("Thai bank bill-payment report"),
        columns={
            "date": ("วันที่ชำระ", "วันที่", "transaction date", "payment date"),
            "time": ("เวลา", "time"),
            "ref1": ("เลขอ้างอิง 1", "ref.1", "ref1", "reference 1"),
            "ref2": ("เลขอ้างอิง 2", "ref.2", "ref2", "reference 2"),
            "amount": ("จำนวนเงิน", "amount"),
            "payer_name": ("ชื่อผู้ชำระ", "customer name", "payer name"),
            "channel": ("ช่องทาง", "channel"),
            "branch": ("สาขา", "branch"),
            "transaction_id": ("เลขที่รายการ", "transaction no.", "transaction id", "journal no."),
        },
        parse_date=thai_date,
        encodings=("utf-8-sig", "cp874"),
    )
)
