"""/api/v1: the public catalogue (no sign-in) and the staff's applications."""

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Status

from muang.core import audit
from muang.core.access import get_organization_for
from muang.core.api import actor
from muang.core.pagination import paginated
from muang.core.thai_dates import bangkok_date
from muang.eservices import selectors, services
from muang.eservices.permissions import EservicePerm
from muang.eservices.schemas import (
    ApplicationOut,
    ChargeIn,
    ChargeOut,
    DecisionIn,
    InspectionIn,
    MissingDocumentsIn,
    ServiceOut,
    ServiceSummary,
)

router = Router(tags=["eservices"])
PUBLIC = "x-muang-public"
ORG = "/organizations/{slug}/eservices/applications"


@router.get(
    "/eservices/{slug}/services",
    response=list[ServiceSummary],
    auth=None,
    openapi_extra={PUBLIC: "the public catalogue of services (s.7 manuals): public information, no person"},
)
def public_services_list(request: HttpRequest, slug: str):
    return selectors.public_services(selectors.public_organization(slug))


@router.get(
    "/eservices/{slug}/services/{code}",
    response=ServiceOut,
    auth=None,
    openapi_extra={PUBLIC: "one service's public manual (s.7): public information, no person"},
)
def public_service_get(request: HttpRequest, slug: str, code: str):
    return selectors.get_public_service(selectors.public_organization(slug), code)


def _application(request: HttpRequest, slug: str, reference: str, perm: str):
    organization = get_organization_for(actor(request), slug, perm)
    return selectors.get_application_for(actor=actor(request), organization=organization, reference=reference)


@router.get(ORG, response=list[ApplicationOut])
@paginated()
def applications_list(request: HttpRequest, slug: str, status: str = "", overdue: bool = False):
    """The applications, earliest due first; `overdue=true`: only those undecided past the manual's time."""
    organization = get_organization_for(actor(request), slug, EservicePerm.APPLICATION_VIEW)
    return selectors.applications_of(
        actor=actor(request),
        organization=organization,
        status=status,
        overdue_on=bangkok_date(timezone.now()) if overdue else None,
    ).prefetch_related("uploads")


@router.get(ORG + "/{reference}", response=ApplicationOut)
def applications_get(request: HttpRequest, slug: str, reference: str):
    application = _application(request, slug, reference, EservicePerm.APPLICATION_VIEW)
    audit.record_read(  # the applicant's personal data, read by staff or an integration
        actor=actor(request),
        organization=application.organization,
        instance=application,
        purpose="reading the application through the API",
        what="applicant and documents",
    )
    return application


@router.post(ORG + "/{reference}/missing-documents", response=ApplicationOut)
def applications_request_documents(
    request: HttpRequest, slug: str, reference: str, payload: MissingDocumentsIn
):
    application = _application(request, slug, reference, EservicePerm.APPLICATION_PROCESS)
    return services.application_request_documents(
        actor=actor(request), application=application, codes=payload.codes, note=payload.note
    )


@router.post(ORG + "/{reference}/inspection", response=ApplicationOut)
def applications_schedule_inspection(request: HttpRequest, slug: str, reference: str, payload: InspectionIn):
    application = _application(request, slug, reference, EservicePerm.APPLICATION_PROCESS)
    return services.application_schedule_inspection(
        actor=actor(request), application=application, at=payload.at
    )


@router.post(ORG + "/{reference}/decision", response=ApplicationOut)
def applications_decide(request: HttpRequest, slug: str, reference: str, payload: DecisionIn):
    application = _application(request, slug, reference, EservicePerm.APPLICATION_DECIDE)
    return services.application_decide(
        actor=actor(request), application=application, approve=payload.approve, reasons=payload.reasons
    )


CHARGES = "/organizations/{slug}/eservices/charges"


@router.get(CHARGES, response=list[ChargeOut])
@paginated()
def charges_list(request: HttpRequest, slug: str):
    organization = get_organization_for(actor(request), slug, EservicePerm.CHARGE_VIEW)
    return selectors.charges_of(actor=actor(request), organization=organization)


@router.post(CHARGES, response={201: ChargeOut})
def charges_create(request: HttpRequest, slug: str, payload: ChargeIn):
    organization = get_organization_for(actor(request), slug, EservicePerm.CHARGE_CREATE)
    return Status(
        201, services.misc_charge_create(actor=actor(request), organization=organization, **payload.dict())
    )
