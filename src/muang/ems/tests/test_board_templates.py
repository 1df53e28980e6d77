"""Both live boards (dispatch, care centre) are one frame: `ems/_board_base.html` (map and polled lists side by
side, the wall-screen switch, the map's centre), each board filling in its own title, links, map and lists."""

import pytest
from django.conf import settings
from django.test import Client

from muang.core.models import Duty, Role
from muang.core.tests.factories import member

pytestmark = pytest.mark.django_db


def test_both_boards_extend_the_one_frame(org):
    client = Client()
    client.force_login(member(org, Role.OFFICER, duties=[Duty.EMERGENCY_MEDICAL, Duty.CARE]))
    for path, own in (("/ems/", 'id="ems-map"'), ("/ems/care/", 'id="care-map"')):
        response = client.get(path)
        names = [t.name for t in response.templates]
        assert "ems/_board_base.html" in names, names
        html = response.content.decode()
        assert own in html and 'class="ems-grid"' in html and 'href="?wall=1"' in html
        assert 'id="map-center"' in html
        wall = client.get(path + "?wall=1").content.decode()
        assert "ems-wall" in wall and f'href="{path}"' in wall  # back to the laptop view
    templates = settings.BASE_DIR / "ems" / "templates" / "ems"
    for name in ("board.html", "care_board.html"):
        text = (templates / name).read_text()
        assert text.startswith('{% extends "ems/_board_base.html" %}') and "ems-grid" not in text
