"""Every HTML URL of the site has an authorisation decision, and the decision is what the page does.

Each page declares who may open it where it is defined (`muang.core.views.pages`: `staff_page(holds(perm))`,
`signed_in_page`, `public_page(reason)`, `machine_endpoint(reason)`, an app's citizen-session decorator). This
module walks the whole URL resolver: a page without a declaration fails the first test (so no page can be added
without a decision), and every page is called by every kind of caller the decision names (the second test),
with placeholder ids: the decision is taken before any object is looked up, so a refused caller gets its
refusal and an allowed one gets the page or a 404, never a 401/403, never a 500. A refused write writes nothing.

The Django admin and the JSON API are walked by their own matrices (core/tests/views/test_admin.py,
test_api_matrix.py)."""

import itertools
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.test import Client
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse
from django.urls.converters import IntConverter, PathConverter, SlugConverter

from muang.core import registry
from muang.core.models import AuditEntry, Role
from muang.core.tests.factories import OrganizationFactory, UserFactory, member
from muang.core.views.pages import CITIZEN, MACHINE, PUBLIC, SIGNED_IN, STAFF

# Namespaces and URL names that are not pages of Muang's own, with where their decisions are tested.
EXEMPT_NAMESPACES = {
    "admin": "Django admin: each ModelAdmin scopes itself (core.admin.ScopedAdmin); core/tests/views/test_admin.py",
    "api-v1": "the JSON API: every operation in an authorisation matrix (core/tests/test_api_matrix.py)",
}
EXEMPT_NAMES = {"set_language": "Django's language switch: sets a cookie, reads nothing"}
SLUG = "page-access-town"  # the organisation every <slug:…> is filled with


@dataclass(frozen=True)
class Page:
    route: str
    name: str  # namespaced
    pattern: URLPattern
    namespace: str

    @property
    def access(self):
        return getattr(self.pattern.callback, "page_access", None)

    def __str__(self) -> str:
        return self.name or self.route


def _walk(patterns, prefix: str = "", namespace: str = ""):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = ":".join(filter(None, [namespace, p.namespace])) if p.namespace else namespace
            yield from _walk(p.url_patterns, prefix + str(p.pattern), ns)
        else:
            name = ":".join(filter(None, [namespace, p.name])) if p.name else ""
            yield Page(prefix + str(p.pattern), name, p, namespace)


def site_pages() -> list[Page]:
    return list(_walk(get_resolver().url_patterns))


def checked_pages() -> list[Page]:
    pages = []
    for page in site_pages():
        if page.namespace.split(":", 1)[0] in EXEMPT_NAMESPACES or page.name in EXEMPT_NAMES:
            continue
        pages.append(page)
    return pages


def test_every_page_has_an_authorisation_decision():
    undecided = [
        f"{page.route} ({page.name or 'no name'})" for page in checked_pages() if page.access is None
    ]
    assert not undecided, f"pages without an authorisation decision (muang.core.views.pages): {undecided}"
    unnamed = [page.route for page in checked_pages() if not page.name]
    assert not unnamed, f"pages without a URL name: {unnamed}"


def test_the_walk_sees_every_app_and_the_exemptions_exist():
    names = {page.name for page in site_pages()}
    for expected in (
        "home",
        "billing:bills",
        "property-office:overview",
        "cases:queue",
        "line:webhook",
    ):
        assert expected in names
    assert "selfservice:home" in names and "open311:requests" in names and "admin:index" in names
    assert any(name.startswith("api-v1:") for name in names) and "set_language" in names


# --- every page × the callers its decision names -----------------------------------------------------------


def _candidates(page: Page, key: str) -> list[str]:
    converter = getattr(page.pattern.pattern, "converters", {}).get(key)
    if isinstance(converter, IntConverter):
        return ["987654"]
    if isinstance(converter, SlugConverter):
        return [SLUG]
    if isinstance(converter, PathConverter):
        return ["no/such/file.txt"]
    if converter is not None:
        return ["NOSUCH-1"]
    return ["json", "NOSUCH-1", "987654"]  # a regular expression's group: the first it accepts


def url_of(page: Page) -> str:
    keys = list(page.pattern.pattern.regex.groupindex)
    for values in itertools.product(*(_candidates(page, key) for key in keys)):
        # The organisation may also sit in the app's mount prefix (`my-tax/<slug:slug>/waste/`).
        for extra in ({}, {"slug": SLUG}):
            try:
                return reverse(page.name, kwargs={**dict(zip(keys, values, strict=True)), **extra})
            except NoReverseMatch:
                continue
    raise AssertionError(f"cannot build a URL for {page.name}")


