"""A bounded, deterministic fuzz of every HTML page and form: hostile values never cause a server error.

It walks the URL patterns (path parameters naming the real rows of a small town, `muang.testing.fuzz`), opens
each page anonymously and as the organisation's system administrator, and sends hostile values (a NUL
character, numbers past every column, overlong text, wrong types) in the query parameters that the views read
and in every field of every form the page shows (GET filters and POST forms). Zero answers of 500 or more.
"""

import random
import re
from html.parser import HTMLParser
from urllib.parse import urlencode, urlsplit

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from muang.testing.fuzz import build_fuzz_town

SEED = 2569
HOSTILE = ("a\x00b", "99999999999999999999", "-1", "1e309", "ก" * 1000, "2026-02-30")
# Sent one parameter at a time (drawn with the seed), so that one refused parameter does not hide the others.
SINGLE = (*HOSTILE, "NaN", "[]", "0", "")
SINGLES_PER_PAGE = 8
# Query parameters the views read from request.GET themselves (besides the fields of the forms they render).
QUERY_PARAMETERS = (
    "next", "page", "category", "bbox", "q", "lon", "lat", "year", "ids", "zoom", "table", "assignee", "status",
    "query", "property", "organization", "org", "open", "code", "all", "as_of", "kind", "since", "until",
    "department", "jurisdiction_id", "service_code", "start_date", "end_date", "service_request_id", "p",
)  # fmt: skip
SKIPPED_PREFIXES = ("/static/", "/media/", "/i18n/", "/accounts/logout/", "/line/")
# Walked lightly (the query only): the admin is Django's, the API has its own fuzz (test_api_fuzz.py).
LIGHT_PREFIXES = ("/admin/", "/api/")
EXPECTED = {("/readyz", 503)}  # no worker heartbeat in the tests: "not ready" is the right answer
# POST forms that end the session or switch it: they would log the fuzzing client out.
SKIPPED_ACTIONS = ("/accounts/logout/", "/i18n/setlang/", "/switch-organization/")
CONVERTER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


def _walk(patterns, prefix=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _walk(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern)


def _value_for(route: str, name: str, known: dict[str, str]) -> str:
    if name == "code":
        return known["parcel"] if "tax/map" in route else known["case"]
    if name == "number":
        return known["receipt"] if "receipts" in route else known["number"]
    if name == "fmt":
        return "json"
    return known.get(name, "1")


def concrete_urls(known: dict[str, str]) -> list[str]:
    """Every URL pattern with its parameters filled in (regular expressions by their named groups)."""
    urls = set()
    for route in _walk(get_resolver().url_patterns, "/"):
        if route.startswith("/admin/") and route.count("<") + route.count("(") > 0:
            continue  # the admin's object pages: its changelists and index are walked
        route = route.replace("^", "").replace("$", "").replace("\\Z", "").replace("\\", "")
        url = CONVERTER.sub(lambda m, r=route: _value_for(r, m["name"], known), route)
        url = re.sub(r"\(\?P<(?P<name>\w+)>[^)]*\)", lambda m, r=route: _value_for(r, m["name"], known), url)
        if "(" in url or "*" in url or "?" in url:
            continue
        if not url.startswith(SKIPPED_PREFIXES):
            urls.add(url)
    return sorted(urls)


class _Forms(HTMLParser):
    """The forms of a page: method, action and the names of their fields."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            method = (a.get("method") or "get").lower()
            self.forms.append({"method": method, "action": a.get("action") or "", "fields": {}})
        elif tag in ("input", "select", "textarea", "button") and self.forms and a.get("name"):
            kind = (a.get("type") or "").lower()
            self.forms[-1]["fields"][a["name"]] = "file" if kind == "file" else a.get("value") or ""


def forms_of(html: str) -> list[dict]:
    parser = _Forms()
    parser.feed(html)
    return parser.forms


def _fuzz_page(client: Client, url: str, rng: random.Random, failures: list[str]) -> None:
    def check(response, what):
        if response.status_code >= 500 and (url, response.status_code) not in EXPECTED:
            failures.append(f"{response.status_code} {what}")

    response = client.get(url)
    check(response, f"GET {url}")
    if response.status_code == 302 and response["Location"].startswith("/accounts/login/"):
        return  # a staff page, seen anonymously: nothing behind it to fuzz
    html = response.content.decode(errors="replace") if "html" in response.get("Content-Type", "") else ""
    forms = forms_of(html) if response.status_code == 200 else []
    form_fields = sorted({name for form in forms if form["method"] == "get" for name in form["fields"]})
    names = sorted(set(QUERY_PARAMETERS) | set(form_fields))
    for value in HOSTILE:
        query = urlencode(dict.fromkeys(names, value))
        check(client.get(f"{url}?{query}"), f"GET {url} every parameter={value[:20]!r}")
    if not html or url.startswith(LIGHT_PREFIXES):
        return
    singles = [*form_fields, *rng.sample(QUERY_PARAMETERS, SINGLES_PER_PAGE)]
    for name in singles:
        value = rng.choice(SINGLE)
        check(client.get(url, {name: value}), f"GET {url}?{name}={value[:20]!r}")
    for form in forms:
        action = urlsplit(form["action"]).path or url
        if form["method"] != "post" or action.startswith(SKIPPED_ACTIONS):
            continue
        fields = [
            name for name, kind in form["fields"].items() if kind != "file" and name != "csrfmiddlewaretoken"
        ]
        for value in HOSTILE:
            check(
                client.post(action, dict.fromkeys(fields, value)), f"POST {action} every field={value[:20]!r}"
            )


def _fuzz_admin_sign_in(client: Client, failures: list[str]) -> None:
    for value in HOSTILE:
        response = client.post("/admin/login/", {"username": value, "password": value})
        if response.status_code >= 500:
            failures.append(f"{response.status_code} POST /admin/login/ username={value[:20]!r}")


@pytest.mark.django_db
def test_no_page_or_form_answers_a_server_error(areas):
    town = build_fuzz_town()
    rng = random.Random(SEED)
    urls = concrete_urls(town.known)
    assert len(urls) > 60, urls  # the walk found the application's pages
    anonymous, staff = Client(raise_request_exception=False), Client(raise_request_exception=False)
    staff.force_login(town.admin)
    failures: list[str] = []
    for url in urls:
        for client in (anonymous, staff):
            _fuzz_page(client, url, rng, failures)
    _fuzz_admin_sign_in(anonymous, failures)
    assert not failures, "\n".join(failures)
