"""Staff sign-in: one message whether the user exists or not; throttled after repeated failures."""

import pytest

from muang.core.models import Role
from muang.core.tests.factories import PASSWORD, OrganizationFactory, member

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


@pytest.fixture
def staff(areas):
    return member(OrganizationFactory(), Role.OFFICER)


def attempt(client, username, password):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR="10.1.2.3")


def test_unknown_user_and_wrong_password_get_the_same_answer(client, staff):
    unknown = attempt(client, "nobody", "whatever-123")
    wrong = attempt(client, staff.username, "wrong-password")
    assert unknown.status_code == wrong.status_code == 200
    assert unknown.context["form"].non_field_errors() == wrong.context["form"].non_field_errors()
    assert "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง" in wrong.content.decode()


def test_good_credentials_sign_in_and_land_on_home(client, staff):
    response = attempt(client, staff.username, PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").status_code == 200


def test_repeated_failures_lock_the_username_even_with_the_right_password(client, staff, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, staff.username, "wrong-password")
    locked = attempt(client, staff.username, PASSWORD)
    assert locked.status_code == 429
    assert "ลองใหม่" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_lockout_is_per_username_and_address(client, staff, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, staff.username, "wrong-password")
    other_place = client.post(
        LOGIN, {"username": staff.username, "password": PASSWORD}, REMOTE_ADDR="10.9.9.9"
    )
    assert other_place.status_code == 302


def test_anonymous_visitors_get_the_public_home_with_the_staff_entrance(client):
    response = client.get("/")
    assert response.status_code == 200 and f'href="{LOGIN}"' in response.content.decode()


def test_logout_needs_post(client, staff):
    client.force_login(staff)
    assert client.get("/accounts/logout/").status_code == 405
    signed_out = client.post("/accounts/logout/")
    assert signed_out.status_code == 302
    # The device forgets the HTTP cache, not the storage (the care visits' outbox waits for its account).
    assert signed_out["Clear-Site-Data"] == '"cache"'
    assert 'id="staff-entrance"' in client.get("/").content.decode()  # signed out: the public home
