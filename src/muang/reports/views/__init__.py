"""HTML pages of citizen reports: the citizen's web intake and tracking page (`citizen`), the public map, list
and statistics (`public`), and the staff work pages (`staff`)."""

from django import forms

from muang.core.errors import MuangError

# Where the services' field names show up in the forms.
FIELD_ALIASES = {"location": "lat", "contact": "contact_phone", "stars": "stars", "reason": "reason"}


def add_service_errors(form: forms.Form, error: MuangError) -> None:
    """Put a domain error on the form field it names (or on the form when it names none)."""
    if not error.field_errors:
        form.add_error(None, error.detail)
        return
    for name, messages in error.field_errors.items():
        field = FIELD_ALIASES.get(name, name)
        for message in messages:
            form.add_error(field if field in form.fields else None, message)
