"""Thai 13-digit identification numbers: national ID (เลขประจำตัวประชาชน) and juristic-person tax ID
(เลขทะเบียนนิติบุคคล / เลขประจำตัวผู้เสียภาษีอากร).

Both carry the same check digit: with d0…d11 the first twelve digits,
``check = (11 − Σ dᵢ × (13 − i) mod 11) mod 10``. An individual's tax ID is their national ID; a juristic
person's starts with 0 (e.g. 0105… companies, 0994… government agencies).

The check digit catches most typing errors but not all: the third digit has weight 11 ≡ 0 (mod 11) and
is not protected at all, and sums ≡ 0 and ≡ 10 (mod 11) both give check digit 1.
"""

from __future__ import annotations

ID_LENGTH = 13
_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
_SEPARATORS = str.maketrans("", "", " -")
_ASCII_DIGITS = frozenset("0123456789")


def normalize_thai_id(value: str) -> str:
    """Drop spaces and hyphens and turn Thai digits (๐–๙) into ASCII; no validation."""
    return value.translate(_SEPARATORS).translate(_THAI_DIGITS)


def _is_digits(value: str, length: int) -> bool:
    # str.isdigit() would also accept other scripts' digits and superscripts.
    return len(value) == length and set(value) <= _ASCII_DIGITS


def national_id_check_digit(first12: str) -> str:
    """The 13th digit for the first twelve (ASCII digits only)."""
    if not _is_digits(first12, ID_LENGTH - 1):
        raise ValueError("expected exactly 12 digits")
    total = sum(int(digit) * (ID_LENGTH - i) for i, digit in enumerate(first12))
    return str((11 - total % 11) % 10)


def is_valid_national_id(value: str) -> bool:
    """13 digits (spaces, hyphens and Thai digits allowed) with a correct check digit."""
    digits = normalize_thai_id(value)
    return _is_digits(digits, ID_LENGTH) and national_id_check_digit(digits[:12]) == digits[12]


def is_valid_tax_id(value: str) -> bool:
    """Any 13-digit Thai tax ID: an individual's (= national ID) or a juristic person's."""
    return is_valid_national_id(value)


def is_valid_juristic_tax_id(value: str) -> bool:
    """A juristic person's tax ID: same checksum, and the first digit is 0."""
    return is_valid_national_id(value) and normalize_thai_id(value).startswith("0")


def format_thai_id(value: str) -> str:
    """``1234567890123`` → ``1-2345-67890-12-3`` (the layout printed on ID cards and tax forms)."""
    digits = normalize_thai_id(value)
    if not _is_digits(digits, ID_LENGTH):
        raise ValueError("expected 13 digits")
    return f"{digits[0]}-{digits[1:5]}-{digits[5:10]}-{digits[10:12]}-{digits[12]}"
