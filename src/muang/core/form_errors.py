"""A refusal where people read it, once for every app: services raise `MuangError` (or Django's
`ValidationError`, from `full_clean`), and these helpers put it on the form field it names (HTML pages), in the
problem+json `errors` list (the API), or on "field: message" lines (commands, Open311)."""

from __future__ import annotations

from collections.abc import Mapping

from django import forms
from django.core.exceptions import ValidationError
from django.http import JsonResponse

from muang.core.errors import AccessDenied, InvalidInput, MuangError, NotAuthenticated

ALL = "__all__"  # the form-wide "field" of Django's ValidationError


def as_muang_error(error: MuangError | ValidationError) -> MuangError:
    """A Django ValidationError as InvalidInput (field names kept); a domain error as it is."""
    if isinstance(error, ValidationError):
        return InvalidInput.from_validation_error(error)
    return error


def field_messages(error: MuangError | ValidationError, default_field: str = ALL) -> list[tuple[str, str]]:
    """(field, message) for every message the error holds, in order; (default_field, detail) when it names
    none."""
    error = as_muang_error(error)
    pairs = [(field, str(m)) for field, messages in error.field_errors.items() for m in messages]
    return pairs or [(default_field, error.detail)]


def problem_errors(error: MuangError) -> list[dict[str, str]]:
    """The `errors` member of a problem+json document: one {"field", "message"} per message the error names."""
    return [
        {"field": field, "message": str(m)}
        for field, messages in error.field_errors.items()
        for m in messages
    ]


def json_errors(error: MuangError, status: int = 400) -> JsonResponse:
    """A refusal for a page's own scripts (a map asking for its data): {"detail", "errors": {field: [...]}}."""
    return JsonResponse({"detail": error.detail, "errors": error.field_errors}, status=status)


def error_lines(error: MuangError | ValidationError, names: Mapping[str, str] | None = None) -> list[str]:
    """ "field: message" lines (fields renamed through `names`), or the detail alone when no field is named."""
    error = as_muang_error(error)
    if not error.field_errors:
        return [error.detail]
    return [f"{(names or {}).get(field, field)}: {message}" for field, message in field_messages(error)]


def add_service_errors(
    form: forms.Form,
    error: MuangError | ValidationError,
    *,
    aliases: Mapping[str, str] | None = None,
    default_field: str | None = None,
    raise_access: bool = False,
    summary: bool = False,
    keep_place: bool = False,
    max_messages: int | None = None,
) -> None:
    """Put a refusal on the form: each message on the field it names (through `aliases` when the service's
    names differ from the form's), else on `default_field` (None: the form as a whole).

    - `raise_access`: "not signed in" and "not allowed" are not form errors: they propagate (the page answers
      401/403 and nothing was written);
    - `summary`: the detail also stands on the form when it says more than the field messages (e.g. "3 rows
      of the file cannot be read");
    - `keep_place`: a message about something the form has no field for says where (a bank file's "line 7");
    - `max_messages`: at most this many field messages (a file with 10,000 bad rows shows the first ones).
    """
    if raise_access and isinstance(error, AccessDenied | NotAuthenticated):
        raise error
    error = as_muang_error(error)
    if not error.field_errors:
        form.add_error(default_field, error.detail)
        return
    if summary and error.detail not in [m for messages in error.field_errors.values() for m in messages]:
        form.add_error(default_field, error.detail)
    pairs = field_messages(error)
    for name, message in pairs if max_messages is None else pairs[:max_messages]:
        field = (aliases or {}).get(name, name)
        target = field if field in form.fields else default_field
        placed = keep_place and target is None and name != ALL
        form.add_error(target, f"{name}: {message}" if placed else message)
