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


class EmsScope(StrEnum):
    EMS_READ = "ems:read"
    EMS_WRITE = "ems:write"


SCOPES = (
    Scope(EmsScope.EMS_READ, _("Read EMS incidents, units and their statuses")),
    Scope(EmsScope.EMS_WRITE, _("Create EMS incidents, dispatch units and stamp their steps")),
)

GRANTS = (
    Grant(
        {EmsPerm.EMS_VIEW, EmsPerm.EMS_DISPATCH},
        roles={Role.OFFICER, Role.DEPARTMENT_HEAD},
        duty=Duty.EMERGENCY_MEDICAL,
    ),
    Grant({EmsPerm.EMS_MANAGE}, roles={Role.DEPARTMENT_HEAD}, duty=Duty.EMERGENCY_MEDICAL),
    # The provincial 1669 centre's system, through the organisation's token.
    Grant({EmsPerm.EMS_VIEW}, scopes={EmsScope.EMS_READ}),
    Grant({EmsPerm.EMS_VIEW, EmsPerm.EMS_DISPATCH}, scopes={EmsScope.EMS_WRITE}),
)
