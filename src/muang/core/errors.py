"""Domain errors. Services raise them; the API and views turn them into 4xx answers (problem+json / forms)."""

from django.utils.translation import gettext_lazy as _


class MuangError(Exception):
    status = 400
    code = "bad_request"
    title = _("The request cannot be processed")

    def __init__(self, detail: str | None = None, *, field_errors: dict[str, list[str]] | None = None):
        self.detail = str(detail) if detail is not None else str(self.title)
        self.field_errors = field_errors or {}
        super().__init__(self.detail)


class InvalidInput(MuangError):
    status = 422
    code = "invalid_input"
    title = _("Some fields are not valid")

    @classmethod
    def for_field(cls, field: str, message: str) -> "InvalidInput":
        return cls(str(message), field_errors={field: [str(message)]})

    @classmethod
    def from_validation_error(cls, error) -> "InvalidInput":
        """From Django's ValidationError (model full_clean, form validators), keeping field names."""
        if hasattr(error, "error_dict"):
            field_errors = {
                f: [str(m) for e in errs for m in e.messages] for f, errs in error.error_dict.items()
            }
        else:
            field_errors = {"__all__": [str(m) for m in error.messages]}
        first = next(iter(field_errors.values()))[0]
        return cls(first, field_errors=field_errors)


class NotFound(MuangError):
    status = 404
    code = "not_found"
    title = _("Not found")


class NotAuthenticated(MuangError):
    status = 401
    code = "not_authenticated"
    title = _("Authentication required")


class AccessDenied(MuangError):
    status = 403
    code = "forbidden"
    title = _("You may not do this")


class Conflict(MuangError):
    status = 409
    code = "conflict"
    title = _("The request conflicts with the current state")
