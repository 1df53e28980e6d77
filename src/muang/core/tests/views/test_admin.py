"""The Django admin is scoped to the organisations a system administrator administers."""

import datetime as dt

import pytest
from django.utils import timezone

from muang.core.demo import load_demo
from muang.core.models import AuditEntry, Department, Organization, User

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, areas):
    load_demo()
    client.force_login(User.objects.get(username="admin.chaiso"))
    return client


def test_lists_only_own_organisation(admin_client):
    html = admin_client.get("/admin/core/department/").content.decode()
    chaiso = Organization.objects.get(slug="chaiso")
    assert chaiso.name_th in html and "เทศบาลตำบลโนนสะอาด" not in html


def test_cannot_open_another_organisations_rows(admin_client):
    foreign = Department.objects.get(organization__slug="nonsaat", code="finance")
    response = admin_client.get(f"/admin/core/department/{foreign.pk}/change/")
    assert response.status_code in (302, 403, 404)
    assert admin_client.get(f"/admin/core/organization/{foreign.organization_id}/change/").status_code in (
        302,
        403,
        404,
    )


def test_admin_edits_are_audited(admin_client):
    dep = Department.objects.get(organization__slug="chaiso", code="finance")
    response = admin_client.post(
        f"/admin/core/department/{dep.pk}/change/",
        {
            "organization": dep.organization_id,
            "code": "finance",
            "name_th": "กองคลัง",
            "name_en": "Finance Division",
            "phone": "043-999-999",
            "duties": ["finance", "tax"],
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = AuditEntry.objects.get(object_type="core.Department", object_id=str(dep.pk))
    assert entry.changes == {"phone": ["", "043-999-999"]} and entry.actor_label == "admin.chaiso"


def test_duties_are_edited_in_the_admin_audited_and_take_effect(admin_client):
    """Which department does the tax work is the organisation's own data (issue 8, item 3)."""
    from muang.core.access import Actor
    from muang.property.permissions import PropertyPerm

    dep = Department.objects.get(organization__slug="chaiso", code="health-env")
    nurse = Actor(user=User.objects.get(username="nurse.chaiso"))
    assert not nurse.has_perm(dep.organization, PropertyPerm.PROPERTY_VIEW)
    page = admin_client.get(f"/admin/core/department/{dep.pk}/change/").content.decode()
    assert 'type="checkbox" name="duties" value="tax"' in page
    response = admin_client.post(
        f"/admin/core/department/{dep.pk}/change/",
        {
            "organization": dep.organization_id,
            "code": dep.code,
            "name_th": dep.name_th,
            "name_en": dep.name_en,
            "duties": ["public_health", "tax"],
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = AuditEntry.objects.get(object_type="core.Department", object_id=str(dep.pk))
    assert entry.changes == {"duties": [["public_health"], ["public_health", "tax"]]}
    nurse = Actor(user=User.objects.get(username="nurse.chaiso"))
    assert nurse.has_perm(dep.organization, PropertyPerm.PROPERTY_VIEW)
    refused = admin_client.post(
        f"/admin/core/department/{dep.pk}/change/",
        {
            **{"organization": dep.organization_id, "code": dep.code, "name_th": "x", "name_en": "x"},
            "duties": ["x"],
        },
    )
    assert refused.status_code == 200 and "duties" in refused.context["adminform"].form.errors


def _audit_entry() -> AuditEntry:
    return AuditEntry.objects.create(
        organization=Organization.objects.get(slug="chaiso"),
        actor_label="x",
        action="update",
        object_type="core.Department",
        object_id="1",
        object_repr="x",
    )


def test_audit_log_is_viewable_but_never_editable(admin_client):
    entry = _audit_entry()
    assert admin_client.get("/admin/core/auditentry/?action__exact=update").status_code == 200
    page = admin_client.get(f"/admin/core/auditentry/{entry.pk}/change/")
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert admin_client.post(f"/admin/core/auditentry/{entry.pk}/delete/", {"post": "yes"}).status_code == 403


def test_a_read_only_moment_in_a_change_form_is_in_the_buddhist_era(admin_client, settings, monkeypatch):
    """Given an audit entry made on 2 December 2026 (09:15 in Bangkok), when its read-only form is opened in Thai,
    then its time reads as the lists do, in the Buddhist Era (Django alone printed 2026)."""
    monkeypatch.setattr(
        timezone, "now", lambda: dt.datetime(2026, 12, 2, 2, 15, tzinfo=dt.UTC)
    )  # auto_now_add
    entry = _audit_entry()
    admin_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "th"
    page = admin_client.get(f"/admin/core/auditentry/{entry.pk}/change/").content.decode()
    assert "2 ธ.ค. 2569 09:15" in page and "2026" not in page
    admin_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the English switch keeps the Christian Era
    assert (
        "2 Dec 2026 09:15" in admin_client.get(f"/admin/core/auditentry/{entry.pk}/change/").content.decode()
    )
