"""HTML pages of citizen reports: the citizen's web intake and tracking page (`citizen`), and the public map, list
and statistics (`public`). The staff's case desk is in `muang.cases.views`."""

from django import forms

from muang.core import form_errors
from muang.core.errors import MuangError

# Where the services' field names show up in the forms.
FIELD_ALIASES = {"location": "lat", "contact": "contact_phone", "stars": "stars", "reason": "reason"}


def add_service_errors(form: forms.Form, error: MuangError) -> None:
    """Put a domain error on the form field it names (or on the form when it names none)."""
    form_errors.add_service_errors(form, error, aliases=FIELD_ALIASES)
