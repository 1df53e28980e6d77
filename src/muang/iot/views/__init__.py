"""The staff pages of the iot app (/iot/): devices, profiles with their alarm rules, alarms. Thin: forms check
shapes, selectors read, services write and refuse; a refusal lands on the form field it names."""

from __future__ import annotations

import re

from muang.core import form_errors
from muang.core.errors import MuangError

# "keys[2]" → "keys", "decoder.fields[0]" → the byte layout's field: the service's names on the form's fields.
FIELD_ALIASES = {
    "location": "lat",
    "profile_id": "profile",
    "decoder": "decoder_kind",
    "decoder.keys": "json_keys",
    "decoder.fields": "fields_layout",
}
_INDEX = re.compile(r"\[\d+\].*$")


def add_service_errors(form, error: MuangError) -> None:
    """Put a refusal on the field it names; an indexed name ("keys[1].min") lands on its field, saying where."""
    error = form_errors.as_muang_error(error)
    if not error.field_errors:
        form.add_error(None, error.detail)
        return
    for name, message in form_errors.field_messages(error):
        base = _INDEX.sub("", name)
        field = FIELD_ALIASES.get(base, base)
        target = field if field in form.fields else None
        place = _INDEX.search(name)
        text = f"{name}: {message}" if place or (target is None and name != form_errors.ALL) else message
        form.add_error(target, text)


def safe_next(value: str, default: str, prefix: str = "/iot/") -> str:
    """Where a button returns to: a path of these pages only, never another site."""
    return value if value.startswith(prefix) and not value.startswith("//") else default
