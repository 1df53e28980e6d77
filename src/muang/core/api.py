"""Core endpoints: areas, the caller, organisations, departments, staff, audit log, oversight, tokens."""

from django.http import HttpRequest
from ninja import Query, Router, Status

from muang.core import selectors, services
from muang.core.access import Actor, get_organization_for, visible_organizations
from muang.core.errors import AccessDenied
from muang.core.pagination import paginated
from muang.core.permissions import CorePerm
from muang.core.schemas import (
    AreaOut,
    AuditEntryOut,
    DepartmentIn,
    DepartmentOut,
    DepartmentPatch,
    Instant,
    MeOut,
    OrganizationOut,
    OrganizationPatch,
    OrganizationSummaryOut,
    RollupOut,
    StaffOut,
    TokenCreatedOut,
    TokenIn,
    TokenOut,
)

router = Router()
PUBLIC = "x-muang-public"


def actor(request: HttpRequest) -> Actor:
    """Who calls an API operation: the Actor the authentication put on the request (a staff session, an
    organisation's token or a citizen principal). Every router reads it through here."""
    return request.auth


# --- reference data -------------------------------------------------------------------------------------------
@router.get(
    "/areas",
    response=list[AreaOut],
    auth=None,
    tags=["areas"],
    openapi_extra={PUBLIC: "DOPA reference data, the same for everyone"},
)
def areas_search(
    request: HttpRequest,
    q: str = Query("", max_length=100, description="Thai or English name, or a DOPA code"),
    code: str = Query("", max_length=6, description="DOPA code prefix: 2, 4 or 6 digits"),
    level: str | None = Query(None, pattern="^(province|district|subdistrict)$"),
    limit: int = Query(20, ge=1, le=100),
):
    """Search provinces, districts and subdistricts by name or DOPA code."""
    return selectors.area_search(q=q, code=code, level=level, limit=limit)


@router.get(
    "/areas/{code}",
    response=AreaOut,
    auth=None,
    tags=["areas"],
    openapi_extra={PUBLIC: "DOPA reference data"},
)
def areas_get(request: HttpRequest, code: str):
    return selectors.area_get(code)


# --- the caller -----------------------------------------------------------------------------------------------
@router.get("/me", response=MeOut, tags=["me"])
def me(request: HttpRequest):
    a = actor(request)
    if a.token is not None:
        return MeOut(kind="token", token_organization=a.token.organization.slug, scopes=a.token.scopes)
    return MeOut(
        kind="staff",
        username=a.user.username,
        display_name=a.user.display_name,
        memberships=list(a.memberships.values()),
    )


# --- organisations ----------------------------------------------------------------------------------------------
@router.get("/organizations", response=list[OrganizationSummaryOut], tags=["organizations"])
@paginated()
def organizations_list(request: HttpRequest):
    """Organisations the caller belongs to or oversees."""
    return visible_organizations(actor(request)).order_by("slug")


@router.get("/organizations/{slug}", response=OrganizationOut, tags=["organizations"])
def organizations_get(request: HttpRequest, slug: str):
    return get_organization_for(actor(request), slug)


@router.patch("/organizations/{slug}", response=OrganizationOut, tags=["organizations"])
def organizations_update(request: HttpRequest, slug: str, payload: OrganizationPatch):
    a = actor(request)
    organization = get_organization_for(a, slug, CorePerm.ORG_EDIT)
    return services.organization_update(actor=a, organization=organization, data=payload.to_changes())


@router.get("/organizations/{slug}/departments", response=list[DepartmentOut], tags=["departments"])
def departments_list(request: HttpRequest, slug: str):
    a = actor(request)
    return selectors.departments_of(actor=a, organization=get_organization_for(a, slug))


