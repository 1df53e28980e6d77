"""The account takeover through /admin/ (issue 8, item 1), reproduced on the demo, and what replaced it.

In the demo admin.nonsaat (system administrator of ทต.โนนสะอาด) is also an officer of อบต.นาหนองทุ่ม. Before the
fix, admin.nanongthum could reset admin.nonsaat's password, and attach any account (the platform superuser
included) to นาหนองทุ่ม by typing its id into the membership form, then reset that password too.
"""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from muang.core.demo import load_demo
from muang.core.models import AuditEntry, Department, Invitation, Membership, Organization, Role, User

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "taken-over-2569"


@pytest.fixture
def demo(areas):
    load_demo()


def signed_in(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    client.cookies["muang_language"] = "en"  # the assertions read the English messages
    return client


def user(username: str) -> User:
    return User.objects.get(username=username)


def has_password(username: str, password: str) -> bool:
    return User.objects.get(username=username).check_password(password)


def reset_password(client: Client, target: User):
    return client.post(
        f"/admin/core/user/{target.pk}/password/", {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )


def test_an_org_admin_cannot_reset_the_password_of_a_member_of_another_organisation(demo):
    attacker = signed_in("admin.nanongthum")
    victim = user("admin.nonsaat")  # an officer in นาหนองทุ่ม, but the administrator of โนนสะอาด
    assert attacker.get(f"/admin/core/user/{victim.pk}/password/").status_code in (403, 404)
    response = reset_password(attacker, victim)
    assert response.status_code in (403, 404)
    assert not has_password("admin.nonsaat", NEW_PASSWORD)
    for page in ("change", "history", "delete"):
        assert attacker.get(f"/admin/core/user/{victim.pk}/{page}/").status_code in (302, 403, 404)
    attacker.post(f"/admin/core/user/{victim.pk}/change/", {"username": "x", "email": "evil@example.org"})
    attacker.post(
        "/admin/core/user/", {"action": "delete_selected", "_selected_action": [victim.pk], "post": "yes"}
    )
    victim.refresh_from_db()
    assert victim.email == "admin.nonsaat@demo.muang.local" and victim.username == "admin.nonsaat"
    listed = attacker.get("/admin/core/user/").content.decode()
    assert f"/admin/core/user/{victim.pk}/change/" not in listed


def test_the_membership_form_takes_no_typed_account(demo):
    attacker = signed_in("admin.nanongthum")
    nanongthum = Organization.objects.get(slug="nanongthum")
    palad = Department.objects.get(organization=nanongthum, code="palad")
    for target in (user("platform"), user("mayor.chaiso")):
        response = attacker.post(
            "/admin/core/membership/add/",
            {"user": target.pk, "organization": nanongthum.pk, "department": palad.pk, "role": "officer"},
        )
        assert response.status_code == 403
        assert not Membership.objects.filter(user=target, organization=nanongthum).exists()
        assert reset_password(attacker, target).status_code in (403, 404)
        assert not has_password(target.username, NEW_PASSWORD)
    assert "/admin/core/membership/add/" not in attacker.get("/admin/core/membership/").content.decode()


def test_an_org_admin_manages_the_accounts_wholly_inside_their_organisation(demo):
    admin = signed_in("admin.nanongthum")
    nurse = user("nurse.nanongthum")
    assert reset_password(admin, nurse).status_code == 302
    assert has_password("nurse.nanongthum", NEW_PASSWORD)
    entry = AuditEntry.objects.get(object_type="core.User", object_id=str(nurse.pk))
    assert entry.changes == {"password": ["***", "***"]} and entry.actor_label == "admin.nanongthum"
    assert NEW_PASSWORD not in str(entry.changes)


def test_an_org_admin_cannot_grant_superuser_nor_roles_elsewhere(demo):
    admin = signed_in("admin.nanongthum")
    nurse = user("nurse.nanongthum")
    nonhan = Organization.objects.get(slug="nonhan")
    membership = nurse.memberships.get()
    form = {
        "username": nurse.username,
        "first_name": nurse.first_name,
        "last_name": nurse.last_name,
        "email": nurse.email,
        "is_active": "on",
        "is_superuser": "on",
        "memberships-TOTAL_FORMS": "2",
        "memberships-INITIAL_FORMS": "1",
        "memberships-0-id": membership.pk,
        "memberships-0-user": nurse.pk,
        "memberships-0-organization": membership.organization_id,
        "memberships-0-department": membership.department_id,
        "memberships-0-role": membership.role,
        "memberships-0-is_active": "on",
        "memberships-1-user": nurse.pk,
        "memberships-1-organization": nonhan.pk,
        "memberships-1-role": Role.EXECUTIVE,
        "memberships-1-is_active": "on",
    }
    response = admin.post(f"/admin/core/user/{nurse.pk}/change/", form)
    assert response.status_code == 200, "the foreign organisation is not a valid choice"
    assert not Membership.objects.filter(user=nurse, organization=nonhan).exists()
    del form["memberships-1-organization"], form["memberships-1-role"], form["memberships-1-is_active"]
    form["memberships-TOTAL_FORMS"] = "1"
    assert admin.post(f"/admin/core/user/{nurse.pk}/change/", form).status_code == 302
    nurse.refresh_from_db()
    assert not nurse.is_superuser


def test_a_new_account_belongs_only_to_the_admins_organisation(demo):
    admin = signed_in("admin.nanongthum")
    nanongthum = Organization.objects.get(slug="nanongthum")
    nonhan = Organization.objects.get(slug="nonhan")
    finance = Department.objects.get(organization=nanongthum, code="finance")
    form = {
        "username": "cashier.nanongthum",
        "usable_password": "true",
        "password1": "a-long-password-2569",
        "password2": "a-long-password-2569",
        "first_name": "สมใจ",
        "last_name": "รักงาน",
        "organization": nonhan.pk,
        "department": finance.pk,
        "role": Role.OFFICER,
    }
    refused = admin.post("/admin/core/user/add/", form)
    assert refused.status_code == 200 and not User.objects.filter(username="cashier.nanongthum").exists()
    response = admin.post("/admin/core/user/add/", {**form, "organization": nanongthum.pk})
    assert response.status_code == 302, response.content.decode()[:3000]
    created = user("cashier.nanongthum")
    assert [(m.organization, m.department, m.role) for m in created.memberships.all()] == [
        (nanongthum, finance, Role.OFFICER)
    ]
    assert not created.is_superuser and not created.is_staff
    audited = AuditEntry.objects.filter(object_id=str(created.pk), object_type="core.User").get()
    assert audited.organization == nanongthum and audited.action == "create"
    assert AuditEntry.objects.filter(object_type="core.Membership", organization=nanongthum).exists()


# --- invitations -------------------------------------------------------------------------------------------------


def invite(client: Client, invitee: str, organization: str = "chaiso", role: str = Role.EXECUTIVE, **extra):
    org = Organization.objects.get(slug=organization)
    return client.post(
        "/admin/core/invitation/add/", {"invitee": invitee, "organization": org.pk, "role": role, **extra}
    )


def test_an_existing_account_joins_by_accepting_an_invitation(demo):
    admin = signed_in("admin.chaiso")
    chaiso = Organization.objects.get(slug="chaiso")
    engineering = Department.objects.get(organization=chaiso, code="engineering")
    response = invite(admin, "engineer.nonhan@demo.muang.local", role=Role.OFFICER, department=engineering.pk)
    assert response.status_code == 302, response.content.decode()[:3000]
    invitation = Invitation.objects.get()
    assert invitation.user == user("engineer.nonhan") and invitation.status == "pending"
    assert not Membership.objects.filter(user=invitation.user, organization=chaiso).exists(), "not yet"
    assert AuditEntry.objects.filter(object_type="core.Invitation", action="create").exists()

    invited = signed_in("engineer.nonhan")
    assert "/invitations/" in invited.get("/").content.decode(), "the home page points to the invitation"
    page = invited.get("/invitations/").content.decode()
    assert chaiso.name_th in page and "กองช่าง" in page
    other = signed_in("engineer.chaiso")
    assert other.post("/invitations/", {"invitation": invitation.pk, "answer": "accept"}).status_code == 302
    invitation.refresh_from_db()
    assert invitation.status == "pending", "nobody answers another person's invitation"

    assert invited.post("/invitations/", {"invitation": invitation.pk, "answer": "accept"}).status_code == 302
    invitation.refresh_from_db()
    membership = Membership.objects.get(user=invitation.user, organization=chaiso)
    assert (membership.role, membership.department) == (Role.OFFICER, engineering)
    assert invitation.status == "accepted" and invitation.decided_at is not None
    assert AuditEntry.objects.filter(object_type="core.Membership", object_id=str(membership.pk)).exists()
    # Now a member of two organisations: neither administrator may take the account over any more.
    for admin_name in ("admin.chaiso", "admin.nonhan"):
        assert reset_password(signed_in(admin_name), invitation.user).status_code in (403, 404)


def test_invitations_expire_and_can_be_declined_or_withdrawn(demo):
    admin = signed_in("admin.chaiso")
    assert invite(admin, "mayor.nonhan").status_code == 302
    assert invite(admin, "mayor.nonsaat").status_code == 302
    late, declined = Invitation.objects.order_by("pk")
    Invitation.objects.filter(pk=late.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    response = signed_in("mayor.nonhan").post("/invitations/", {"invitation": late.pk, "answer": "accept"})
    assert response.status_code == 302
    assert not Membership.objects.filter(user__username="mayor.nonhan", organization__slug="chaiso").exists()
    assert signed_in("mayor.nonhan").get("/invitations/").context["invitations"] == []
    signed_in("mayor.nonsaat").post("/invitations/", {"invitation": declined.pk, "answer": "decline"})
    declined.refresh_from_db()
    assert declined.status == "declined"
    assert invite(admin, "head.nonhan").status_code == 302
    withdrawn = Invitation.objects.latest("pk")
    admin.post(
        "/admin/core/invitation/", {"action": "revoke", "_selected_action": [withdrawn.pk], "index": 0}
    )
    withdrawn.refresh_from_db()
    assert withdrawn.status == "revoked"
    signed_in("head.nonhan").post("/invitations/", {"invitation": withdrawn.pk, "answer": "accept"})
    assert not Membership.objects.filter(user__username="head.nonhan", organization__slug="chaiso").exists()


@pytest.mark.parametrize(
    ("invitee", "message"),
    [
        ("platform", "Platform administrators are not invited"),
        ("mayor.chaiso", "already a member"),
        ("nobody.here", "No active staff account"),
        ("", "This field is required"),
    ],
)
def test_who_cannot_be_invited_is_a_field_error(demo, invitee, message):
    response = invite(signed_in("admin.chaiso"), invitee)
    assert response.status_code == 200
    assert message in str(response.context["adminform"].form.errors)
    assert not Invitation.objects.exists()


def test_an_admin_invites_only_into_their_own_organisations(demo):
    response = invite(signed_in("admin.chaiso"), "mayor.nonhan", organization="nonsaat")
    assert response.status_code == 200 and not Invitation.objects.exists()
    assert signed_in("officer.chaiso").get("/admin/core/invitation/add/").status_code in (302, 403)
