"""The mayor opens the city page and sees the seven areas with their numbers and trends against target; the
district office compares its local governments and sees each one's adoption: in a real browser, in Thai."""

import pytest
from django.utils import timezone

from muang.conftest import load_area_slice
from muang.core.access import SYSTEM
from muang.core.models import Role
from muang.core.tests.factories import PASSWORD, DistrictOfficeFactory, OrganizationFactory, member
from muang.core.thai_dates import fiscal_year
from muang.kpi import periods, services
from muang.kpi.models import Indicator, Snapshot
from muang.testing.browser import click_menu

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _figures(org, level: float) -> None:
    last = periods.last_closed_month(periods.today())
    lines = ["indicator,month,value"]
    for step, month in enumerate(periods.months_back(last, 12)):
        lines.append(f"environment.waste_recycled,{month:%Y-%m},{level + step:.1f}")
        lines.append(f"living.piped_water,{month:%Y-%m},{min(100, level + 60):.1f}")
    services.csv_import(actor=SYSTEM, organization=org, text="\n".join(lines))
    services.snapshot_month(month=last, organizations=[org])
    for code, target in (("environment.waste_recycled", 25), ("living.piped_water", 95)):
        services.target_set(
            actor=SYSTEM,
            organization=org,
            indicator=Indicator.objects.get(code=code),
            fiscal_year=fiscal_year(periods.month_last_day(last)),
            value=target,
        )


def _sign_in(page, url: str, user) -> None:
    page.goto(f"{url}/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{url}/")


def test_the_mayor_sees_the_seven_areas_with_trends_against_target(
    live_server, in_chromium, settings, tmp_path
):
    settings.LANGUAGE_CODE = "th"
    load_area_slice()
    org = OrganizationFactory()
    _figures(org, 20)
    mayor = member(org, Role.EXECUTIVE)

    def walk(page):
        _sign_in(page, live_server.url, mayor)
        click_menu(page, "/kpi/")
        page.wait_for_selector(
            '.kpi-indicator[data-code="environment.waste_recycled"] .kpi-trend[data-drawn="1"]'
        )
        assert page.locator(".kpi-area").count() == 7
        assert "การศึกษาอัจฉริยะ" in page.locator('[data-area="education"] h2').inner_text()
        waste = page.locator('.kpi-indicator[data-code="environment.waste_recycled"]')
        assert waste.locator(".kpi-value").inner_text() == "31"  # 20 + 11, the last month
        assert "ถึงเป้าหมาย" in waste.locator(".kpi-status").inner_text()
        assert waste.locator("canvas").count() == 1  # uPlot drew the trend
        water = page.locator('.kpi-indicator[data-code="living.piped_water"]')
        assert "ต่ำกว่าเป้าหมาย" in water.locator(".kpi-status").inner_text()
        year = str(timezone.localdate().year + 543)[:2]
        assert "ปีงบประมาณ 25" in page.locator("#kpi-period").inner_text() and year == "25"
        page.screenshot(path=tmp_path / "mayor.png", full_page=True)
        # depa's framework: Energy instead of Education.
        page.click('.kpi-frameworks a[href="?framework=depa"]')
        page.wait_for_selector('[data-area="energy"]')
        assert page.locator('[data-area="education"]').count() == 0
        with page.expect_download() as download:
            page.click("#kpi-xlsx")
        assert download.value.suggested_filename.endswith(".xlsx")

    in_chromium(walk, viewport={"width": 1280, "height": 900})


def test_the_district_office_compares_its_local_governments(live_server, in_chromium, settings, tmp_path):
    settings.LANGUAGE_CODE = "th"
    load_area_slice()
    office = DistrictOfficeFactory(name_th="ที่ว่าการอำเภอชุมแพ")
    towns = [OrganizationFactory(name_th=f"เทศบาลตำบลที่{i}") for i in range(1, 4)]
    for i, town in enumerate(towns):
        _figures(town, 10 * (i + 1))
    # The first town resolves complaints: its cases module counts as used.
    Snapshot.objects.filter(organization=towns[0], indicator__code="cases.resolved_within_sla").update(
        value=88
    )
    services.rollup_refresh(month=periods.last_closed_month(periods.today()))  # the monthly job's roll-up
    overseer = member(office, Role.OVERSEER)

    def walk(page):
        _sign_in(page, live_server.url, overseer)
        click_menu(page, "/kpi/rollup/")
        page.wait_for_selector("#rollup-table")
        rows = page.locator("#rollup-table tbody tr")
        assert rows.count() == 3
        assert rows.nth(0).locator("th").inner_text() == "เทศบาลตำบลที่1"  # the highest adoption first
        assert rows.nth(0).locator(".adoption").inner_text().endswith("%")
        assert page.locator("#adoption-definition").is_visible()
        assert "ระดับการใช้งาน" in page.locator("#adoption-definition summary").inner_text()
        assert "#1" in rows.nth(2).inner_text()  # the third recycles the most
        page.screenshot(path=tmp_path / "rollup.png", full_page=True)

    in_chromium(walk, viewport={"width": 1280, "height": 900})


