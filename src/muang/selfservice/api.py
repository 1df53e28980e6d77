"""Staff endpoints for what taxpayers file online: change-of-use notices (ภ.ด.ส.5) and their decision."""

from django.http import HttpRequest
from ninja import Query, Router

from muang.core.access import get_organization_for
from muang.core.api import actor
from muang.core.pagination import paginated
from muang.selfservice import selectors
from muang.selfservice.schemas import UseChangeDecisionIn, UseChangeNoticeOut
from muang.selfservice.services.filings import use_change_decide

router = Router(tags=["self-service"])


@router.get("/organizations/{slug}/use-change-notices", response=list[UseChangeNoticeOut])
@paginated()
def use_change_notices_list(
    request: HttpRequest,
    slug: str,
    status: str | None = Query(None, pattern="^(received|accepted|rejected)$"),
):
    """Change-of-use notices (ภ.ด.ส.5) taxpayers filed online, newest first."""
    a = actor(request)
    organization = get_organization_for(a, slug)
    return selectors.use_change_notices_for(actor=a, organization=organization, status=status)


@router.get("/organizations/{slug}/use-change-notices/{reference}", response=UseChangeNoticeOut)
def use_change_notice_get(request: HttpRequest, slug: str, reference: str):
    a = actor(request)
    organization = get_organization_for(a, slug)
    return selectors.get_use_change_notice_for(actor=a, organization=organization, reference=reference)


@router.post("/organizations/{slug}/use-change-notices/{reference}/decision", response=UseChangeNoticeOut)
def use_change_notice_decide(request: HttpRequest, slug: str, reference: str, payload: UseChangeDecisionIn):
    """Accept or reject a notice (rejecting needs a note for the taxpayer). Correct the registry itself with
    the property endpoints."""
    a = actor(request)
    organization = get_organization_for(a, slug)
    notice = selectors.get_use_change_notice_for(actor=a, organization=organization, reference=reference)
    return use_change_decide(actor=a, notice=notice, status=payload.status, note=payload.note)