@router.post("/organizations/{slug}/departments", response={201: DepartmentOut}, tags=["departments"])
def departments_create(request: HttpRequest, slug: str, payload: DepartmentIn):
    a = actor(request)
    organization = get_organization_for(a, slug, CorePerm.DEPARTMENT_EDIT)
    return Status(201, services.department_create(actor=a, organization=organization, **payload.dict()))


@router.patch("/organizations/{slug}/departments/{code}", response=DepartmentOut, tags=["departments"])
def departments_update(request: HttpRequest, slug: str, code: str, payload: DepartmentPatch):
    a = actor(request)
    organization = get_organization_for(a, slug, CorePerm.DEPARTMENT_EDIT)
    department = selectors.get_department_for(actor=a, organization=organization, code=code)
    return services.department_update(actor=a, department=department, data=payload.dict(exclude_unset=True))


@router.get("/organizations/{slug}/staff", response=list[StaffOut], tags=["staff"])
@paginated()
def staff_list(request: HttpRequest, slug: str, department: str | None = None):
    a = actor(request)
    organization = get_organization_for(a, slug, CorePerm.STAFF_VIEW)
    dep = (
        selectors.get_department_for(actor=a, organization=organization, code=department)
        if department
        else None
    )
    return selectors.staff_of(actor=a, organization=organization, department=dep)


@router.get("/organizations/{slug}/audit", response=list[AuditEntryOut], tags=["audit"])
@paginated()
def audit_list(
    request: HttpRequest,
    slug: str,
    action: str | None = Query(None, pattern="^(create|update|delete|revoke)$"),
    object_type: str | None = Query(None, max_length=100),
    object_id: str | None = Query(None, max_length=64),
    actor_label: str | None = Query(None, alias="actor", max_length=200),
    since: Instant | None = None,
    until: Instant | None = None,
):
    """The organisation's audit log, newest first, filtered."""
    a = actor(request)
    organization = get_organization_for(a, slug, CorePerm.AUDIT_VIEW)
    return selectors.audit_entries(
        actor=a,
        organization=organization,
        action=action,
        object_type=object_type,
        object_id=object_id,
        actor_label=actor_label,
        since=since,
        until=until,
    )


@router.get("/organizations/{slug}/oversight", response=list[RollupOut], tags=["oversight"])
def oversight_rollup(request: HttpRequest, slug: str):
    """For a district or province office: aggregate figures of the local governments it oversees."""
    a = actor(request)
    overseer = get_organization_for(a, slug, CorePerm.ROLLUP_VIEW)
    if not overseer.is_overseer:
        raise AccessDenied(f"{overseer} is not a district or province office.")
    return selectors.oversight_rollup(actor=a, overseer=overseer)


# --- API tokens (managed by a signed-in system administrator) ---------------------------------------------------
@router.get("/organizations/{slug}/tokens", response=list[TokenOut], tags=["tokens"])
def tokens_list(request: HttpRequest, slug: str):
    a = actor(request)
    return selectors.api_tokens_of(actor=a, organization=get_organization_for(a, slug, CorePerm.TOKEN_MANAGE))


@router.post("/organizations/{slug}/tokens", response={201: TokenCreatedOut}, tags=["tokens"])
def tokens_create(request: HttpRequest, slug: str, payload: TokenIn):
    a = actor(request)
    organization = get_organization_for(a, slug, CorePerm.TOKEN_MANAGE)
    token, secret = services.api_token_create(
        actor=a,
        organization=organization,
        name=payload.name,
        scopes=list(payload.scopes),
        expires_at=payload.expires_at,
    )
    token.secret = secret
    return Status(201, token)


@router.delete("/organizations/{slug}/tokens/{token_id}", response=TokenOut, tags=["tokens"])
def tokens_revoke(request: HttpRequest, slug: str, token_id: int):
    a = actor(request)
    organization = get_organization_for(a, slug, CorePerm.TOKEN_MANAGE)
    token = selectors.get_api_token_for(actor=a, organization=organization, token_id=token_id)
    return services.api_token_revoke(actor=a, token=token)