def _role_lacking(perm: str) -> str | None:
    table = registry.permission_table()
    return next(
        (r for r in (Role.OVERSEER, Role.OFFICER, Role.DEPARTMENT_HEAD) if perm not in table.by_role[r]), None
    )


def _role_holding(perm: str) -> str | None:
    table = registry.permission_table()
    return next((r for r in (Role.SYSTEM_ADMIN, *Role.values) if perm in table.by_role[r]), None)


def call(client: Client, url: str):
    """GET, or POST with nothing when the page only takes POST."""
    response = client.get(url)
    if response.status_code == 405:
        response = client.post(url, {})
    return response


def _as(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _refused(response) -> bool:
    return response.status_code in (401, 403)


def _to_sign_in(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(reverse(settings.LOGIN_URL))


@pytest.mark.django_db
@pytest.mark.parametrize("page", checked_pages(), ids=str)
def test_the_page_does_what_it_declares(areas, page: Page):
    org = OrganizationFactory(slug=SLUG)
    access = page.access
    assert access is not None, "see test_every_page_has_an_authorisation_decision"
    url = url_of(page)
    before = AuditEntry.objects.count()
    anonymous = call(Client(), url)
    assert anonymous.status_code != 500, (url, anonymous.status_code)  # (503 is /readyz saying "not ready")

    if access.kind == STAFF:
        assert _to_sign_in(anonymous), (url, anonymous.status_code)
        outsider = call(_as(UserFactory()), url)  # signed in, member of nothing: what a citizen is here
        assert outsider.status_code == 403, (url, outsider.status_code)
        if role := _role_lacking(access.perm):
            lacking = call(_as(member(org, role)), url)
            assert lacking.status_code == 403, (url, role, lacking.status_code)
        assert AuditEntry.objects.count() == before, "a refused caller wrote something"
        if role := _role_holding(access.perm):
            allowed = call(_as(member(org, role)), url)
            assert allowed.status_code != 500 and not _refused(allowed), (url, role, allowed.status_code)
    elif access.kind == SIGNED_IN:
        assert _to_sign_in(anonymous), (url, anonymous.status_code)
        assert call(_as(UserFactory()), url).status_code != 500
        allowed = call(_as(member(org, Role.SYSTEM_ADMIN)), url)
        assert allowed.status_code != 500 and not _refused(allowed), (url, allowed.status_code)
    elif access.kind == CITIZEN:
        # Without the citizen's own session: sent to sign in (or not found), never shown anything.
        assert anonymous.status_code in (302, 404), (url, anonymous.status_code)
        staff = call(_as(member(org, Role.SYSTEM_ADMIN)), url)  # a staff login is not a citizen's session
        assert staff.status_code in (302, 404), (url, staff.status_code)
    elif access.kind == PUBLIC:
        assert not _refused(anonymous), (url, anonymous.status_code)
    elif access.kind == MACHINE:
        # No credential: refused or rejected as malformed, never served.
        assert 400 <= anonymous.status_code < 500, (url, anonymous.status_code)
    else:  # pragma: no cover
        raise AssertionError(access.kind)
    if access.kind in (CITIZEN, MACHINE):
        assert AuditEntry.objects.count() == before, "a refused caller wrote something"


# --- /files/<name>: each kind of private file is decided by the app that stores it ------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("kind", [*registry.file_kinds(), "no-such-kind"])
def test_every_private_file_kind_has_its_apps_decision(areas, kind):
    """`/files/` is open to anyone at the door (a public case photo needs no sign-in); what it serves is
    decided per file by the reader the owning app declared (`AppContract.file_readers`, a system check makes
    every private image field have one). A file no row holds, or a kind no app reads, is a 404 for everyone."""
    from muang.core.checks import file_reader_errors

    assert file_reader_errors(registry.contracts()) == []
    org = OrganizationFactory(slug=SLUG)
    url = reverse("private-file", kwargs={"name": f"{kind}/{org.pk}/{'A' * 22}.jpg"})
    before = AuditEntry.objects.count()
    for client in (Client(), _as(UserFactory()), _as(member(org, Role.SYSTEM_ADMIN))):
        response = client.get(url)
        assert response.status_code == 404, (url, response.status_code)
    assert AuditEntry.objects.count() == before
