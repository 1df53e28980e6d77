"""Per-process caches of reference data (muang.core.stamps): a change of a watched table, however it is made,
is seen at the next read; within one web request the stamps are read once."""

import pytest
from django.contrib.gis.geos import MultiPolygon, Point, Polygon
from django.db import connection
from django.test.utils import CaptureQueriesContext

from muang.core.errors import MuangError
from muang.core.jurisdiction import locate_organization
from muang.core.middleware import _request_token
from muang.core.models import Organization
from muang.core.stamps import StampedCache, stamps
from muang.core.tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db

BOX = MultiPolygon(Polygon.from_bbox((100.0, 14.0, 100.1, 14.1)), srid=4326)
INSIDE = Point(100.05, 14.05, srid=4326)


def test_a_boundary_changed_by_a_bulk_update_reroutes_at_the_next_report(areas):
    org = OrganizationFactory(boundary=BOX)
    assert locate_organization(INSIDE).organization.pk == org.pk
    with CaptureQueriesContext(connection) as q:
        assert locate_organization(INSIDE).organization.pk == org.pk
    assert len(q) == 1  # the stamps only: the boundaries come from the cache
    # No signal fires for a queryset update: the table's trigger bumps the stamp all the same.
    moved = MultiPolygon(Polygon.from_bbox((101.0, 15.0, 101.1, 15.1)), srid=4326)
    Organization.objects.filter(pk=org.pk).update(boundary=moved)
    with pytest.raises(MuangError):
        locate_organization(INSIDE)


def test_a_stamp_never_comes_back_after_a_rolled_back_change(areas):
    before = stamps().get("organizations", 0)
    OrganizationFactory(boundary=BOX)
    bumped = stamps()["organizations"]
    assert bumped != before
    # A sequence gives the versions: a rolled-back bump is never handed out again to another change.
    with connection.cursor() as cursor:
        cursor.execute("SELECT last_value FROM core_cache_stamp_seq")
        assert cursor.fetchone()[0] >= bumped


def test_within_a_request_the_stamps_are_read_once():
    cache = StampedCache("organizations", tables=())
    token = _request_token.set(object())
    try:
        with CaptureQueriesContext(connection) as q:
            assert cache.get("k", lambda: 1) == 1
            assert cache.get("k", lambda: 2) == 1
            stamps()
        assert len(q) == 1
    finally:
        _request_token.reset(token)
