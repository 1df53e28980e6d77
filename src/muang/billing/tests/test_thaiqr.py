"""Thai QR Payment payloads: published vectors, CRC, round trips and refusals."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from muang.billing.thaiqr import (
    InvalidQRField,
    InvalidQRPayload,
    ProxyType,
    QRKind,
    ThaiQRError,
    build_bill_payment,
    build_credit_transfer,
    crc16_ccitt_false,
    parse,
    render_png,
    render_svg,
)

PURE = settings(derandomize=True, database=None, deadline=None, max_examples=150)

MOBILE_VECTOR = "00020101021129370016A000000677010111011300668012345675802TH530376463046197"
BILL_VECTOR = (
    "00020101021230650016A00000067701011201150994000165501000212123456789012030667042953037645802TH"
    "54073649.2263044534"
)

refs = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", min_size=1, max_size=20)
digits = st.text(alphabet="0123456789", min_size=1, max_size=1)
amounts = st.none() | st.decimals(min_value="0.01", max_value="9999999999.99", places=2)
labels = st.none() | st.text(
    alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), min_size=1, max_size=25
)


def _digits(n: int) -> st.SearchStrategy[str]:
    return st.text(alphabet="0123456789", min_size=n, max_size=n)


# --- published vectors (THAI-RULES §4) ---------------------------------------------------------------------


def test_crc_check_value():
    assert f"{crc16_ccitt_false(b'123456789'):04X}" == "29B1"


def test_static_promptpay_to_a_mobile_number_matches_the_published_vector():
    assert build_credit_transfer(mobile="0801234567") == MOBILE_VECTOR


def test_one_time_bill_payment_matches_the_published_vector():
    payload = build_bill_payment(
        biller_id="099400016550100", ref1="123456789012", ref2="670429", amount=D("3649.22")
    )

    assert payload == BILL_VECTOR


def test_parse_the_mobile_vector():
    qr = parse(MOBILE_VECTOR)

    assert (qr.kind, qr.one_time, qr.amount) == (QRKind.CREDIT_TRANSFER, False, None)
    assert (qr.proxy_type, qr.proxy_id, qr.mobile) == (ProxyType.MOBILE, "0066801234567", "0801234567")
    assert (qr.currency, qr.country, qr.crc) == ("764", "TH", "6197")


def test_parse_the_bill_vector():
    qr = parse(BILL_VECTOR)

    assert (qr.kind, qr.one_time, qr.amount) == (QRKind.BILL_PAYMENT, True, D("3649.22"))
    assert (qr.biller_id, qr.ref1, qr.ref2) == ("099400016550100", "123456789012", "670429")
    assert [field_id for field_id, _ in qr.fields] == ["00", "01", "30", "53", "58", "54", "63"]


# --- building ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "mobile", ["0801234567", "080-123-4567", "+66 80 123 4567", "66801234567", "0066801234567"]
)
def test_mobile_numbers_in_any_usual_form(mobile):
    assert build_credit_transfer(mobile=mobile) == MOBILE_VECTOR


def test_national_id_and_ewallet_proxies():
    by_id = parse(build_credit_transfer(national_id="1-1017-00207-03-0", amount=D(100)))
    by_wallet = parse(build_credit_transfer(ewallet_id="123456789012345"))

    assert (by_id.proxy_type, by_id.proxy_id, by_id.amount, by_id.one_time) == (
        ProxyType.NATIONAL_ID,
        "1101700207030",
        D("100.00"),
        True,
    )
    assert (by_wallet.proxy_type, by_wallet.proxy_id) == (ProxyType.EWALLET, "123456789012345")


def test_amount_always_has_two_decimals():
    assert "540510.00" in build_credit_transfer(mobile="0801234567", amount=D(10))
    assert "54041.50" in build_credit_transfer(mobile="0801234567", amount=D("1.5"))


def test_ref2_is_omitted_when_empty_and_terminal_label_goes_in_62_07():
    payload = build_bill_payment(
        biller_id="099400016550100", ref1="INV1", ref2="", terminal_label="Counter 1"
    )
    qr = parse(payload)

    assert qr.ref2 is None
    assert qr.terminal_label == "Counter 1"
    assert "62130709Counter 16304" in payload


# --- refusals ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"ref1": "inv-001"}, "ref1"),  # lower case and hyphen
        ({"ref1": "INV 001"}, "ref1"),
        ({"ref1": "ใบแจ้งหนี้"}, "ref1"),
        ({"ref1": ""}, "ref1"),
        ({"ref1": "A" * 21}, "ref1"),
        ({"ref2": "A" * 21}, "ref2"),
        ({"ref2": "abc"}, "ref2"),
        ({"biller_id": "09940001655010"}, "biller_id"),  # 14 digits
        ({"biller_id": "0994000165501000"}, "biller_id"),  # 16 digits
        ({"biller_id": "09940001655010A"}, "biller_id"),
        ({"biller_id": "๐๙๙๔๐๐๐๑๖๕๕๐๑๐๐"}, "biller_id"),  # Thai digits are not ASCII digits
        ({"amount": D("-1.00")}, "amount"),
        ({"amount": D(0)}, "amount"),
        ({"amount": D("10000000000.00")}, "amount"),
        ({"amount": D("1.005")}, "amount"),
        ({"amount": D("NaN")}, "amount"),
        ({"amount": 1.5}, "amount"),  # float
        ({"terminal_label": "x" * 26}, "terminal_label"),
        ({"terminal_label": "เคาน์เตอร์"}, "terminal_label"),
    ],
)
def test_bill_payment_refuses_bad_fields(kwargs, field):
    args = {"biller_id": "099400016550100", "ref1": "INV001"} | kwargs
    with pytest.raises(InvalidQRField) as excinfo:
        build_bill_payment(**args)

    assert excinfo.value.field == field
    assert str(excinfo.value).startswith(field)
    assert isinstance(excinfo.value, ValueError)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({}, "proxy"),
        ({"mobile": "0801234567", "national_id": "1101700207030"}, "proxy"),
        ({"mobile": "080123456"}, "mobile"),
        ({"mobile": "08012345678"}, "mobile"),
        ({"mobile": "+66 080 123 4567"}, "mobile"),
        ({"mobile": "801234567"}, "mobile"),
        ({"mobile": "08O1234567"}, "mobile"),
        ({"national_id": "110170020703"}, "national_id"),
        ({"ewallet_id": "12345678901234"}, "ewallet_id"),
    ],
)
def test_credit_transfer_refuses_bad_proxies(kwargs, field):
    with pytest.raises(InvalidQRField) as excinfo:
        build_credit_transfer(**kwargs)

    assert excinfo.value.field == field


@pytest.mark.parametrize(
    "payload",
    [
        MOBILE_VECTOR[:-4] + "6198",  # wrong CRC
        MOBILE_VECTOR.replace("801234567", "801234568"),  # content changed, CRC not
        MOBILE_VECTOR[:-6],  # cut short
        "",
        "hello",
        "000201",  # no CRC at all
    ],
)
def test_parse_refuses_corrupt_payloads(payload):
    with pytest.raises(InvalidQRPayload):
        parse(payload)


def _sign(body: str) -> str:
    unsigned = body + "6304"
    return unsigned + f"{crc16_ccitt_false(unsigned.encode()):04X}"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("000201010211" + "5802TH5303764", "exactly one of 29"),
        ("000201010299" + "29370016A00000067701011101130066801234567" + "5802TH5303764", "initiation"),
        ("000201010211" + "29370016A00000067701011101130066801234567" + "5802TH5303840", "764"),
        ("000201010211" + "29370016A00000067701011101130066801234567" + "5802US5303764", "TH"),
        ("000201010211" + "29370016A00000067701011901130066801234567" + "5802TH5303764", "AID"),
        ("000201010211" + "29200016A000000677010111" + "5802TH5303764", "proxy"),
        ("000201010211" + "30200016A000000677010112" + "5802TH5303764", "Ref1"),
        ("000201010212" + "29370016A00000067701011101130066801234567" + "5802TH53037645403abc", "amount"),
        ("000201010211" + "5802TH5802TH5303764", "twice"),
        ("000202010211" + "29370016A00000067701011101130066801234567" + "5802TH5303764", "000201"),
    ],
)
def test_parse_refuses_well_signed_but_wrong_payloads(body, message):
    with pytest.raises(InvalidQRPayload, match=message):
        parse(_sign(body))


def test_errors_share_one_base_class():
    assert issubclass(InvalidQRField, ThaiQRError)
    assert issubclass(InvalidQRPayload, ThaiQRError)
    assert issubclass(ThaiQRError, ValueError)


# --- rendering ---------------------------------------------------------------------------------------------


def test_render_svg_and_png():
    svg = render_svg(BILL_VECTOR)
    png = render_png(MOBILE_VECTOR)

    assert svg.lstrip().startswith(b"<?xml") and b"<svg" in svg
    assert png.startswith(b"\x89PNG\r\n\x1a\n")


def test_render_refuses_an_invalid_payload():
    with pytest.raises(InvalidQRPayload):
        render_svg(MOBILE_VECTOR[:-1] + "0")


# --- properties --------------------------------------------------------------------------------------------


@PURE
@given(
    biller=_digits(15),
    ref1=refs,
    ref2=st.none() | refs,
    amount=amounts,
    label=labels,
)
def test_bill_payment_round_trip(biller, ref1, ref2, amount, label):
    payload = build_bill_payment(biller_id=biller, ref1=ref1, ref2=ref2, amount=amount, terminal_label=label)
    qr = parse(payload)

    assert (qr.kind, qr.biller_id, qr.ref1, qr.ref2) == (QRKind.BILL_PAYMENT, biller, ref1, ref2)
    assert (qr.amount, qr.one_time, qr.terminal_label) == (amount, amount is not None, label)
    assert payload.endswith(qr.crc) and qr.crc == qr.crc.upper()


@PURE
@given(
    proxy=st.one_of(
        st.integers(min_value=10**8, max_value=10**9 - 1)
        .map(str)
        .map(lambda d: ("mobile", "0" + d, ProxyType.MOBILE, "0066" + d)),
        _digits(13).map(lambda d: ("national_id", d, ProxyType.NATIONAL_ID, d)),
        _digits(15).map(lambda d: ("ewallet_id", d, ProxyType.EWALLET, d)),
    ),
    amount=amounts,
    label=labels,
)
def test_credit_transfer_round_trip(proxy, amount, label):
    argument, value, proxy_type, encoded = proxy
    qr = parse(build_credit_transfer(**{argument: value}, amount=amount, terminal_label=label))

    assert (qr.kind, qr.proxy_type, qr.proxy_id) == (QRKind.CREDIT_TRANSFER, proxy_type, encoded)
    assert (qr.amount, qr.one_time, qr.terminal_label) == (amount, amount is not None, label)


@PURE
@given(position=st.integers(min_value=0, max_value=len(BILL_VECTOR) - 5), replacement=digits)
def test_any_single_character_change_is_detected(position, replacement):
    corrupted = BILL_VECTOR[:position] + replacement + BILL_VECTOR[position + 1 :]
    if corrupted == BILL_VECTOR:
        return
    with pytest.raises(InvalidQRPayload):
        parse(corrupted)


@PURE
@given(data=st.binary(max_size=64))
def test_crc_of_data_followed_by_its_crc_is_zero(data):
    # The defining property of a CRC with no final XOR and no reflection.
    crc = crc16_ccitt_false(data)
    assert crc16_ccitt_false(data + crc.to_bytes(2, "big")) == 0
