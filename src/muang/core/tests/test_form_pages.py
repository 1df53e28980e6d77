"""core.views.pages' two page helpers (issue 12's fold of care's staff forms and of the care and lighting import
pages): a service decides, the page answers 200 / 422 / a redirect with a message, a refusal lands on its field,
a refusal of access is no form error."""

from dataclasses import dataclass

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory

from muang.core.errors import AccessDenied, InvalidInput
from muang.core.views.pages import import_page, service_form_page

TEMPLATE = "404.html"  # any template of the site renders the context it is given


class NameForm(forms.Form):
    name = forms.CharField(max_length=10)


class FileForm(forms.Form):
    file = forms.FileField()
    dry_run = forms.BooleanField(required=False)


def _request(method: str = "get", data=None, files=None):
    factory = RequestFactory()
    request = factory.get("/x") if method == "get" else factory.post("/x", {**(data or {}), **(files or {})})
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


def test_a_form_page_saves_through_its_service_and_redirects_with_the_message():
    request = _request("post", {"name": "สมศรี"})
    saved = []
    response = service_form_page(
        request,
        NameForm(request.POST),
        save=lambda form: saved.append(form.cleaned_data["name"]) or 7,
        template=TEMPLATE,
        done=lambda pk: f"/people/{pk}",
        done_message=lambda pk: f"saved {pk}",
    )
    assert (response.status_code, response["Location"], saved) == (302, "/people/7", ["สมศรี"])
    assert [str(m) for m in get_messages(request)] == ["saved 7"]


def test_a_refusal_lands_on_its_field_with_422_and_access_is_no_form_error():
    request = _request("post", {"name": "x"})
    form = NameForm(request.POST)

    def refuse(form):
        raise InvalidInput.for_field("full_name", "ชื่อซ้ำ")

    response = service_form_page(
        request, form, save=refuse, template=TEMPLATE, done="/", aliases={"full_name": "name"}
    )
    assert response.status_code == 422 and form.errors["name"] == ["ชื่อซ้ำ"]
    assert (
        service_form_page(_request(), NameForm(), save=refuse, template=TEMPLATE, done="/").status_code == 200
    )

    def deny(form):
        raise AccessDenied("no")

    with pytest.raises(AccessDenied):
        service_form_page(request, NameForm(request.POST), save=deny, template=TEMPLATE, done="/")


@dataclass
class Report:
    imported: int
    rejected: list


def _import(report_or_error, seen):
    def run(data, filename, cleaned):
        seen.append((data, filename, cleaned["dry_run"]))
        if isinstance(report_or_error, Exception):
            raise report_or_error
        return report_or_error

    return run


@pytest.mark.parametrize(
    ("outcome", "status"),
    [
        (Report(imported=0, rejected=[]), 200),  # a clean dry run: the report, nothing written
        (Report(imported=0, rejected=["row 2: bad ID"]), 422),  # rows rejected
        (InvalidInput.for_field("file", "not a CSV"), 422),  # the file refused as a whole
        (Report(imported=3, rejected=[]), 302),  # written: the message and the list
    ],
)
def test_an_import_page_reports_a_dry_run_rejections_and_an_import(outcome, status):
    upload = SimpleUploadedFile("people.csv", b"a,b\n1,2\n")
    request = _request("post", {"dry_run": "on" if status != 302 else ""}, {"file": upload})
    form = FileForm(request.POST, request.FILES)
    seen = []
    response = import_page(
        request,
        form,
        run_import=_import(outcome, seen),
        template=TEMPLATE,
        done="/people/",
        done_message=lambda n, name: f"{n} from {name}",
    )
    assert response.status_code == status
    assert seen == [(b"a,b\n1,2\n", "people.csv", status != 302)]
    if status == 302:
        assert response["Location"] == "/people/"
        assert [str(m) for m in get_messages(request)] == ["3 from people.csv"]
    if isinstance(outcome, Exception):
        assert form.errors["file"] == ["not a CSV"]
