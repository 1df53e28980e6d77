"""The public page of an organisation's air and water: no sign-in, Thai first with the English switch, Buddhist
Era dates, the banner while an alert is on, a fixed number of queries, light enough for a phone on 3G."""

import gzip
import re

import pytest
from django.contrib.staticfiles import finders
from django.db import connection
from django.test.utils import CaptureQueriesContext

from muang.environment.models import Station

from .conftest import NOW, pm, water

pytestmark = pytest.mark.django_db
# What the page may weigh on the wire (gzip, as the server sends it), HTML and every script and style it loads:
# 3G carries about 50 KB/s, so this is about three seconds. Leaflet is most of it.
BUDGET_GZIP = 150_000


def test_the_page_shows_the_stations_in_their_colours_and_the_banner_while_an_alert_is_on(
    client, city, settings
):
    settings.LANGUAGE_CODE = "th"  # Thai first
    pm(city, 30.0, NOW)
    page = client.get(f"/env/{city.org.slug}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="env-banner"' not in html
    assert "สถานีอากาศ ตลาดสด" in html and "env-yellow" in html and "ปานกลาง" in html
    assert "2 มี.ค. 2569" in html  # the Buddhist Era
    pm(city, 80.0, NOW + dt_minutes(5))  # hourly mean 55: orange
    html = client.get(f"/env/{city.org.slug}/").content.decode()
    assert 'id="env-banner"' in html and "env-orange" in html and "เริ่มมีผลกระทบต่อสุขภาพ" in html
    assert "เตือน" in html  # how to follow on LINE


def test_a_gauge_at_its_alert_level_raises_the_banner_and_english_is_one_switch_away(client, city):
    water(city, 3.7, NOW)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.get(f"/env/{city.org.slug}/").content.decode()
    assert 'id="env-banner"' in html and "watch" in html
    assert "Air and water" in html and "2 Mar 2026" in html


def test_a_station_that_is_not_public_is_not_on_the_page(client, city):
    Station.objects.filter(pk=city.far.pk).update(is_public=False)
    html = client.get(f"/env/{city.org.slug}/").content.decode()
    assert "สถานีอากาศ วัด" not in html and "สถานีอากาศ ตลาดสด" in html
    assert client.get("/env/no-such-town/").status_code == 404


def test_the_page_takes_a_fixed_number_of_queries(client, city, areas):
    from .conftest import make_city

    pm(city, 30.0, NOW)
    client.get(f"/env/{city.org.slug}/")
    with CaptureQueriesContext(connection) as few:
        client.get(f"/env/{city.org.slug}/")
    more = make_city()
    for s in (more.air, more.far, more.gauge):
        Station.objects.filter(pk=s.pk).update(organization=city.org, name=f"{s.name} 2")
    with CaptureQueriesContext(connection) as many:
        client.get(f"/env/{city.org.slug}/")
    assert len(many) == len(few) <= 8


def test_the_public_home_links_to_the_page(client, city):
    home = client.get("/").content.decode()
    assert f"/env/{city.org.slug}/" in home
    assert f"/env/{city.org.slug}/" in client.get("/env/").content.decode()


def test_the_page_is_light_enough_for_a_phone_on_3g(client, city, capsys):
    pm(city, 30.0, NOW)
    html = client.get(f"/env/{city.org.slug}/").content
    assets = re.findall(rb'(?:src|href)="/static/([^"?]+)"', html)
    sizes = {"html": (len(html), len(gzip.compress(html)))}
    for asset in assets:
        path = finders.find(asset.decode())
        assert path, asset
        data = open(path, "rb").read()  # noqa: SIM115
        sizes[asset.decode()] = (len(data), len(gzip.compress(data)))
    raw = sum(r for r, _g in sizes.values())
    wire = sum(g for _r, g in sizes.values())
    with capsys.disabled():
        print(
            f"\n/env/<slug>/ page weight: {raw / 1000:.0f} KB raw, {wire / 1000:.0f} KB gzip ({len(sizes)} files)"
        )
    assert wire < BUDGET_GZIP, sizes


def dt_minutes(n: int):
    import datetime as dt

    return dt.timedelta(minutes=n)
