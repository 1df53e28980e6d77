"""Tracking codes: what a citizen reads out on the phone or types into the tracking page.

A code is 12 Crockford base-32 characters shown in groups of four, e.g. ``01F4-7KX9-M2QD``:

* the first four encode the organisation's id, so a code is unique platform-wide by construction and a
  lookup goes straight to one organisation's rows (ready for distributing the database by tenant);
* the last eight are random (40 bits from `secrets`): codes cannot be enumerated or guessed from a neighbour.

Crockford's alphabet has no I, L, O or U; when reading input, I and L count as 1 and O as 0.
"""

import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
PREFIX_LENGTH = 4
RANDOM_LENGTH = 8
MAX_ORGANIZATION_ID = len(ALPHABET) ** PREFIX_LENGTH - 1
_READ_AS = str.maketrans({"I": "1", "L": "1", "O": "0", "-": None, " ": None})


def _encode(number: int, length: int) -> str:
    chars = []
    for _i in range(length):
        number, digit = divmod(number, len(ALPHABET))
        chars.append(ALPHABET[digit])
    return "".join(reversed(chars))


def _format(raw: str) -> str:
    return "-".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def new_tracking_code(organization_id: int) -> str:
    if not 0 < organization_id <= MAX_ORGANIZATION_ID:
        raise ValueError(f"organisation id {organization_id} does not fit a tracking code prefix")
    random_part = "".join(secrets.choice(ALPHABET) for _i in range(RANDOM_LENGTH))
    return _format(_encode(organization_id, PREFIX_LENGTH) + random_part)


def normalize_tracking_code(text: str) -> str | None:
    """The canonical form of what someone typed (any case, with or without dashes), or None if it cannot be one."""
    raw = (text or "").upper().translate(_READ_AS)
    if len(raw) != PREFIX_LENGTH + RANDOM_LENGTH or any(c not in ALPHABET for c in raw):
        return None
    return _format(raw)


def organization_id_of(code: str) -> int:
    """The organisation id encoded in a canonical code."""
    number = 0
    for c in code.replace("-", "")[:PREFIX_LENGTH]:
        number = number * len(ALPHABET) + ALPHABET.index(c)
    return number
