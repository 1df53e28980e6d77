"""The tax registry belongs to the tax duty (issue 8, item 3): reads, owner searches and exports for staff of
a department holding it (and executives, who oversee everything); every other member of the organisation
gets 403, in the pages, the API and the selectors alike; the menu shows the tax links only to those who may
use them. In the demo, กองคลัง holds the tax duty; the nurse (public health) and the engineering head do not.
"""

import pytest
from django.test import Client

from muang.cases.permissions import CasePerm
from muang.core.access import Actor
from muang.core.demo import load_demo
from muang.core.errors import AccessDenied
from muang.core.models import AuditEntry, Department, Duty, Organization, User
from muang.property.permissions import PropertyPerm
from muang.property.registry import selectors
from muang.property.registry.services import exports, owners
from muang.property.tests.factories import OwnerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(areas):
    load_demo()
    org = Organization.objects.get(slug="nonsaat")
    OwnerFactory(organization=org, name="บุญมี", last_name="มั่งคั่ง", national_id="1101700230708")
    return org


def signed_in(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def actor(username: str) -> Actor:
    return Actor(user=User.objects.get(username=username))


REGISTRY_PAGES = [
    "/tax/",
    "/tax/exports/registry.xlsx",
    "/tax/exports/parcels.geojson",
    "/tax/map/",
    "/tax/map/search?q=บุญมี",
    "/api/v1/organizations/nonsaat/owners?q=บุญมี",
    "/api/v1/organizations/nonsaat/registry.xlsx",
]


@pytest.mark.parametrize("path", REGISTRY_PAGES)
def test_the_nurse_gets_403_on_the_registry_its_search_and_exports(demo, path):
    response = signed_in("nurse.nonsaat").get(path)
    assert response.status_code == 403, (path, response.status_code)
    assert b"1101700230708" not in response.content
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).exists()


@pytest.mark.parametrize(
    "username", ["officer.nonsaat", "head-finance.nonsaat", "mayor.nonsaat", "admin.nonsaat"]
)
def test_the_tax_office_executives_and_administrators_read_it(demo, username):
    client = signed_in(username)
    for path in REGISTRY_PAGES:
        response = client.get(path)
        assert response.status_code == 200, (username, path, response.status_code)
    [hit] = client.get("/api/v1/organizations/nonsaat/owners?q=บุญมี").json()["items"]
    assert hit["last_name"] == "มั่งคั่ง"


def test_selectors_and_services_check_the_duty_themselves(demo):
    nurse, head = actor("nurse.nonsaat"), actor("head.nonsaat")  # public health; head of engineering
    with pytest.raises(AccessDenied):
        selectors.owners_of(actor=nurse, organization=demo, q="บุญมี")
    with pytest.raises(AccessDenied):
        exports.registry_xlsx(actor=nurse, organization=demo)
    with pytest.raises(AccessDenied):
        owners.owner_create(actor=head, organization=demo, name="สมหมาย", reason="x")
    assert not actor("mayor.nonsaat").has_perm(demo, PropertyPerm.PROPERTY_EDIT), (
        "executives read, never write"
    )
    assert actor("head-finance.nonsaat").has_perm(demo, PropertyPerm.PROPERTY_EDIT), (
        "the tax department's head edits"
    )
    assert not actor("officer.nonsaat").has_perm(demo, PropertyPerm.PROPERTY_EDIT)


def test_giving_a_department_the_tax_duty_gives_its_staff_the_registry(demo):
    health = Department.objects.get(organization=demo, code="health-env")
    assert signed_in("nurse.nonsaat").get("/tax/exports/registry.xlsx").status_code == 403
    health.duties = [*health.duties, Duty.TAX]
    health.save(update_fields=["duties"])
    assert signed_in("nurse.nonsaat").get("/tax/exports/registry.xlsx").status_code == 200
    health.is_active = False  # a closed department holds no duty
    health.save(update_fields=["is_active"])
    assert signed_in("nurse.nonsaat").get("/tax/exports/registry.xlsx").status_code == 403


def test_the_menu_offers_the_tax_office_and_map_only_to_those_who_may_use_them(demo):
    links = ('href="/tax/"', 'href="/tax/map/"')
    nurse_home = signed_in("nurse.nonsaat").get("/").content.decode()
    assert not any(link in nurse_home for link in links)
    officer_home = signed_in("officer.nonsaat").get("/").content.decode()
    assert all(link in officer_home for link in links)
    overseer_home = signed_in("overseer.chumphae").get("/").content.decode()
    assert not any(link in overseer_home for link in links)


def test_permissions_in_costs_one_query_for_all_memberships(demo, django_assert_num_queries):
    it = actor("admin.nonsaat")  # two memberships: nonsaat (admin) and nanongthum (palad officer)
    nanongthum = Organization.objects.get(slug="nanongthum")
    with django_assert_num_queries(1):
        assert it.has_perm(demo, PropertyPerm.PROPERTY_VIEW)
        assert not it.has_perm(nanongthum, PropertyPerm.PROPERTY_VIEW)
        assert it.has_perm(nanongthum, CasePerm.CASE_VIEW)


def test_every_registry_workbook_taken_is_audited(demo):
    response = signed_in("officer.nonsaat").get("/tax/exports/registry.xlsx")
    assert response.status_code == 200
    entry = AuditEntry.objects.get(action=AuditEntry.Action.EXPORT)
    assert entry.actor_label == "officer.nonsaat" and entry.organization == demo
    assert entry.object_type == "property.registry" and entry.object_repr == "nonsaat-registry.xlsx"
    assert entry.changes["rows"] == 1  # the one owner; the demo's core has no parcels
