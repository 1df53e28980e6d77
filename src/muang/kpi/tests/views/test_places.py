"""The map layer of an indicator that has places (issue 15, item 3): the complaints resolved in a month, on cells
of about 100 m (never one home's point), for the staff who read the city's numbers; the city page draws it."""

import datetime as dt

import pytest
from django.contrib.gis.geos import Point
from django.test import Client
from django.urls import reverse

from muang.cases.services import case_change_status
from muang.cases.tests.factories import submit_case
from muang.core.models import Role
from muang.core.tests.factories import OrganizationFactory, member
from muang.core.thai_dates import BANGKOK, add_months
from muang.kpi import periods
from muang.kpi.models import Indicator

pytestmark = pytest.mark.django_db


def _as(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _resolved(town, lon: float, lat: float, day: dt.datetime) -> None:
    case = submit_case(town.category, now=day, location=Point(lon, lat, srid=4326))
    case_change_status(actor=town.admin, case=case, status="resolved", now=day + dt.timedelta(hours=2))


def test_the_complaints_of_the_month_on_cells_of_about_100_m(town):
    last = periods.last_closed_month(periods.today())
    day = dt.datetime.combine(last + dt.timedelta(days=3), dt.time(9), tzinfo=BANGKOK)
    _resolved(town, 102.10012, 16.54013, day)
    _resolved(town, 102.10047, 16.54061, day)  # the same cell: counted together
    _resolved(town, 102.12, 16.56, day)
    assert Indicator.objects.get(code="cases.resolved_within_sla").has_places
    url = reverse("kpi:places", args=["cases.resolved_within_sla"])
    response = _as(town.executive.user).get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/geo+json"
    layer = response.json()
    counts = sorted(f["properties"]["count"] for f in layer["features"])
    assert counts == [1, 2] and layer["month"] == last.isoformat()[:7]
    first = next(f for f in layer["features"] if f["properties"]["count"] == 2)
    assert first["geometry"]["coordinates"] == [102.1005, 16.5405]  # the cell's centre, not a case's point
    # The city page carries the layer for the indicator that has places.
    page = _as(town.executive.user).get(reverse("kpi:city")).content.decode()
    assert f'data-url="{url}"' in page and "vendor/leaflet/leaflet.js" in page
    # An earlier month: nothing resolved then; a month not over, a bad month, an indicator without places.
    earlier = add_months(last, -1)
    assert _as(town.executive.user).get(url, {"month": earlier.isoformat()[:7]}).json()["features"] == []
    assert _as(town.executive.user).get(url, {"month": "2999-01"}).status_code == 404
    assert _as(town.executive.user).get(url, {"month": "soon"}).status_code == 400
    no_places = reverse("kpi:places", args=["cases.satisfaction"])
    assert _as(town.executive.user).get(no_places).status_code == 404


def test_another_organisations_staff_and_outsiders_get_no_layer(town):
    url = reverse("kpi:places", args=["cases.resolved_within_sla"])
    other = member(OrganizationFactory(), Role.EXECUTIVE)
    response = _as(other).get(url)
    assert response.status_code == 200 and response.json()["features"] == []  # its own organisation's, empty
    assert Client().get(url).status_code == 302
    # The public page never shows the layer.
    from muang.core.access import SYSTEM
    from muang.kpi import services

    services.publication_set(actor=SYSTEM, organization=town.org, is_public=True)
    html = Client().get(reverse("kpi:public", args=[town.org.slug])).content.decode()
    assert "kpi-map" not in html and "leaflet" not in html
