"""The bank-transfer files (care.payment_files): the KTB direct-credit text file byte for byte against the
recorded sample in tests/data, its fixed-width fields read back by position, the CSV, and the refusals."""

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from muang.care.payment_files import RECORD, Payer, Transfer, payment_file
from muang.core.errors import InvalidInput

SAMPLE = Path(__file__).parent / "data" / "ktb_direct_credit_sample.txt"
PAYER = Payer("006", "0412", "4120012345", "เทศบาลเมืองชุมแพ", "CHUMPHAE01")
TRANSFERS = [
    Transfer("202612-1", "006", "4121234567", "นางบัวผัน ศรีสุข", Decimal("700.00")),
    Transfer("202612-2", "006", "9870000001", "นายสมชาย ใจดี", Decimal("800.00")),
    Transfer("202612-3", "014", "1112223334", "เด็กหญิงมะลิ ทองดี", Decimal("1000.00")),
]
EFFECTIVE = dt.date(2026, 12, 10)


def test_the_ktb_file_is_the_recorded_sample_byte_for_byte():
    assert payment_file("ktb", TRANSFERS, payer=PAYER, effective=EFFECTIVE) == SAMPLE.read_bytes()


def test_the_ktb_records_hold_their_fields_at_the_documented_positions():
    records = SAMPLE.read_bytes().split(b"\r\n")
    assert records[-1] == b"" and len(records) == 1 + len(TRANSFERS) + 1
    header, *details = records[:-1]
    assert all(len(r) == RECORD for r in records[:-1])

    def field(record: bytes, first: int, last: int) -> str:  # 1-based, inclusive, as the layout is written
        return record[first - 1 : last].decode("cp874")

    assert field(header, 1, 3) == "101" and field(header, 10, 12) == "006"
    assert int(field(header, 13, 19)) == 3
    assert int(field(header, 20, 38)) == 250000  # 2,500.00 baht in satang
    assert field(header, 39, 46) == "10122026" and field(header, 47, 47) == "C"
    assert field(header, 56, 71).rstrip() == "CHUMPHAE01"
    first = details[0]
    assert field(first, 1, 3) == "102"
    assert field(first, 10, 12) == "006" and field(first, 13, 16) == "0412"
    assert field(first, 17, 27) == "04121234567"
    assert field(first, 28, 45) == "006" + "0412" + "04120012345"
    assert int(field(first, 58, 74)) == 70000
    assert field(first, 93, 192).rstrip() == "นางบัวผัน ศรีสุข"
    assert field(first, 193, 292).rstrip() == "เทศบาลเมืองชุมแพ"
    assert [field(d, 393, 398) for d in details] == ["000001", "000002", "000003"]


def test_the_csv_has_thai_headings_and_decimal_amounts():
    text = payment_file("csv", TRANSFERS, payer=None, effective=EFFECTIVE).decode("utf-8-sig")
    rows = text.splitlines()
    assert rows[0] == "ลำดับ,รหัสธนาคาร,เลขที่บัญชี,ชื่อบัญชี,จำนวนเงิน,อ้างอิง"
    assert rows[1] == "1,006,4121234567,นางบัวผัน ศรีสุข,700.00,202612-1"
    assert len(rows) == 4


def test_refusals_name_the_field():
    with pytest.raises(InvalidInput) as e:
        payment_file("ktb", TRANSFERS, payer=None, effective=EFFECTIVE)
    assert list(e.value.field_errors) == ["format"]
    gsb = [Transfer("202612-9", "030", "020012345678", "นางสาย", Decimal("600.00"))]
    with pytest.raises(InvalidInput) as e:
        payment_file("ktb", gsb, payer=PAYER, effective=EFFECTIVE)
    assert "202612-9" in e.value.detail
    with pytest.raises(InvalidInput) as e:
        payment_file(
            "ktb",
            [Transfer("x", "006", "4121234567", "a", Decimal("0.001"))],
            payer=PAYER,
            effective=EFFECTIVE,
        )
    assert list(e.value.field_errors) == ["amount"]
    with pytest.raises(InvalidInput) as e:
        payment_file("swift", TRANSFERS, payer=PAYER, effective=EFFECTIVE)
    assert list(e.value.field_errors) == ["format"]


# --- the KTB writer works a run's transfers column by column: it writes what the record-by-record writer wrote --


