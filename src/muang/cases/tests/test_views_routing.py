"""The staff case page's routing card (suggested category, change category, forward, invite, duplicate) and
the page where staff file a case for a caller or a visitor."""

import pytest
from django.contrib.gis.geos import Point
from django.test import Client

from muang.cases.models import Case, CaseInvitation
from muang.cases.tests.conftest import make_town
from muang.cases.tests.factories import CaseCategoryFactory, submit_case
from muang.core.models import AuditEntry, Role
from muang.core.tests.factories import member

pytestmark = pytest.mark.django_db


@pytest.fixture
def towns(areas):
    return make_town(), make_town()


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_head_sees_the_suggested_category_with_its_confidence_and_uses_it(towns):
    town, _ = towns
    road = CaseCategoryFactory(
        organization=town.org, code="road", name_th="ถนนชำรุด", default_department=town.health
    )
    case = submit_case(town.category, description="ถนนเป็นหลุมใหญ่ ถนนชำรุดมาก ถนนพังหน้าบ้าน")
    head = signed_in(town.head.user)
    html = head.get(f"/work/cases/{case.tracking_code}/").content.decode()
    assert 'id="suggestion"' in html and "ถนนชำรุด" in html and "% sure" in html
    assert 'id="use-suggestion"' in html, "the suggestion differs from the category the case is in"
    response = head.post(f"/work/cases/{case.tracking_code}/category", {"category": "road"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.category == road and case.department == town.health, "the department follows the category"
    assert case.events.filter(kind="category_changed").exists()


def test_an_officer_does_not_route_but_may_mark_a_duplicate(towns):
    town, _ = towns
    case, original = submit_case(town.category), submit_case(town.category)
    officer = signed_in(town.officer.user)
    html = officer.get(f"/work/cases/{case.tracking_code}/").content.decode()
    assert 'id="forward-form"' not in html and 'id="duplicate-form"' in html
    refused = officer.post(f"/work/cases/{case.tracking_code}/forward", {"organization": "x", "reason": "y"})
    assert refused.status_code in (403, 422)
    assert (
        officer.post(
            f"/work/cases/{case.tracking_code}/duplicate", {"original": original.tracking_code.lower()}
        ).status_code
        == 302
    )
    case.refresh_from_db()
    assert case.status.code == "duplicate" and case.duplicate_of_id == original.pk


def test_a_duplicate_of_an_unknown_or_foreign_case_is_named_on_the_form(towns):
    town, other = towns
    case = submit_case(town.category)
    theirs = submit_case(other.category)
    head = signed_in(town.head.user)
    for code in ("ZZZ-0000", theirs.tracking_code):
        response = head.post(f"/work/cases/{case.tracking_code}/duplicate", {"original": code})
        assert response.status_code == 422
        assert response.context["duplicate_form"].errors["original"]
    case.refresh_from_db()
    assert case.status.code == "received"


def test_the_head_forwards_a_case_to_another_organisation(towns):
    town, other = towns
    case = submit_case(town.category)
    head = signed_in(town.head.user)
    html = head.get(f"/work/cases/{case.tracking_code}/").content.decode()
    assert f'value="{other.org.slug}"' in html and f'<option value="{town.org.slug}"' not in html
    missing = head.post(f"/work/cases/{case.tracking_code}/forward", {"organization": other.org.slug})
    assert missing.status_code == 422 and missing.context["forward_form"].errors["reason"]
    response = head.post(
        f"/work/cases/{case.tracking_code}/forward",
        {"organization": other.org.slug, "reason": "เป็นถนนของ อบจ."},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status.code == "forwarded"
    assert Case.objects.filter(organization=other.org, forwarded_from=case).exists()


def test_the_head_invites_a_co_responsible_organisation(towns):
    town, other = towns
    case = submit_case(town.category)
    response = signed_in(town.head.user).post(
        f"/work/cases/{case.tracking_code}/invite", {"organization": other.org.slug, "message": "ช่วยดูท่อด้วย"}
    )
    assert response.status_code == 302
    assert CaseInvitation.objects.filter(case=case, invited_organization=other.org).exists()


def test_another_organisations_staff_cannot_route_our_case(towns):
    town, other = towns
    case = submit_case(town.category)
    admin = signed_in(other.admin.user)
    for action, data in [
        ("category", {"category": town.category.code}),
        ("forward", {"organization": other.org.slug, "reason": "x"}),
        ("invite", {"organization": other.org.slug}),
        ("duplicate", {"original": case.tracking_code}),
    ]:
        assert admin.post(f"/work/cases/{case.tracking_code}/{action}", data).status_code in (403, 404)
    case.refresh_from_db()
    assert case.status.code == "received" and not CaseInvitation.objects.exists()


def new_case(town, **overrides) -> dict:
    data = {
        "channel": "phone",
        "category": town.category.code,
        "description": "ลุงสมชายโทรมาแจ้ง ไฟถนนดับหน้าวัด",
        "address": "หน้าวัดกลาง ถนนมะลิวัลย์",
        "contact_name": "สมชาย",
        "contact_phone": "0812345678",
        "idempotency_key": "s" * 32,
    }
    data.update(overrides)
    return data


def test_an_officer_files_a_phone_call_once(towns):
    town, _ = towns
    officer = signed_in(town.officer.user)
    assert 'id="new-case"' in officer.get("/work/cases/").content.decode()
    first = officer.post("/work/cases/new", new_case(town))
    second = officer.post("/work/cases/new", new_case(town))
    case = Case.objects.get()
    assert first.status_code == second.status_code == 302 and first["Location"].endswith(
        f"/{case.tracking_code}/"
    )
    assert (
        case.channel == "phone"
        and case.contact_phone == "0812345678"
        and case.created_by == town.officer.user
    )
    assert AuditEntry.objects.filter(
        object_type="cases.Case", object_id=str(case.pk), action="create"
    ).exists()


def test_a_place_in_another_organisation_or_no_place_is_refused(towns):
    town, other = towns
    officer = signed_in(town.officer.user)
    p = other.org.boundary.point_on_surface
    outside = officer.post("/work/cases/new", new_case(town, lat=f"{p.y:.6f}", lon=f"{p.x:.6f}"))
    assert outside.status_code == 422 and other.org.name_th in outside.content.decode()
    nowhere = officer.post("/work/cases/new", new_case(town, address=""))
    assert nowhere.status_code == 422 and nowhere.context["form"].errors["address"]
    half = officer.post("/work/cases/new", new_case(town, lat="16.5"))
    assert half.status_code == 422 and half.context["form"].errors["lon"]
    assert not Case.objects.exists()
    inside = town.org.boundary.point_on_surface
    ok = officer.post("/work/cases/new", new_case(town, lat=f"{inside.y:.6f}", lon=f"{inside.x:.6f}"))
    assert ok.status_code == 302
    assert Case.objects.get().location.equals_exact(
        Point(round(inside.x, 6), round(inside.y, 6), srid=4326), 1e-6
    )


def test_roles_without_case_creation_cannot_file(towns):
    town, _ = towns
    overseer = signed_in(member(town.org, Role.OVERSEER))
    assert overseer.post("/work/cases/new", new_case(town)).status_code == 403
    assert not Case.objects.exists()
