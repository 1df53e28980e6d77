"""Who may do what with the one-stop counter's applications.

The catalogue (the manuals of s.7 of the Licensing Facilitation Act B.E. 2558) is public. Applications hold
personal data: officers and heads of any department read and work them (each service names its responsible
department in its manual; the counter is shared), heads and executives decide. An applicant online is a citizen
principal holding `ApplicationScope` on their own application only."""

from dataclasses import dataclass
from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from muang.core.contract import Grant, Scope
from muang.core.models import Duty, Role


class EservicePerm(StrEnum):
    APPLICATION_VIEW = "eservice.application.view"  # the applications, their documents and licences
    APPLICATION_PROCESS = "eservice.application.process"  # counter intake, missing documents, inspection
    APPLICATION_DECIDE = "eservice.application.decide"  # approve or refuse, with reasons
    CHARGE_VIEW = "eservice.charge.view"  # miscellaneous charges (market stalls, rentals, copies)
    CHARGE_CREATE = "eservice.charge.create"  # bill a miscellaneous charge


class ApplicantPerm(StrEnum):
    """Citizen grants (never given to a role): the applicant on their own application."""

    APPLICATION_OWN = "eservice.application.own"  # read it, upload the documents asked for


class EserviceScope(StrEnum):
    APPLICATIONS_READ = "eservices:read"


@dataclass(frozen=True)
class ApplicationScope:
    """A grant over one application of the principal's organisation: the applicant's own."""

    application_id: int


SCOPES = (Scope(EserviceScope.APPLICATIONS_READ, _("Read the e-service applications and licences")),)

# The departments that own the seeded services: the one-stop counter (general administration), engineering
# (building permits), public health (health licences, food premises, waste) and social welfare (elderly
# allowance). Their officers and heads take and work applications; their heads and the executives decide.
SERVICE_DUTIES = (Duty.ADMINISTRATION, Duty.ENGINEERING, Duty.PUBLIC_HEALTH, Duty.SOCIAL_WELFARE)

GRANTS = (
    *(
        Grant(
            {EservicePerm.APPLICATION_VIEW, EservicePerm.APPLICATION_PROCESS},
            roles={Role.OFFICER, Role.DEPARTMENT_HEAD},
            duty=duty,
        )
        for duty in SERVICE_DUTIES
    ),
    *(
        Grant({EservicePerm.APPLICATION_DECIDE}, roles={Role.DEPARTMENT_HEAD}, duty=duty)
        for duty in SERVICE_DUTIES
    ),
    Grant({EservicePerm.APPLICATION_VIEW, EservicePerm.APPLICATION_DECIDE}, roles={Role.EXECUTIVE}),
    Grant({EservicePerm.APPLICATION_VIEW}, scopes={EserviceScope.APPLICATIONS_READ}),
    # Miscellaneous fees are the finance department's (กองคลัง), like every other bill.
    Grant(
        {EservicePerm.CHARGE_VIEW, EservicePerm.CHARGE_CREATE},
        roles={Role.OFFICER, Role.DEPARTMENT_HEAD},
        duty=Duty.FINANCE,
    ),
    Grant({EservicePerm.CHARGE_VIEW}, scopes={EserviceScope.APPLICATIONS_READ}),
)
