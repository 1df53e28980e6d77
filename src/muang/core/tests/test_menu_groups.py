"""A long staff menu is grouped under core's headings (an administrator sees twenty entries); a short one stays a
flat line; every link appears once; an app naming an unknown group is refused at start-up."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from muang.core import registry
from muang.core.contract import MENU_GROUPED_ABOVE, MENU_GROUPS, MenuEntry
from muang.core.models import Role
from muang.core.registry import MenuLink, menu_sections


def test_a_short_menu_is_one_flat_section():
    links = [MenuLink(f"l{i}", f"/l{i}/", "city") for i in range(MENU_GROUPED_ABOVE)]
    assert menu_sections(links) == [registry.MenuSection("", "", tuple(links))]


def test_a_long_menu_is_grouped_in_core_order_and_a_lonely_entry_stays_on_top():
    links = [
        MenuLink("home", "/", ""),
        *(MenuLink(f"city{i}", f"/c{i}/", "city") for i in range(4)),
        *(MenuLink(f"rev{i}", f"/r{i}/", "revenue") for i in range(4)),
        MenuLink("alone", "/alone/", "health"),
    ]
    sections = menu_sections(links)
    assert [s.key for s in sections] == ["", "revenue", "city"]  # MENU_GROUPS order, not the links' order
    assert [link.label for link in sections[0].links] == ["home", "alone"]
    assert str(MENU_GROUPS["revenue"]) == sections[1].label
    assert sorted(link.url for s in sections for link in s.links) == sorted(link.url for link in links)


def test_the_administrators_menu_is_grouped_and_complete():
    admin = registry.permission_table().by_role[Role.SYSTEM_ADMIN]
    links = registry.staff_menu(admin)
    sections = menu_sections(links)
    assert len(links) > MENU_GROUPED_ABOVE
    assert sections[0].key == "" and sections[0].links[0].url == "/"  # Home first, at the top level
    assert all(s.key in MENU_GROUPS for s in sections[1:]) and len(sections) >= 5
    shown = [link.url for s in sections for link in s.links]
    assert sorted(shown) == sorted(link.url for link in links) and len(set(shown)) == len(shown)
    # Every entry of a staff menu names its group: none lands at the top level by omission.
    assert [link.url for link in sections[0].links] == ["/"]


def test_an_unknown_group_is_refused(monkeypatch):
    real = registry.collected
    bad = MenuEntry("x", "home", group="no-such-group")
    monkeypatch.setattr(
        registry, "collected", lambda name: (*real(name), bad) if name == "menu" else real(name)
    )
    registry._menus.cache_clear()
    try:
        with pytest.raises(ImproperlyConfigured, match="no-such-group"):
            registry._menus()
    finally:
        monkeypatch.undo()
        registry._menus.cache_clear()