def _ktb_record_by_record(transfers, *, payer, effective) -> bytes:
    """The KTB writer as it was written before it worked by columns: each transfer checked and formatted on
    its own (the oracle of the property below)."""
    from muang.care.payment_files import _ACCOUNT, _BANK, EOL, _digits, _text, satang

    if payer is None or not payer.company_id:
        raise InvalidInput.for_field("format", "no payer")
    too_long = [t.reference for t in transfers if len(t.account_number) > 11]
    if too_long:
        raise InvalidInput.for_field("format", ", ".join(too_long[:20]))
    day = effective.strftime("%d%m%Y").encode("ascii")
    batch = _digits(1, 6, "batch")
    amounts = [satang(t.amount) for t in transfers]
    header = b"".join(
        [
            b"101" + batch + b"006",
            _digits(len(transfers), 7, "transfers"),
            _digits(sum(amounts), 19, "total"),
            day + b"C" + b"0" * 8,
            _text(payer.company_id, 16),
            b" " * 427,
        ]
    )
    sender = (
        _digits(payer.bank_code, 3, "bank_code")
        + _digits(payer.branch_code, 4, "branch_code")
        + _digits(payer.account_number, 11, "account_number")
    )
    records = [header]
    for n, (t, amount) in enumerate(zip(transfers, amounts, strict=True), start=1):
        if not (_ACCOUNT.match(t.account_number) and _BANK.match(t.bank_code)):
            raise InvalidInput.for_field("account_number", t.reference)
        account = t.bank_code + "0" + t.account_number[:3] + t.account_number.zfill(11)
        records.append(
            b"".join(
                [
                    b"102" + batch,
                    account.encode("ascii", errors="replace"),
                    sender + day + b"5900",
                    b"%017d" % amount,
                    b" " * 8 + b"0" * 10,
                    _text(t.account_name, 100),
                    _text(payer.account_name, 100) + b" " * 100,
                    b"%06d" % n,
                    b"09" + b" " * 60 + b"0000" + b" " * 34,
                ]
            )
        )
    assert all(len(r) == RECORD for r in records)
    return EOL.join(records) + EOL


def _outcome(write):
    try:
        return write()
    except InvalidInput as e:  # the same refusal: the same field, naming the same payee
        return next(iter(e.field_errors)), re.findall(r"202612-\d+", e.detail)
    except (ArithmeticError, ValueError) as e:  # an infinite amount fails as it did
        return type(e).__name__


_names = st.text(alphabet=st.characters(codec="utf-8"), max_size=120) | st.sampled_from(
    ["นางบุญมา ศรีสุข", "ก" * 130, "100% ใจดี", "a\0b", "😀 สมชาย", ""]
)


def _transfers_of(bank_codes, accounts, amounts):
    return st.builds(
        Transfer,
        reference=st.from_regex(r"202612-[0-9]{1,4}", fullmatch=True),
        bank_code=bank_codes,
        account_number=accounts,
        account_name=_names,
        amount=amounts,
    )


_banks = st.sampled_from(["006", "014"])
_accounts = st.from_regex(r"[0-9]{10,11}", fullmatch=True) | st.just("๔๑๒๐๐๐๐๐๐๐")  # Thai digits are \d too
_amounts = st.decimals(min_value="0.01", max_value="99999.99", places=2)
_good = _transfers_of(_banks, _accounts, _amounts)
_odd = st.one_of(  # one field off: refused, or written as the record-by-record writer wrote it
    _transfers_of(st.sampled_from(["06", "0066", "๐๐๖", "0a6", ""]), _accounts, _amounts),
    _transfers_of(_banks, st.text(alphabet="0123456789๐x", min_size=9, max_size=12), _amounts),
    _transfers_of(
        _banks,
        _accounts,
        st.decimals(min_value="-5", max_value="99999.999", places=3)
        | st.sampled_from([Decimal("NaN"), Decimal("Infinity"), Decimal(0), Decimal("1E+17")]),
    ),
)
_transfers = st.tuples(st.lists(_good, max_size=8), st.lists(_odd, max_size=1), st.integers(0, 8)).map(
    lambda t: t[0][: t[2]] + t[1] + t[0][t[2] :]
)
_payers = st.sampled_from(
    [
        PAYER,
        Payer("006", "0412", "4120012345", "เทศบาล 100%", "CO%s"),
        Payer("006", "0412", "4120012345", "x", ""),
    ]
)


@settings(derandomize=True, database=None, deadline=None, max_examples=400)
@given(transfers=_transfers, payer=_payers)
def test_the_ktb_file_equals_the_record_by_record_writers_file_or_refusal(transfers, payer):
    ours = _outcome(lambda: payment_file("ktb", transfers, payer=payer, effective=EFFECTIVE))
    theirs = _outcome(lambda: _ktb_record_by_record(transfers, payer=payer, effective=EFFECTIVE))
    assert ours == theirs
