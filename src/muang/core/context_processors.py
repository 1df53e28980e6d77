from django.conf import settings
from django.http import HttpRequest

from muang.core.permissions import membership_permissions
from muang.core.workspace import active_membership


def workspace(request: HttpRequest) -> dict:
    membership = active_membership(request) if hasattr(request, "user") else None
    return {
        "site_name": settings.MUANG_SITE_NAME,
        "map_tiles_url": settings.MUANG_MAP_TILES,
        "membership": membership,
        "memberships": getattr(request, "_muang_memberships", []),
        # What the menu may offer: the permissions of the active membership (role × the department's duties),
        # from the loaded membership, without a query. The pages check again.
        "staff_perms": membership_permissions(membership) if membership is not None else frozenset(),
    }