def test_the_platform_operator_compares_the_provinces(live_server, in_chromium, settings, tmp_path):
    from muang.core.tests.factories import UserFactory

    settings.LANGUAGE_CODE = "th"
    load_area_slice()
    khon_kaen = [OrganizationFactory(name_th=f"เทศบาลตำบลที่{i}") for i in range(1, 3)]
    bangkok = OrganizationFactory(
        province_id="10", district_id="1001", subdistrict_id=None, name_th="เขตทดสอบ"
    )
    for i, town in enumerate([*khon_kaen, bangkok]):
        _figures(town, 10 * (i + 1))
    operator = UserFactory(is_superuser=True, is_staff=True)

    def walk(page):
        _sign_in(page, live_server.url, operator)
        page.goto(f"{live_server.url}/kpi/national/")
        page.wait_for_selector("#national-table")
        rows = page.locator("#national-table tbody tr")
        assert rows.count() == 2
        assert "ขอนแก่น" in page.locator('tr[data-province="40"] th').inner_text()
        assert "กรุงเทพมหานคร" in page.locator('tr[data-province="10"] th').inner_text()
        assert "#1" in page.locator('tr[data-province="10"]').inner_text()  # Bangkok recycles the most
        assert page.locator("#national-country").inner_text().count("3") >= 1  # three local governments
        page.screenshot(path=tmp_path / "national.png", full_page=True)
        page.click('tr[data-province="40"] th a')
        page.wait_for_selector("#rollup-table")
        towns = page.locator("#rollup-table tbody tr")
        assert towns.count() == 2 and "เขตทดสอบ" not in page.locator("#rollup-table").inner_text()

    in_chromium(walk, viewport={"width": 1280, "height": 900})


def test_the_mayor_sees_where_the_complaints_were(live_server, in_chromium, settings):
    import datetime as dt

    from django.contrib.gis.geos import Point

    from muang.cases.services import case_change_status
    from muang.cases.tests.conftest import make_town
    from muang.cases.tests.factories import submit_case
    from muang.core.thai_dates import BANGKOK

    settings.LANGUAGE_CODE = "th"
    settings.MUANG_MAP_TILES = f"{live_server.url}/static/no-tiles/{{z}}/{{x}}/{{y}}.png"  # offline
    load_area_slice()
    town = make_town()
    last = periods.last_closed_month(periods.today())
    day = dt.datetime.combine(last + dt.timedelta(days=2), dt.time(9), tzinfo=BANGKOK)
    for lon in (102.101, 102.101, 102.12):
        case = submit_case(town.category, now=day, location=Point(lon, 16.54, srid=4326))
        case_change_status(actor=town.admin, case=case, status="resolved", now=day + dt.timedelta(hours=1))

    def walk(page):
        _sign_in(page, live_server.url, town.executive.user)
        page.goto(f"{live_server.url}/kpi/")
        layer = page.locator('.kpi-indicator[data-code="cases.resolved_within_sla"] .kpi-map')
        page.wait_for_selector(
            '.kpi-indicator[data-code="cases.resolved_within_sla"] .kpi-map[data-ready="1"]'
        )
        assert layer.get_attribute("data-count") == "2"  # two cells of about 100 m
        assert layer.locator("path.leaflet-interactive").count() == 2

    in_chromium(walk, viewport={"width": 1280, "height": 900})


def test_the_mayor_opens_a_schools_page_from_the_city_page(live_server, in_chromium, settings, tmp_path):
    """Issue 15 item 3: a page per school, in Thai, with the school's trend and the organisation's target."""
    from muang.kpi.models import School

    settings.LANGUAGE_CODE = "th"
    load_area_slice()
    org = OrganizationFactory()
    school = School.objects.create(organization=org, code="1040050001", name_th="โรงเรียนเทศบาล 1 (วัดกลาง)")
    last = periods.last_closed_month(periods.today())
    lines = ["indicator,month,value,school"]
    for step, month in enumerate(periods.months_back(last, 12)):
        lines.append(f"education.attendance,{month:%Y-%m},{90 + step * 0.5:.1f},{school.code}")
    services.csv_import(actor=SYSTEM, organization=org, text="\n".join(lines))
    services.target_set(
        actor=SYSTEM,
        organization=org,
        indicator=Indicator.objects.get(code="education.attendance"),
        fiscal_year=fiscal_year(periods.month_last_day(last)),
        value=95,
    )
    mayor = member(org, Role.EXECUTIVE)

    def walk(page):
        _sign_in(page, live_server.url, mayor)
        page.goto(f"{live_server.url}/kpi/")
        page.click(f'.kpi-schools a[href="/kpi/school/{school.code}/"]')
        page.wait_for_selector('.kpi-indicator[data-code="education.attendance"] .kpi-trend[data-drawn="1"]')
        assert "โรงเรียนเทศบาล 1 (วัดกลาง)" in page.locator("#kpi-title").inner_text()
        assert "รหัสโรงเรียน 1040050001" in page.locator("#kpi-school").inner_text()
        row = page.locator('.kpi-indicator[data-code="education.attendance"]')
        assert (
            row.locator(".kpi-value").inner_text() == "95.50"
        )  # 90 + 11 × 0.5, the last month (two decimals)
        assert "ถึงเป้าหมาย" in row.locator(".kpi-status").inner_text()
        assert row.locator("canvas").count() == 1
        assert page.locator(".kpi-indicator").count() == 1  # only what the school has figures for
        page.screenshot(path=tmp_path / "school.png", full_page=True)

    in_chromium(walk, viewport={"width": 1280, "height": 900})
