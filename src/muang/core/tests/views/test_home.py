"""Each demo role gets a home page fit for it; the organisation switcher; language; tokens page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from muang.core.demo import load_demo
from muang.core.models import ApiToken, Organization, User

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(areas):
    load_demo()


@pytest.mark.parametrize(
    ("username", "must_show", "must_not_show"),
    [
        (
            "officer.nonsaat",
            ["กองคลัง", "การเปลี่ยนแปลงล่าสุดของฉัน", "เทศบาลตำบลโนนสะอาด"],
            ["API tokens", "โทเคน API"],
        ),
        ("head.nonsaat", ["ทีมงานของกองช่าง", "นายช่างไฟฟ้า"], ["โทเคน API"]),
        ("mayor.nonsaat", ["กองและบุคลากร", "การเปลี่ยนแปลงล่าสุดในองค์กร"], ["โทเคน API"]),
        (
            "overseer.chumphae",
            ["กำกับดูแล 5 องค์กรปกครองส่วนท้องถิ่น", "องค์การบริหารส่วนตำบลนาหนองทุ่ม"],
            ["นายช่างไฟฟ้า"],
        ),
        ("admin.nonsaat", ["สถานะระบบ", "โทเคน API"], []),
    ],
)
def test_home_per_role(client, demo, username, must_show, must_not_show):
    client.force_login(User.objects.get(username=username))
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    for text in must_show:
        assert text in html, text
    for text in must_not_show:
        assert text not in html, text
    assert len(queries) <= 25, [q["sql"] for q in queries]


def test_overseer_sees_counts_not_names(client, demo):
    client.force_login(User.objects.get(username="overseer.chumphae"))
    html = client.get("/").content.decode()
    mayor = User.objects.get(username="mayor.nonsaat")
    assert mayor.first_name + " " + mayor.last_name not in html


def test_switcher_changes_the_active_organisation_only_to_own_ones(client, demo):
    user = User.objects.get(username="admin.nonsaat")
    client.force_login(user)
    assert "สถานะระบบ" in client.get("/").content.decode()
    nanongthum = Organization.objects.get(slug="nanongthum")
    client.post("/switch-organization/", {"organization": nanongthum.pk})
    html = client.get("/").content.decode()
    assert "ผู้ช่วยงานไอที" in html and "สถานะระบบ" not in html  # an officer there
    foreign = Organization.objects.get(slug="chaiso")
    response = client.post("/switch-organization/", {"organization": foreign.pk}, follow=True)
    assert "คุณไม่ได้เป็นสมาชิกขององค์กรนั้น" in response.content.decode()
    assert "ผู้ช่วยงานไอที" in response.content.decode()


def test_english_switch(client, demo):
    client.force_login(User.objects.get(username="officer.nonsaat"))
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.get("/").content.decode()
    assert "My recent changes" in html and 'lang="en"' in html


def test_tokens_page_creates_shows_secret_once_and_revokes(client, demo):
    client.force_login(User.objects.get(username="admin.nonsaat"))
    response = client.post("/tokens/", {"name": "LINE OA", "scopes": ["org:read"]})
    secret = response.context["new_secret"]
    assert secret and secret in response.content.decode()
    token = ApiToken.objects.get(name="LINE OA")
    assert secret not in client.get("/tokens/").content.decode()
    client.post("/tokens/", {"revoke": token.pk})
    token.refresh_from_db()
    assert token.revoked_at is not None
    form_error = client.post("/tokens/", {"name": "", "scopes": []})
    assert form_error.context["form"].errors


def test_tokens_page_is_for_system_admins_only(client, demo):
    client.force_login(User.objects.get(username="mayor.nonsaat"))
    assert client.get("/tokens/").status_code == 403


def test_pages_are_thai_even_for_an_english_browser_until_the_switch(client, demo):
    client.force_login(User.objects.get(username="officer.nonsaat"))
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert 'lang="th"' in html and "การเปลี่ยนแปลงล่าสุดของฉัน" in html


def test_the_platform_operator_gets_their_own_home_and_a_member_less_account_is_told_why(client, areas):
    from muang.core.tests.factories import UserFactory

    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="operator-home"' in html and "/admin/" in html
    assert "/kpi/national/" in html  # the operator's menu entries, as links
    client.force_login(UserFactory())
    response = client.get("/")
    assert response.status_code == 403 and 'id="operator-home"' not in response.content.decode()
