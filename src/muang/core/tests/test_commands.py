"""load_areas and load_demo: complete, idempotent, deterministic."""

import pytest
from django.core.management import call_command

from muang.core.access import Actor, visible_organizations
from muang.core.demo import load_demo
from muang.core.models import District, Membership, Organization, Province, Role, Subdistrict, User

pytestmark = pytest.mark.django_db


def test_load_areas_loads_every_dopa_area_once(capsys):
    call_command("load_areas")
    assert (Province.objects.count(), District.objects.count(), Subdistrict.objects.count()) == (
        77,
        928,
        7436,
    )
    assert Subdistrict.objects.get(code="400512").name_th == "โนนสะอาด"
    out = capsys.readouterr().out
    assert "7436/7436" in out and "8441 added or changed" in out
    call_command("load_areas")
    assert "(0 added or changed)" in capsys.readouterr().out


def test_load_areas_repairs_a_changed_name(capsys):
    call_command("load_areas", verbosity=0)
    Province.objects.filter(code="40").update(name_en="Khon Kaen (typo)")
    call_command("load_areas")
    assert Province.objects.get(code="40").name_en == "Khon Kaen"
    assert "(1 added or changed)" in capsys.readouterr().out


def _demo_fingerprint():
    return (
        sorted(Organization.objects.values_list("slug", "dla_code", "boundary")),
        sorted(
            Membership.objects.values_list("user__username", "user__first_name", "organization__slug", "role")
        ),
    )


def test_demo_is_complete_idempotent_and_deterministic(areas):
    load_demo()
    first = _demo_fingerprint()
    load_demo()  # second run: nothing new
    assert _demo_fingerprint() == first
    roles = set(Membership.objects.values_list("role", flat=True))
    assert roles == set(Role.values)
    assert User.objects.filter(is_superuser=True).count() == 1
    # District office oversees the five local governments in Chum Phae, none outside.
    overseer = User.objects.get(username="overseer.chumphae")
    seen = set(visible_organizations(Actor(user=overseer)).values_list("slug", flat=True))
    assert seen == {"chumphae-district", "chumphae", "nonsaat", "nanongthum", "nonhan", "chaiso"}
    # Boundaries are valid and do not overlap.
    lgs = list(Organization.objects.exclude(boundary=None))
    assert all(o.boundary.valid for o in lgs)
    assert not any(a.boundary.intersects(b.boundary) for a in lgs for b in lgs if a.pk < b.pk)
    # Deterministic: a fresh load gives the very same rows.
    Membership.objects.all().delete()
    User.objects.all().delete()
    from muang.core.models import Department

    Department.objects.all().delete()
    Organization.objects.all().delete()
    load_demo()
    assert _demo_fingerprint() == first
