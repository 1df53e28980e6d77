"""The bank-transfer files (care.payment_files): the KTB direct-credit text file byte for byte against the
recorded sample in tests/data, its fixed-width fields read back by position, the CSV, and the refusals."""

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

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
