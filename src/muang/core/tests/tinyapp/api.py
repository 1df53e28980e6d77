from django.http import HttpRequest
from ninja import Router

from muang.core.access import get_organization_for
from muang.core.tests.tinyapp import selectors
from muang.core.tests.tinyapp.permissions import GlancePerm

router = Router(tags=["glance"])


@router.get("/organizations/{slug}/glance", summary="The organisation at a glance")
def glance(request: HttpRequest, slug: str) -> dict:
    # The organisation, if the caller holds this app's permission there (not only `org.view`).
    organization = get_organization_for(request.auth, slug, GlancePerm.GLANCE_VIEW)
    return selectors.glance(actor=request.auth, organization=organization)
