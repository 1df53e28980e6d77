"""Who may do what with the one-stop counter's applications.

The catalogue (the manuals of s.7 of the Licensing Facilitation Act B.E. 2558) is public. Applications hold
personal data: officers and heads of any department read and work them (each service names its responsible
department in its manual; the counter is shared); their heads decide, and issue the fee's bill (billing's
`bill.issue`, held through these duty grants); executives read. An applicant online is a citizen principal
holding `ApplicantScope` over their own applications only (by the mobile number they proved)."""

from dataclasses import dataclass
from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from muang.billing.permissions import BillingPerm
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
class ApplicantScope:
    """A grant over the applications of the principal's organisation filed with one mobile number: the
    number the signed-in applicant proved with a one-time code (`muang.eservices.signin`)."""

    phone: str


SCOPES = (Scope(EserviceScope.APPLICATIONS_READ, _("Read the e-service applications and licences")),)

# The departments that own the seeded services: the one-stop counter (general administration), engineering
# (building permits), public health (health licences, food premises, waste) and social welfare (elderly
# allowance). Their officers and heads take and work applications; their heads decide.
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
    # The head decides; approving a service with a fee issues its bill through billing's shared sync, so the
    # head also holds billing's `bill.issue` (the finance head holds it for waste fees and taxes the same way).
    *(
        Grant(
            {EservicePerm.APPLICATION_DECIDE, BillingPerm.BILL_ISSUE}, roles={Role.DEPARTMENT_HEAD}, duty=duty
        )
        for duty in SERVICE_DUTIES
    ),
    # Executives oversee: they read the applications; the decisions are the heads' under the duty grants.
    Grant({EservicePerm.APPLICATION_VIEW}, roles={Role.EXECUTIVE}),
    Grant({EservicePerm.APPLICATION_VIEW}, scopes={EserviceScope.APPLICATIONS_READ}),
    # Miscellaneous fees are the finance department's (กองคลัง), like every other bill.
    Grant(
        {EservicePerm.CHARGE_VIEW, EservicePerm.CHARGE_CREATE},
        roles={Role.OFFICER, Role.DEPARTMENT_HEAD},
        duty=Duty.FINANCE,
    ),
    Grant({EservicePerm.CHARGE_VIEW}, scopes={EserviceScope.APPLICATIONS_READ}),
)
