"""Adding an app is one line in INSTALLED_APPS (docs/adding-an-app.md): a tiny app of the test suite
(`muang.core.tests.tinyapp`, "glance") is installed, and its page, its API operation, its menu entry (for the
right role only), its permission, its periodic task, its demo loader, its KPI source and its open dataset are all
there, with no other file edited. Uninstalled, they are gone."""

import datetime as dt
import io
import types

import pytest
from django.core.management import call_command
from django.test import Client, modify_settings, override_settings
from django.utils.module_loading import import_string

from muang.core import registry
from muang.core.access import SYSTEM
from muang.core.management.commands import muang_worker
from muang.core.models import Duty, Role
from muang.core.services import api_token_create
from muang.core.tests.factories import DepartmentFactory, OrganizationFactory, member

APP = "muang.core.tests.tinyapp"
pytestmark = pytest.mark.django_db


@pytest.fixture
def glance():
    """The site as it is with the app installed: `modify_settings` is the one line in INSTALLED_APPS; the
    URLconf and the API are then built exactly as `muang.urls` and `muang.api` build them at start-up."""
    from muang.api import build_api
    from muang.urls import build_urlpatterns

    with modify_settings(INSTALLED_APPS={"append": APP}):
        api = build_api()
        urlconf = types.ModuleType("glance_site_urls")
        urlconf.urlpatterns = build_urlpatterns(api=api)
        with override_settings(ROOT_URLCONF=urlconf):
            yield api


@pytest.fixture
def org(areas):
    org = OrganizationFactory()
    DepartmentFactory(organization=org, code="works")
    DepartmentFactory(organization=org, code="health")
    DepartmentFactory(organization=org, code="office", duties=[Duty.ADMINISTRATION])
    return org


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_its_page_opens_for_the_role_it_grants_only(glance, org):
    works = org.departments.get(code="works")
    head = client_of(member(org, Role.DEPARTMENT_HEAD, department=works))
    response = head.get("/glance/")
    assert response.status_code == 200
    assert response.content.decode() == f"{org.slug}: 3 departments"
    assert client_of(member(org, Role.OFFICER, department=works)).get("/glance/").status_code == 403
    assert Client().get("/glance/").status_code == 302  # to the sign-in page
    assert client_of(member(org, Role.SYSTEM_ADMIN)).get("/glance/").status_code == 200


def test_its_api_operation_is_in_the_schema_and_checks_its_scope(glance, org):
    operation = glance.get_openapi_schema()["paths"]["/api/v1/organizations/{slug}/glance"]["get"]
    assert operation["summary"] == "The organisation at a glance"
    scopes = glance.get_openapi_schema()["components"]["schemas"]["TokenIn"]["properties"]["scopes"]
    assert "glance:read" in scopes["items"]["enum"]
    _, reader = api_token_create(actor=SYSTEM, organization=org, name="dashboard", scopes=["glance:read"])
    _, other = api_token_create(actor=SYSTEM, organization=org, name="cases", scopes=["cases:read"])
    url = f"/api/v1/organizations/{org.slug}/glance"
    response = Client().get(url, HTTP_AUTHORIZATION=f"Bearer {reader}")
    assert response.status_code == 200 and response.json() == {"organization": org.slug, "departments": 3}
    assert Client().get(url, HTTP_AUTHORIZATION=f"Bearer {other}").status_code == 403
    assert Client().get(url).status_code == 401


def test_its_menu_entry_shows_to_the_role_it_grants_only(glance, org):
    menu_link = 'href="/glance/"'
    assert menu_link in client_of(member(org, Role.DEPARTMENT_HEAD)).get("/").content.decode()
    assert menu_link not in client_of(member(org, Role.OFFICER)).get("/").content.decode()
    assert menu_link not in client_of(member(org, Role.OVERSEER)).get("/").content.decode()


def test_its_duty_grant_reaches_the_officers_of_the_department_holding_the_duty_only(glance, org):
    office, works = org.departments.get(code="office"), org.departments.get(code="works")
    in_office = client_of(member(org, Role.OFFICER, department=office))
    assert in_office.get("/glance/").status_code == 200
    assert 'href="/glance/"' in in_office.get("/").content.decode()
    elsewhere = client_of(member(org, Role.OFFICER, department=works))
    assert elsewhere.get("/glance/").status_code == 403
    assert 'href="/glance/"' not in elsewhere.get("/").content.decode()
    assert "glance.view" in registry.duty_permissions()[Duty.ADMINISTRATION][Role.OFFICER]
    assert "glance.view" not in registry.duty_permissions()[Duty.ENGINEERING][Role.OFFICER]
    # The duty is the organisation's data: taken away, the right goes with it (no cache across requests).
    office.duties = []
    office.save()
    assert in_office.get("/glance/").status_code == 403


def test_its_periodic_task_is_scheduled_by_the_worker(glance, org):
    runs = import_string(f"{APP}.tasks.RUNS")
    runs.clear()
    assert ("muang.core.tests.tinyapp.tasks.glance_refresh", 60) in {
        (p.task, p.every) for p in registry.periodic_tasks()
    }
    last_run: dict[str, float] = {}
    muang_worker._enqueue_periodic(last_run)  # what the worker's heartbeat does: from the registry
    assert runs == ["refreshed"]
    muang_worker._enqueue_periodic(last_run)  # not again before its 60 seconds
    assert runs == ["refreshed"]


def test_its_demo_loader_runs_in_its_place(glance):
    out = io.StringIO()
    call_command("load_demo", "--list", stdout=out)
    names = [line.split()[0] for line in out.getvalue().splitlines()]
    assert names.index("core.organizations") < names.index("glance.demo") < names.index("reports.reports")
    loaded = import_string(f"{APP}.selectors.LOADED")
    loaded.clear()
    out = io.StringIO()
    call_command("load_demo", only=["glance.demo"], stdout=out)
    assert loaded == ["glance"] and out.getvalue() == "glance.demo: already loaded\n"


def test_its_kpi_source_is_offered_to_the_dashboard(glance, org):
    (source,) = [k for k in registry.kpi_sources() if k.code == "glance.departments"]
    value = import_string(source.selector)(
        organization=org, start=dt.date(2026, 1, 1), end=dt.date(2026, 1, 31)
    )
    assert value == 3


def test_its_open_dataset_is_offered_published_and_harvested(glance, org):
    from muang.opendata.services import dataset_publish

    assert "glance.departments" in [d.code for d in registry.open_datasets()]
    publication = dataset_publish(actor=SYSTEM, organization=org, code="glance.departments")
    assert publication.row_count == 3
    body = Client().get("/api/3/action/package_show", {"id": publication.name}).json()
    assert body["success"] and {r["format"] for r in body["result"]["resources"]} == {
        "CSV",
        "GeoJSON",
        "XLSX",
    }
    csv_text = Client().get(f"/open-data/dataset/{publication.name}/csv").content.decode("utf-8-sig")
    assert csv_text.splitlines()[0] == "code,department"


def test_without_the_line_in_installed_apps_the_app_is_nowhere(org):
    from muang.api import api

    assert "glance" not in {p.label for p in registry.contracts()}
    assert "/api/v1/organizations/{slug}/glance" not in api.get_openapi_schema()["paths"]
    assert "glance.view" not in registry.permission_table().all
    assert "glance.departments" not in [d.code for d in registry.open_datasets()]
    assert Client().get("/glance/").status_code == 404
    assert 'href="/glance/"' not in client_of(member(org, Role.SYSTEM_ADMIN)).get("/").content.decode()
