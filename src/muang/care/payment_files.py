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
    if any("\0" in v for v in values):
        return [v.encode(encoding, errors="replace") for v in values]
    return "\0".join(values).encode(encoding, errors="replace").split(b"\0") if values else []


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
        too_long = [t.reference for t in transfers if len(t.account_number) > 11]
        if too_long:
            raise InvalidInput.for_field(
                "format",
                _("These payees' accounts have more than 11 digits and cannot go in a KTB file: %(refs)s")
                % {"refs": ", ".join(too_long[:20])},
            )
        day = effective.strftime("%d%m%Y").encode("ascii")
        batch = _digits(self.batch, 6, "batch")
        amounts = [satang(t.amount) for t in transfers]  # once each: for the header's total and each record
        total = sum(amounts)
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
        records = [header]
        sender = b"".join(
            [
                _digits(payer.bank_code, 3, "bank_code"),
                _digits(payer.branch_code, 4, "branch_code"),
                _digits(payer.account_number, 11, "account_number"),
            ]
        )
        # Everything but the payee's bank, account, amount, name and running number is the same on every
        # record: one template, filled by one `%` per record (100,000 records a run).
        after_name = _text(payer.account_name, 100) + b" " * 100
        template = b"".join(
            [
                b"102" + batch,
                b"%s",  # receiving bank; "0" + the account's first three digits + the account
                sender + day + self.service_type.encode("ascii") + b"00",
                b"%017d",  # amount in satang
                b" " * 8 + b"0" * 10,
                b"%s",  # receiver name, 100 bytes
                after_name.replace(b"%", b"%%"),
                b"%06d",  # running number
                b"09" + b" " * 60 + b"0000" + b" " * 34,
            ]
        )
        account_ok, bank_ok = _ACCOUNT.match, _BANK.match
        for t in transfers:
            if not (account_ok(t.account_number) and bank_ok(t.bank_code)):
                raise InvalidInput.for_field(
                    "account_number", _("Not a bank account: %(ref)s") % {"ref": t.reference}
                )
        # The variable parts of all records encoded in two calls instead of two per record: the receiving
        # bank, "0" + the account's first three digits (its branch) and the account; the names.
        accounts = _encode_each(
            [t.bank_code + "0" + t.account_number[:3] + t.account_number.zfill(11) for t in transfers],
            "ascii",
        )
        names = _encode_each([t.account_name for t in transfers], ENCODING)
        records.extend(
            template % (account, amount, name[:100].ljust(100), n)
            for n, (account, amount, name) in enumerate(zip(accounts, amounts, names, strict=True), start=1)
        )
        if any(len(record) != RECORD for record in records):  # the layout's own invariant
            raise AssertionError("a KTB record is not 498 bytes")
        return EOL.join(records) + EOL


FORMATS: dict[str, PaymentFileFormat] = {f.code: f for f in (CsvFormat(), KtbDirectCredit())}


def payment_file(
    code: str, transfers: Sequence[Transfer], *, payer: Payer | None, effective: dt.date
) -> bytes:
    fmt = FORMATS.get(code)
    if fmt is None:
        raise InvalidInput.for_field("format", _("Unknown file format: %(code)s") % {"code": code})
    return fmt.write(transfers, payer=payer, effective=effective)
