"""Who may do what with waste fees and collection. The fee register, the rates and the routes belong to the
department holding the public-health duty (กองสาธารณสุขและสิ่งแวดล้อม): its officers and head keep them and its
crews work the routes. Billing and arrears are the finance department's (กองคลัง): its head runs the monthly
bills (billing's `bill.issue` is needed too), its officers and head read the arrears and send reminders.
Executives read everything."""

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from muang.core.contract import Grant, Scope
from muang.core.models import Duty, Role


class WastePerm(StrEnum):
    WASTE_VIEW = "waste.view"  # accounts, rate schedules, routes and stops
    WASTE_MANAGE = "waste.manage"  # add accounts, rate schedules, routes and stops
    WASTE_CREW = "waste.crew"  # today's route on a phone, record a trip
    WASTE_BILL = "waste.bill"  # the billing run
    WASTE_ARREARS = "waste.arrears"  # the arrears list, reminders


class WasteScope(StrEnum):
    WASTE_READ = "waste:read"


SCOPES = (Scope(WasteScope.WASTE_READ, _("Read the waste-fee accounts, rates and collection routes")),)

GRANTS = (
    Grant({WastePerm.WASTE_VIEW, WastePerm.WASTE_ARREARS}, roles={Role.EXECUTIVE}),
    Grant(
        {WastePerm.WASTE_VIEW, WastePerm.WASTE_MANAGE, WastePerm.WASTE_CREW},
        roles={Role.OFFICER, Role.DEPARTMENT_HEAD},
        duty=Duty.PUBLIC_HEALTH,
    ),
    Grant(
        {WastePerm.WASTE_VIEW, WastePerm.WASTE_ARREARS},
        roles={Role.OFFICER, Role.DEPARTMENT_HEAD},
        duty=Duty.FINANCE,
    ),
    Grant({WastePerm.WASTE_BILL}, roles={Role.DEPARTMENT_HEAD}, duty=Duty.FINANCE),
    Grant({WastePerm.WASTE_VIEW}, scopes={WasteScope.WASTE_READ}),
)
