"""The guard that keeps personal data out of open data (PDPA): what a dataset's columns would publish, and what
its values look like.

A dataset is refused when a column is declared `personal`, when its name or the SQL behind it is a personal field
(a person's name, national ID, phone, LINE id, e-mail, address, the owner or reporter of something), or when its
places are people's homes (`OpenDataset.home_location`). Each refresh also reads every value it is about to
write and refuses the file when one looks like a national ID (13 digits with a valid check digit), a Thai phone
number, a LINE user id or an e-mail address.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from muang.core.contract import OpenDataset
from muang.core.thai_id import is_valid_national_id

# Words of a column's header that name personal data ("owner_name", "phone", "line_id"...).
PERSONAL_HEADER_WORDS = frozenset(
    {
        "name",
        "firstname",
        "lastname",
        "surname",
        "fullname",
        "owner",
        "reporter",
        "citizen",
        "person",
        "national",
        "nationalid",
        "idcard",
        "phone",
        "mobile",
        "tel",
        "line",
        "lineid",
        "email",
        "mail",
        "address",
        "home",
        "house",
        "birth",
        "contact",
    }
)
# Columns of Muang's tables that hold personal data: an expression reading one is refused, whatever its header.
PERSONAL_SQL = re.compile(
    r"\b(national_id|contact_name|contact_phone|contact_email|phone|line_user_id|email|first_name|last_name|"
    r"owner_id|reporter_id|citizen_id|address|house_number|house_id|birth_date|date_of_birth)\b",
    re.IGNORECASE,
)

_PHONE = re.compile(r"(?<![\d.])0[2-9]\d?[- ]?\d{3}[- ]?\d{3,4}(?![\d.])")
_LINE_USER = re.compile(r"\bU[0-9a-f]{32}\b")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
_THIRTEEN = re.compile(r"(?<!\d)\d[- ]?\d{4}[- ]?\d{5}[- ]?\d{2}[- ]?\d(?!\d)")


def personal_columns(dataset: OpenDataset) -> list[str]:
    """The headers of the dataset's columns that would publish personal data (empty: none)."""
    found = []
    for column in dataset.columns:
        words = set(re.split(r"[^a-z0-9]+", column.name.lower()))
        if column.personal or words & PERSONAL_HEADER_WORDS or PERSONAL_SQL.search(column.sql):
            found.append(column.name)
    if dataset.home_location or (dataset.geometry_sql and PERSONAL_SQL.search(dataset.geometry_sql)):
        found.append("geometry")
    return found


def personal_value_kind(value: Any) -> str:
    """ "national_id", "phone", "line_id" or "email" when the value looks like one; "" otherwise."""
    if not isinstance(value, str) or len(value) < 6:
        return ""
    for match in _THIRTEEN.finditer(value):
        if is_valid_national_id(re.sub(r"\D", "", match.group())):
            return "national_id"
    if _PHONE.search(value):
        return "phone"
    if _LINE_USER.search(value):
        return "line_id"
    if _EMAIL.search(value):
        return "email"
    return ""


def personal_values(headers: list[str], rows: Iterable[Iterable[Any]]) -> list[tuple[str, str]]:
    """(header, kind) of every column holding a value that looks personal (each pair once)."""
    found: dict[tuple[str, str], None] = {}
    for row in rows:
        for header, value in zip(headers, row, strict=False):
            if kind := personal_value_kind(value):
                found[(header, kind)] = None
    return list(found)
