"""Reads of the one-stop counter: the public catalogue, the staff's applications, the applicant's own
application by its link, and licences by their verification code."""

import datetime as dt

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from muang.core.access import Actor, CitizenActor, require
from muang.core.errors import NotFound
from muang.core.models import LOCAL_GOVERNMENT_KINDS, Organization
from muang.eservices.models import OPEN_STATUSES, Application, ApplicationStatus, Licence, MiscCharge, Service
from muang.eservices.permissions import ApplicantPerm, ApplicantScope, EservicePerm


def public_organization(slug: str) -> Organization:
    organization = Organization.objects.filter(
        slug=slug, is_active=True, kind__in=LOCAL_GOVERNMENT_KINDS
    ).first()
    if organization is None:
        raise NotFound(_("No organisation “%(slug)s”.") % {"slug": slug})
    return organization


def organizations_with_services() -> list[Organization]:
    ids = Service.objects.filter(published=True).values("organization_id")
    return list(
        Organization.objects.filter(pk__in=ids, is_active=True, kind__in=LOCAL_GOVERNMENT_KINDS).order_by(
            "name_th"
        )
    )


def public_services(organization: Organization) -> QuerySet[Service]:
    return Service.objects.filter(organization=organization, published=True).order_by("name")


def get_public_service(organization: Organization, code: str) -> Service:
    service = public_services(organization).filter(code=code).first()
    if service is None:
        raise NotFound(_("No service “%(code)s”.") % {"code": code})
    return service


def applications_of(
    *, actor: Actor, organization: Organization, status: str = "", overdue_on: dt.date | None = None
) -> QuerySet[Application]:
    """The organisation's applications, the earliest due first; `overdue_on`: only those still undecided after
    their manual's time limit on that day (the limit's last day itself is not late)."""
    require(actor, organization, EservicePerm.APPLICATION_VIEW)
    rows = Application.objects.filter(organization=organization).select_related("service")
    if status:
        if status not in ApplicationStatus.values:
            from muang.core.errors import InvalidInput

            raise InvalidInput.for_field("status", _("Not a status of an application."))
        rows = rows.filter(status=status)
    if overdue_on is not None:
        rows = rows.filter(status__in=OPEN_STATUSES, due_on__lt=overdue_on)
    return rows.order_by("due_on", "pk")


def days_late(application: Application, today: dt.date) -> int:
    """Calendar days past the decision's time limit (0 when decided or not late), as s.10 counts its notices."""
    if application.status not in OPEN_STATUSES:
        return 0
    return max((today - application.due_on).days, 0)


def get_application_for(*, actor: Actor, organization: Organization, reference: str) -> Application:
    application = applications_of(actor=actor, organization=organization).filter(reference=reference).first()
    if application is None:
        raise NotFound(_("No application %(ref)s.") % {"ref": reference})
    return application


def own_applications(*, actor: Actor, organization: Organization) -> QuerySet[Application]:
    """The signed-in applicant's applications: those filed with the mobile number they proved (ADR 0010: the
    scope of their grant, never a number from the request)."""
    scopes = (
        actor.scopes_for(organization, ApplicantPerm.APPLICATION_OWN, ApplicantScope)
        if isinstance(actor, CitizenActor)
        else []
    )
    phones = [s.phone for s in scopes]
    return (
        Application.objects.filter(organization=organization, applicant_phone__in=phones)
        .select_related("service", "organization")
        .order_by("-submitted_at", "-pk")
    )


def get_own_application(*, actor: Actor, organization: Organization, reference: str) -> Application:
    """One of the applicant's own applications; anyone else's (or another organisation's) is not found."""
    application = (
        own_applications(actor=actor, organization=organization).filter(reference=reference[:20]).first()
    )
    if application is None:
        raise NotFound(_("No such application."))
    return application


def licence_by_code(code: str) -> Licence:
    licence = (
        Licence.objects.filter(verify_code=code)
        .select_related("organization", "application__service")
        .first()
        if len(code) <= 32
        else None
    )
    if licence is None:
        raise NotFound(_("No licence with this code."))
    return licence


def uploaded_codes(application: Application) -> set[str]:
    return set(application.uploads.values_list("code", flat=True))


def charges_of(*, actor: Actor, organization: Organization) -> QuerySet[MiscCharge]:
    require(actor, organization, EservicePerm.CHARGE_VIEW)
    return MiscCharge.objects.filter(organization=organization).order_by("-charged_on", "-pk")
