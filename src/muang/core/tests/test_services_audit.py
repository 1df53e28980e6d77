"""The audit log records every staff write and cannot be rewritten."""

import pytest
from django.db import DatabaseError, transaction

from muang.core.access import Actor
from muang.core.models import AuditEntry, Role
from muang.core.services import department_create, department_update
from muang.core.tests.factories import OrganizationFactory, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_actor(areas):
    org = OrganizationFactory()
    return Actor(user=member(org, Role.SYSTEM_ADMIN), ip_address="10.0.0.7", request_id="req-12345678"), org


def test_create_and_update_record_who_what_and_before_after(admin_actor):
    actor, org = admin_actor
    dep = department_create(actor=actor, organization=org, code="it", name_th="ฝ่ายไอที", name_en="IT")
    department_update(actor=actor, department=dep, data={"phone": "043-000-111"})
    created, updated = AuditEntry.objects.filter(object_type="core.Department").order_by("id")
    assert created.action == "create" and created.changes["name_th"] == [None, "ฝ่ายไอที"]
    assert updated.action == "update" and updated.changes == {"phone": ["", "043-000-111"]}
    assert updated.actor_user == actor.user and updated.organization == org
    assert updated.ip_address == "10.0.0.7" and updated.request_id == "req-12345678"


def test_an_update_that_changes_nothing_writes_no_entry(admin_actor):
    actor, org = admin_actor
    dep = department_create(actor=actor, organization=org, code="it", name_th="ฝ่ายไอที", name_en="IT")
    department_update(actor=actor, department=dep, data={"name_th": "ฝ่ายไอที"})
    assert AuditEntry.objects.filter(action="update").count() == 0


def test_duplicate_department_code_is_a_field_error_and_writes_nothing(admin_actor):
    from muang.core.errors import InvalidInput

    actor, org = admin_actor
    department_create(actor=actor, organization=org, code="it", name_th="ก", name_en="a")
    before = AuditEntry.objects.count()
    with pytest.raises(InvalidInput) as e:
        department_create(actor=actor, organization=org, code="it", name_th="ข", name_en="b")
    assert "code" in e.value.field_errors
    assert AuditEntry.objects.count() == before


@pytest.mark.parametrize(
    "statement", ["UPDATE core_auditentry SET actor_label = 'x'", "DELETE FROM core_auditentry"]
)
def test_the_database_refuses_to_rewrite_the_audit_log(admin_actor, statement):
    actor, org = admin_actor
    department_create(actor=actor, organization=org, code="it", name_th="ฝ่ายไอที", name_en="IT")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute(statement)
    assert AuditEntry.objects.filter(actor_label=actor.label).exists()


def test_a_row_of_another_organisation_is_neither_locked_nor_changed(admin_actor):
    """The shared update locks and writes the row only inside the organisation it is given (issue 9, item 7)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from muang.core.errors import NotFound
    from muang.core.services import update_audited

    actor, org = admin_actor
    other = OrganizationFactory()
    theirs = department_create(actor=actor, organization=org, code="it", name_th="ฝ่ายไอที", name_en="IT")
    theirs.organization = other  # forged: the row stays where it is
    with pytest.raises(NotFound):
        update_audited(
            actor=actor, organization=other, instance=theirs, data={"phone": "1"}, allowed={"phone"}
        )
    with CaptureQueriesContext(connection) as queries:
        update_audited(actor=actor, organization=org, instance=theirs, data={"phone": "2"}, allowed={"phone"})
    writes = [
        q["sql"] for q in queries if q["sql"].startswith(("UPDATE", "SELECT")) and "FOR UPDATE" in q["sql"]
    ]
    writes += [q["sql"] for q in queries if q["sql"].startswith("UPDATE") and "core_department" in q["sql"]]
    assert writes and all('"organization_id"' in sql for sql in writes)


def test_one_builder_for_every_entry_alone_or_in_bulk(admin_actor):
    """core.audit builds every entry: who (person or token, label, request, address), what, why; one at a time
    or a batch of created rows written in one statement."""
    from muang.core import audit
    from muang.core.models import Department

    actor, org = admin_actor
    departments = [
        Department.objects.create(organization=org, code=f"d{i}", name_th="ก", name_en="D") for i in range(3)
    ]
    entry = audit.entry(
        actor=actor,
        organization=org,
        instance=departments[0],
        action="update",
        changes={"x": [1, 2]},
        reason="r" * 400,
    )
    assert (
        entry.pk is None
        and entry.object_type == "core.Department"
        and entry.object_id == str(departments[0].pk)
    )
    assert len(entry.reason) == audit.REASON_MAX and entry.actor_label == actor.label
    assert entry.ip_address == "10.0.0.7" and entry.request_id == "req-12345678"

    before = AuditEntry.objects.count()
    audit.record_created(actor=actor, organization=org, instances=departments, reason="import 7")
    created = list(AuditEntry.objects.order_by("-id")[:3])
    assert AuditEntry.objects.count() == before + 3
    assert {e.action for e in created} == {"create"} and {e.reason for e in created} == {"import 7"}
    assert {e.object_id for e in created} == {str(d.pk) for d in departments}
    assert all(e.changes["code"][0] is None for e in created)
