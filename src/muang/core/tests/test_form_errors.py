"""A refusal where people read it (core.form_errors): on the form field it names, in problem+json, on lines."""

import json

import pytest
from django import forms
from django.core.exceptions import ValidationError

from muang.core.errors import AccessDenied, InvalidInput, MuangError, NotAuthenticated
from muang.core.form_errors import (
    add_service_errors,
    error_lines,
    field_messages,
    json_errors,
    problem_errors,
)


class PaymentForm(forms.Form):
    amount = forms.DecimalField(required=False)
    lat = forms.FloatField(required=False)
    reason = forms.CharField(required=False)


def _form() -> PaymentForm:
    form = PaymentForm({})
    assert form.is_valid()
    return form


def test_a_message_goes_on_the_field_it_names_through_aliases():
    form = _form()
    add_service_errors(
        form, InvalidInput.for_field("location", "Outside the area."), aliases={"location": "lat"}
    )
    assert form.errors == {"lat": ["Outside the area."]}


def test_a_field_the_form_lacks_goes_on_the_form_or_on_the_default_field():
    error = MuangError("Two problems.", field_errors={"amount": ["Too much."], "payer": ["Unknown payer."]})
    form = _form()
    add_service_errors(form, error)
    assert form.errors == {"amount": ["Too much."], "__all__": ["Unknown payer."]}
    form = _form()
    add_service_errors(form, error, default_field="reason")
    assert form.errors == {"amount": ["Too much."], "reason": ["Unknown payer."]}


def test_an_error_naming_no_field_stands_on_the_form_or_the_default_field():
    form = _form()
    add_service_errors(form, MuangError("Closed today."))
    assert form.non_field_errors() == ["Closed today."]
    form = _form()
    add_service_errors(form, MuangError("Closed today."), default_field="reason")
    assert form.errors == {"reason": ["Closed today."]}


def test_summary_place_and_limit_for_files():
    error = InvalidInput(
        "3 lines cannot be read.",
        field_errors={
            "line 2": ["No amount."],
            "line 5": ["No reference."],
            "line 9": ["Bad date."],
            "__all__": ["x"],
        },
    )
    form = _form()
    add_service_errors(form, error, summary=True, keep_place=True, max_messages=2)
    assert form.non_field_errors() == [
        "3 lines cannot be read.",
        "line 2: No amount.",
        "line 5: No reference.",
    ]
    form = _form()
    add_service_errors(form, InvalidInput.for_field("amount", "Too much."), summary=True)
    assert form.errors == {"amount": ["Too much."]}  # the detail says nothing more: not repeated


@pytest.mark.parametrize("error", [AccessDenied("no"), NotAuthenticated("who?")])
def test_access_errors_are_not_form_errors_when_asked(error):
    form = _form()
    with pytest.raises(type(error)):
        add_service_errors(form, error, raise_access=True)
    add_service_errors(form, error)
    assert form.non_field_errors() == [error.detail]


def test_django_validation_errors_keep_their_fields():
    form = _form()
    add_service_errors(form, ValidationError({"amount": ["Must be positive."], "other": ["Nope."]}))
    assert form.errors == {"amount": ["Must be positive."], "__all__": ["Nope."]}
    assert field_messages(ValidationError("Plain.")) == [("__all__", "Plain.")]


def test_the_same_error_for_the_api_commands_and_scripts():
    error = MuangError("Bad.", field_errors={"amount": ["Too much.", "Not a number."], "ref": ["Unknown."]})
    assert problem_errors(error) == [
        {"field": "amount", "message": "Too much."},
        {"field": "amount", "message": "Not a number."},
        {"field": "ref", "message": "Unknown."},
    ]
    assert error_lines(error, {"ref": "service_request_id"}) == [
        "amount: Too much.",
        "amount: Not a number.",
        "service_request_id: Unknown.",
    ]
    assert error_lines(MuangError("Closed.")) == ["Closed."]
    assert field_messages(MuangError("Closed."), default_field="file") == [("file", "Closed.")]
    response = json_errors(error)
    assert response.status_code == 400
    assert json.loads(response.content) == {
        "detail": "Bad.",
        "errors": {"amount": ["Too much.", "Not a number."], "ref": ["Unknown."]},
    }
