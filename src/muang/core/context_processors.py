from django.conf import settings
from django.http import HttpRequest

from muang.core.workspace import active_membership


def workspace(request: HttpRequest) -> dict:
    membership = active_membership(request) if hasattr(request, "user") else None
    return {
        "site_name": settings.MUANG_SITE_NAME,
        "map_tiles_url": settings.MUANG_MAP_TILES,
        "membership": membership,
        "memberships": getattr(request, "_muang_memberships", []),
    }
