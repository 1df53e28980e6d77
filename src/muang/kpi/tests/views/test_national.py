"""The national operator's page (issue 15): every province side by side from the precomputed roll-up, then a
province's (or the whole country's) local governments a page at a time; never personal data, never for anyone
but the platform operator."""

import pytest
from django.test import Client
from django.urls import reverse

from muang.core.access import SYSTEM
from muang.core.models import Role
from muang.core.tests.factories import OrganizationFactory, UserFactory, member
from muang.kpi import periods, selectors, services

pytestmark = pytest.mark.django_db


def _as(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _waste(org, value) -> None:
    month = periods.last_closed_month(periods.today())
    services.csv_import(
        actor=SYSTEM,
        organization=org,
        text=f"indicator,month,value\nenvironment.waste_recycled,{month:%Y-%m},{value}\n",
    )


@pytest.fixture
def country(areas):
    khon_kaen = [OrganizationFactory(name_th=f"เทศบาลตำบลขอนแก่น{i}") for i in range(3)]
    bangkok = OrganizationFactory(province_id="10", district_id="1001", subdistrict_id=None, name_th="กทม.")
    for i, org in enumerate(khon_kaen):
        _waste(org, 10 + i)
    _waste(bangkok, 80)
    return khon_kaen, bangkok


def test_the_operator_sees_every_province_side_by_side(country, settings, django_assert_max_num_queries):
    settings.LANGUAGE_CODE = "th"
    operator = UserFactory(is_superuser=True, is_staff=True)
    client = _as(operator)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("kpi:national"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-province="40"' in html and 'data-province="10"' in html
    assert "ขอนแก่น" in html and "กรุงเทพมหานคร" in html
    overview = response.context["overview"]
    by_code = {row.code: row for row in overview.provinces}
    assert by_code["40"].organizations == 3 and overview.country.organizations == 4
    assert 'id="national-country"' in html
    # A province's local governments, ranked within it.
    province = client.get(reverse("kpi:national"), {"province": "40"})
    assert province.status_code == 200
    rows = province.context["rollup"].rows
    assert len(rows) == 3 and "กทม." not in province.content.decode()
    assert client.get(reverse("kpi:national"), {"province": "99"}).status_code == 404
    # The whole country, a page at a time.
    everyone = client.get(reverse("kpi:national"), {"all": "1", "page": "1"})
    assert everyone.context["rollup"].total == 4 and len(everyone.context["rollup"].rows) == 4
    assert client.get(reverse("kpi:national"), {"all": "1", "page": "x"}).status_code == 200


def test_nobody_else_sees_the_country(country):
    khon_kaen, _bangkok = country
    for user in (
        UserFactory(),
        member(khon_kaen[0], Role.SYSTEM_ADMIN),
        member(khon_kaen[0], Role.EXECUTIVE),
        UserFactory(is_staff=True),
    ):
        response = _as(user).get(reverse("kpi:national"), {"province": "40"})
        assert response.status_code == 200 and response.context.get("not_operator")
        html = response.content.decode()
        assert "rollup-table" not in html and "national-table" not in html
    assert Client().get(reverse("kpi:national")).status_code == 302
    with pytest.raises(Exception, match="platform operator"):
        selectors.national_overview(user=UserFactory())


def test_the_menu_leads_the_operator_and_only_the_operator_to_the_national_page(areas, settings):
    """The grouped menu has the national page for the platform operator (member of an organisation or not), never
    for an organisation's executive or system administrator, whose permissions hold everything else."""
    from muang.core import registry

    settings.LANGUAGE_CODE = "th"
    national = reverse("kpi:national")
    org = OrganizationFactory()
    admin_perms = registry.permission_table().by_role[Role.SYSTEM_ADMIN]
    assert national not in [link.url for link in registry.staff_menu(admin_perms)]
    assert [link.url for link in registry.staff_menu(frozenset(), operator=True)] == ["/", national]
    assert national in [link.url for link in registry.staff_menu(admin_perms, operator=True)]

    def menu_of(user) -> list[str]:
        response = _as(user).get(reverse("home"))
        return [link.url for link in response.context["menu"]]

    operator = UserFactory(is_superuser=True, is_staff=True)
    assert national in menu_of(operator)  # no membership at all
    member(org, Role.SYSTEM_ADMIN, user=operator)
    links = menu_of(operator)
    assert national in links and "/kpi/rollup/" in links
    executive, administrator = member(org, Role.EXECUTIVE), member(org, Role.SYSTEM_ADMIN)
    assert national not in menu_of(executive) and national not in menu_of(administrator)
    html = _as(operator).get(reverse("home")).content.decode()
    assert f'href="{national}"' in html and "เปรียบเทียบ อปท. ทั่วประเทศ" in html
