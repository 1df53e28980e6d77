"""EMS units and their crews in the Django admin, by duty: the EMS department's head (ems.manage) with a staff
flag lists, adds and changes the organisation's units; a staff flag without the duty (the care department's
officer) opens nothing; bad input is a form error, nothing saved. The full walk of every caller is in
core/tests/test_admin_authorization.py."""

import pytest
from django.test import Client

from muang.core.access import SYSTEM
from muang.core.models import AuditEntry, Duty, Role
from muang.core.tests.factories import OrganizationFactory, member
from muang.ems.models import Unit
from muang.ems.services.units import unit_create

pytestmark = pytest.mark.django_db


def staff_client(org, role, *duties):
    user = member(org, role, duties=list(duties))
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    client = Client()
    client.force_login(user)
    return client


def test_the_ems_head_manages_units_and_crews_in_the_admin(org):
    unit = unit_create(actor=SYSTEM, organization=org, call_sign="กู้ชีพ 1", lat=16.54, lon=102.1)
    elsewhere = unit_create(
        actor=SYSTEM, organization=OrganizationFactory(boundary=None), call_sign="X1", lat=16.5, lon=102.0
    )
    head = staff_client(org, Role.DEPARTMENT_HEAD, Duty.EMERGENCY_MEDICAL)
    listing = head.get("/admin/ems/unit/").content.decode()
    assert f"/admin/ems/unit/{unit.pk}/change/" in listing
    assert f"/admin/ems/unit/{elsewhere.pk}/change/" not in listing
    r = head.post(
        f"/admin/ems/unit/{unit.pk}/change/",
        {
            "call_sign": "กู้ชีพ 1",
            "kind": "ambulance",
            "level": "als",
            "crew": "นายแพทย์สมชาย\nพยาบาลวิไล",
            "phone": "0812345678",
            "base_lat": "16.55",
            "base_lon": "102.11",
        },
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    unit.refresh_from_db()
    assert unit.level == "als" and unit.crew.splitlines() == ["นายแพทย์สมชาย", "พยาบาลวิไล"]
    assert (round(unit.base.y, 2), round(unit.base.x, 2)) == (16.55, 102.11)
    assert AuditEntry.objects.filter(object_type="ems.Unit", action=AuditEntry.Action.UPDATE).exists()
    r = head.post(
        "/admin/ems/unit/add/",
        {
            "organization": org.pk,
            "call_sign": "กู้ชีพ 2",
            "kind": "rescue",
            "level": "fr",
            "base_lat": "16.5",
            "base_lon": "102.0",
        },
    )
    assert r.status_code == 302 and Unit.objects.filter(organization=org, call_sign="กู้ชีพ 2").exists()
    assert head.get(f"/admin/ems/unit/{elsewhere.pk}/change/").status_code in (302, 403, 404)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"call_sign": "กู้ชีพ 1"}, "call_sign"),  # the other unit's call sign
        ({"base_lat": "48.85", "base_lon": "2.35"}, "base_lat"),  # Paris
        ({"level": "heli"}, "level"),
    ],
    ids=["same-call-sign", "base-outside-thailand", "unknown-level"],
)
def test_bad_admin_input_is_a_form_error(org, data, field):
    unit_create(actor=SYSTEM, organization=org, call_sign="กู้ชีพ 1", lat=16.54, lon=102.1)
    unit = unit_create(actor=SYSTEM, organization=org, call_sign="กู้ชีพ 2", lat=16.54, lon=102.1)
    head = staff_client(org, Role.DEPARTMENT_HEAD, Duty.EMERGENCY_MEDICAL)
    post = {
        "call_sign": "กู้ชีพ 2",
        "kind": "ambulance",
        "level": "bls",
        "base_lat": "16.5",
        "base_lon": "102.0",
    }
    r = head.post(f"/admin/ems/unit/{unit.pk}/change/", {**post, **data})
    assert r.status_code == 200 and field in r.context["adminform"].form.errors
    unit.refresh_from_db()
    assert unit.call_sign == "กู้ชีพ 2" and round(unit.base.y, 2) == 16.54


def test_a_staff_flag_without_the_ems_duty_opens_nothing(org):
    unit = unit_create(actor=SYSTEM, organization=org, call_sign="กู้ชีพ 1", lat=16.54, lon=102.1)
    for client in (
        staff_client(org, Role.OFFICER, Duty.CARE),
        staff_client(org, Role.OFFICER, Duty.EMERGENCY_MEDICAL),  # dispatches; does not manage the fleet
    ):
        assert client.get("/admin/ems/unit/").status_code == 403
        assert client.get(f"/admin/ems/unit/{unit.pk}/change/").status_code in (302, 403)
        client.post(
            f"/admin/ems/unit/{unit.pk}/change/", {"call_sign": "Z", "kind": "ambulance", "level": "bls"}
        )
    unit.refresh_from_db()
    assert unit.call_sign == "กู้ชีพ 1"
