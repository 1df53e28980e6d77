"""Who may do what in the EMS service. Incidents carry patients' symptoms (PDPA s.26 health data, processed for
the vital interest of the patient): only the department holding the EMS duty works with them; executives see the
numbers through the city dashboard, not the incidents."""

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from muang.core.contract import Grant, Scope
from muang.core.models import Duty, Role


class EmsPerm(StrEnum):
    EMS_VIEW = "ems.view"  # the dispatch board, incidents, units, the ranking, the CSV export
    EMS_DISPATCH = "ems.dispatch"  # take a call, dispatch a unit, stamp the steps, hand-over PDF
    EMS_MANAGE = "ems.manage"  # units and crews, the road network
    # The care centre's board: wristband alerts, the wearer's photo, medical summary (an audited health read) and
    # contacts; acknowledge, close, escalate. Turning an alert into an incident also needs EMS_DISPATCH.
    ALERTS = "ems.alerts"
    ALERTS_READ = (
        "ems.alerts_read"  # the alerts and their statuses, no person's health data (the 1669 system)
    )
    WRISTBANDS = "ems.wristbands"  # give a band to a person, set their rules, the on-call list


class EmsScope(StrEnum):
    EMS_READ = "ems:read"
    EMS_WRITE = "ems:write"
    ALERTS_READ = "ems:alerts"


SCOPES = (
    Scope(EmsScope.EMS_READ, _("Read EMS incidents, units and their statuses")),
    Scope(EmsScope.EMS_WRITE, _("Create EMS incidents, dispatch units and stamp their steps")),
    Scope(EmsScope.ALERTS_READ, _("Read wristband alerts and their statuses (no medical summary)")),
)

GRANTS = (
    Grant(
        {EmsPerm.EMS_VIEW, EmsPerm.EMS_DISPATCH},
        roles={Role.OFFICER, Role.DEPARTMENT_HEAD},
        duty=Duty.EMERGENCY_MEDICAL,
    ),
    Grant({EmsPerm.EMS_MANAGE}, roles={Role.DEPARTMENT_HEAD}, duty=Duty.EMERGENCY_MEDICAL),
    # The care centre's board: the care duty (who knows the people) and the EMS duty (who answers at night).
    Grant({EmsPerm.ALERTS, EmsPerm.ALERTS_READ}, roles={Role.OFFICER, Role.DEPARTMENT_HEAD}, duty=Duty.CARE),
    Grant(
        {EmsPerm.ALERTS, EmsPerm.ALERTS_READ},
        roles={Role.OFFICER, Role.DEPARTMENT_HEAD},
        duty=Duty.EMERGENCY_MEDICAL,
    ),
    Grant({EmsPerm.WRISTBANDS}, roles={Role.OFFICER, Role.DEPARTMENT_HEAD}, duty=Duty.CARE),
    # The provincial 1669 centre's system, through the organisation's token.
    Grant({EmsPerm.EMS_VIEW}, scopes={EmsScope.EMS_READ}),
    Grant({EmsPerm.EMS_VIEW, EmsPerm.EMS_DISPATCH}, scopes={EmsScope.EMS_WRITE}),
    Grant({EmsPerm.ALERTS_READ}, scopes={EmsScope.ALERTS_READ}),
)

# Wearers' photos, medical summaries and families (PDPA s.26): not the system administrator's wholesale
# (docs/adr/0013-health-records-restricted-and-read-with-a-purpose.md), carried by no API scope.
RESTRICTED = frozenset({EmsPerm.ALERTS, EmsPerm.WRISTBANDS})
