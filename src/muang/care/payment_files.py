"""Bank-transfer files for the allowance payment run: the one adapter between Muang and the bank. Pure:
transfers in, bytes out; amounts are Decimal and written in satang or with two decimals, never as floats.

Two formats:

- ``csv`` — a plain CSV (UTF-8 with a BOM, so Excel opens the Thai names): ``ลำดับ,รหัสธนาคาร,เลขที่บัญชี,
  ชื่อบัญชี,จำนวนเงิน,อ้างอิง``; for banks whose portal takes a spreadsheet, and for checking by eye.
- ``ktb`` — Krung Thai Bank's *KTB Corporate Online* direct-credit text file (the "Standard / Direct" bulk
  payment layout). Source: the layout as implemented by the Odoo Community Association's Thai localisation,
  module ``l10n_th_bank_payment_export_ktb`` (OCA/l10n-thailand, ``models/bank_payment_export.py``), itself
  written from KTB's specification. Fixed-width records of 498 bytes in TIS-620 (Windows code page 874: one
  byte per Thai character, so widths hold for Thai names), each ended by CR LF:

  Header, record type 101 (one per file, one batch per file)::

      1–3     "101"                  record type
      4–9     batch number           "000001"
      10–12   "006"                  KTB's bank code
      13–19   transactions           7 digits, zero-filled
      20–38   total amount           19 digits, satang, zero-filled
      39–46   effective date         DDMMYYYY, Christian Era
      47      "C"                    credit
      48–55   "00000000"             receiver number
      56–71   company ID             16, left-aligned (the organisation's corporate ID at KTB)
      72–498  spaces                 user ID and filler

  Detail, record type 102 (one per transfer)::

      1–3     "102"                  record type
      4–9     batch number           "000001"
      10–12   receiving bank         3 digits
      13–16   receiving branch       4 digits ("0" + the account's first three digits: the branch part of
                                     a Thai ten-digit account number)
      17–27   receiving account      11 digits, zero-filled
      28–30   sending bank           3 digits
      31–34   sending branch         4 digits
      35–45   sending account        11 digits, zero-filled
      46–53   effective date         DDMMYYYY
      54–55   service type           "59" other (standard service; the allowance is no salary)
      56–57   "00"                   clearing house
      58–74   amount                 17 digits, satang, zero-filled
      75–82   spaces                 receiver information
      83–92   "0000000000"           receiver ID
      93–192  receiver name          100, left-aligned
      193–292 sender name            100, left-aligned
      293–392 spaces                 other information 1 and 2, DDA references
      393–398 reference              6 digits, the transfer's running number from 1
      399–400 "09"                   notification
      401–440 e-mail                 40 spaces (none: personal data stays home)
      441–460 SMS                    20 spaces
      461–464 "0000"
      465–498 spaces                 filter

  Accounts of twelve digits (GSB, GHB, BAAC) do not fit the eleven-digit field: such a run is refused for
  this format, naming the people, and is paid with the CSV or in cash.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import chain, repeat
from operator import itemgetter, mul
from typing import NamedTuple, Protocol

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from muang.core.errors import InvalidInput

ENCODING = "cp874"  # TIS-620 with the Windows additions; Thai banks' text files use it
RECORD = 498
EOL = b"\r\n"
_ACCOUNT = re.compile(r"\d{10,11}\Z")
_BANK = re.compile(r"\d{3}\Z")


class Transfer(NamedTuple):  # a tuple: a run builds 100,000 of them straight from the database's rows
    reference: str  # the run's own reference of the payee (no national ID: the bank does not need it)
    bank_code: str
    account_number: str
    account_name: str
    amount: Decimal


@dataclass(frozen=True)
class Payer:
    bank_code: str
    branch_code: str
    account_number: str
    account_name: str
    company_id: str


class PaymentFileFormat(Protocol):
    code: str
    label: str
    filename_suffix: str
    content_type: str

    def write(self, transfers: Sequence[Transfer], *, payer: Payer | None, effective: dt.date) -> bytes: ...


def satang(amount: Decimal) -> int:
    value = amount * 100
    if value != value.to_integral_value() or amount <= 0:
        raise InvalidInput.for_field("amount", _("A transfer is a positive amount in baht and satang."))
    return int(value)


def satang_each(amounts: Sequence[Decimal]) -> list[int]:
    """`[satang(a) for a in amounts]`, the column at once: every amount times 100 and made an integer in C,
    accepted when each integer equals its amount and the smallest is positive (exactly when `satang` accepts
    each); otherwise, or on NaN or infinity, `satang` one by one refuses the first amount it refuses."""
    try:
        scaled = list(map(mul, amounts, repeat(100)))
        cents = list(map(int, scaled))
    except (ArithmeticError, ValueError):
        cents = None
    if cents is None or cents != scaled or min(cents, default=1) <= 0:
        return [satang(amount) for amount in amounts]
    return cents


class CsvFormat:
    code = "csv"
    label = gettext_lazy("CSV for the bank")
    filename_suffix = ".csv"
    content_type = "text/csv; charset=utf-8"

    def write(self, transfers: Sequence[Transfer], *, payer: Payer | None, effective: dt.date) -> bytes:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(["ลำดับ", "รหัสธนาคาร", "เลขที่บัญชี", "ชื่อบัญชี", "จำนวนเงิน", "อ้างอิง"])
        for n, t in enumerate(transfers, start=1):
            satang(t.amount)
            writer.writerow(
                [n, t.bank_code, t.account_number, t.account_name, f"{t.amount:.2f}", t.reference]
            )
        return "\ufeff".encode() + out.getvalue().encode("utf-8")


def _text(value: str, width: int) -> bytes:
    """`value` in TIS-620, cut to `width` bytes and padded with spaces; characters TIS-620 lacks become '?'."""
    data = value.encode(ENCODING, errors="replace")[:width]
    return data.ljust(width, b" ")


def _digits(value: int | str, width: int, field: str) -> bytes:
    text = str(value)
    if not text.isdigit() or len(text) > width:
        raise InvalidInput.for_field(
            field, _("%(value)s does not fit %(n)s digits.") % {"value": text, "n": width}
        )
    return text.zfill(width).encode("ascii")


def _encode_each(values: list[str], encoding: str) -> list[bytes]:
    """`[v.encode(encoding, errors="replace") for v in values]` in one call to the codec: the values joined by
    NUL, encoded, split again (one at a time when a value holds a NUL itself)."""
    if not values:
        return []
    joined = "\0".join(values)
    if joined.count("\0") != len(values) - 1:  # a value holds a NUL of its own
        return [v.encode(encoding, errors="replace") for v in values]
    return joined.encode(encoding, errors="replace").split(b"\0")


class KtbDirectCredit:
    code = "ktb"
    label = gettext_lazy("Krung Thai Bank direct credit (text)")
    filename_suffix = ".txt"
    content_type = "text/plain; charset=windows-874"
    batch = 1
    service_type = "59"

    def write(self, transfers: Sequence[Transfer], *, payer: Payer | None, effective: dt.date) -> bytes:
        if payer is None or not payer.company_id:
            raise InvalidInput.for_field(
                "format", _("Set the organisation's paying account and its corporate ID at KTB first.")
            )
        # A run writes 100,000 records: the transfers are taken apart into columns once, and every step below
        # walks a column in C (`map`, `all`, `max`, one `%` for the whole file) rather than a Python loop per
        # record. Where a column is refused, the record-by-record check runs to name the first one.
        references, banks, accounts, names, amounts = (
            list(map(itemgetter(i), transfers)) for i in range(len(Transfer._fields))
        )
        if max(map(len, accounts), default=0) > 11:
            too_long = [ref for ref, account in zip(references, accounts, strict=True) if len(account) > 11]
            raise InvalidInput.for_field(
                "format",
                _("These payees' accounts have more than 11 digits and cannot go in a KTB file: %(refs)s")
                % {"refs": ", ".join(too_long[:20])},
            )
        day = effective.strftime("%d%m%Y").encode("ascii")
        batch = _digits(self.batch, 6, "batch")
        cents = satang_each(amounts)  # once each: for the header's total and each record
        total = sum(cents)
        header = b"".join(
            [
                b"101",
                batch,
                b"006",
                _digits(len(transfers), 7, "transfers"),
                _digits(total, 19, "total"),
                day,
                b"C",
                b"0" * 8,
                _text(payer.company_id, 16),
                b" " * 427,
            ]
        )
        sender = b"".join(
            [
                _digits(payer.bank_code, 3, "bank_code"),
                _digits(payer.branch_code, 4, "branch_code"),
                _digits(payer.account_number, 11, "account_number"),
            ]
        )
        # Everything but the payee's bank, account, amount, name and running number is the same on every
        # record: one template, repeated for every record and filled by one `%`.
        after_name = _text(payer.account_name, 100) + b" " * 100
        template = b"".join(
            [
                b"102" + batch,
                b"%s0%.3s%s",  # receiving bank; "0" + the account's first three digits (its branch); the account
                sender + day + self.service_type.encode("ascii") + b"00",
                b"%017d",  # amount in satang
                b" " * 8 + b"0" * 10,
                b"%-100.100s",  # receiver name: cut to 100 bytes, padded with spaces
                after_name.replace(b"%", b"%%"),
                b"%06d",  # running number
                b"09" + b" " * 60 + b"0000" + b" " * 34,
            ]
        )
        # `_ACCOUNT` and `_BANK` over the columns: `\d` of a str pattern is `str.isdecimal` (both are the Unicode
        # decimal digits, Py_UNICODE_ISDECIMAL), and the widths are the lengths (accounts at most 11, above).
        digits_only = all(map(str.isdecimal, accounts)) and all(map(str.isdecimal, banks))
        if not (digits_only and min(map(len, accounts), default=10) >= 10 and set(map(len, banks)) <= {3}):
            for ref, bank, account in zip(references, banks, accounts, strict=True):
                if not (_ACCOUNT.match(account) and _BANK.match(bank)):
                    raise InvalidInput.for_field(
                        "account_number", _("Not a bank account: %(ref)s") % {"ref": ref}
                    )
        # The variable parts of all records encoded in one call per column instead of per record.
        bank_bytes = _encode_each(banks, "ascii")
        account_bytes = _encode_each(accounts, "ascii")
        fields = zip(
            bank_bytes,
            account_bytes,
            map(bytes.zfill, account_bytes, repeat(11)),
            cents,
            _encode_each(names, ENCODING),
            range(1, len(cents) + 1),
            strict=True,
        )
        layout = header.replace(b"%", b"%%") + (EOL + template) * len(cents) + EOL
        data = layout % tuple(chain.from_iterable(fields))
        # The layout's own invariant. No field comes out narrower than its width (the bank is three digits,
        # the account ten or eleven, the name cut and padded to 100, the numbers zero-filled), so each record
        # is 498 bytes exactly when the whole file is (transfers + 1) × (498 + CR LF).
        if len(data) != (len(cents) + 1) * (RECORD + len(EOL)):
            raise AssertionError("a KTB record is not 498 bytes")
        return data


FORMATS: dict[str, PaymentFileFormat] = {f.code: f for f in (CsvFormat(), KtbDirectCredit())}


def payment_file(
    code: str, transfers: Sequence[Transfer], *, payer: Payer | None, effective: dt.date
) -> bytes:
    fmt = FORMATS.get(code)
    if fmt is None:
        raise InvalidInput.for_field("format", _("Unknown file format: %(code)s") % {"code": code})
    return fmt.write(transfers, payer=payer, effective=effective)
