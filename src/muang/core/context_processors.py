from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from muang.core import registry
from muang.core.access import member_permissions
from muang.core.workspace import active_membership


def _menu(request: HttpRequest, membership) -> list[registry.MenuLink]:
    """The main menu from the apps' declared entries: a member's entries by the permissions they hold in their
    active organisation (from the membership and its department, already loaded), and the platform operator's
    pages for an active superuser; a visitor's public entries."""
    user = getattr(request, "user", None)
    # The platform operator (an active superuser) also sees the operator's pages, member of an organisation or not.
    operator = bool(user is not None and user.is_authenticated and user.is_active and user.is_superuser)
    if membership is not None:
        # Role × the duties of the member's department, from the loaded membership: no query.
        return registry.staff_menu(member_permissions(membership), operator=operator)
    if operator:
        return registry.staff_menu(frozenset(), operator=True)
    if user is not None and not user.is_authenticated:
        return registry.public_menu()
    return []


def workspace(request: HttpRequest) -> dict:
    membership = active_membership(request) if hasattr(request, "user") else None
    return {
        "site_name": settings.MUANG_SITE_NAME,
        "map_tiles_url": settings.MUANG_MAP_TILES,
        "membership": membership,
        "memberships": getattr(request, "_muang_memberships", []),
        # Built only if the page shows it (an htmx fragment does not).
        "menu": (menu := SimpleLazyObject(lambda: _menu(request, membership))),
        "menu_sections": SimpleLazyObject(lambda: registry.menu_sections(list(menu))),
    }
