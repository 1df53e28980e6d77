"""Who may do what with the city's numbers. Indicators and snapshots are aggregates (never a person), so every
staff role reads them; entering a figure by hand belongs to officers and heads, approving it to someone else
(a head or an executive), targets, recomputing a past month and publishing the dashboard to the executives;
the list of the organisation's schools to the department that holds the education duty.

District and province offices read their local governments' snapshots through core's `rollup.view` on their
own organisation's roll-up page: nothing personal reaches them."""

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from muang.core.contract import Grant, Scope
from muang.core.models import Duty, Role


class KpiPerm(StrEnum):
    KPI_VIEW = "kpi.view"  # the dashboards, indicators, targets, snapshots (aggregates only)
    KPI_ENTER = "kpi.enter"  # enter a figure by hand with evidence, import a CSV
    KPI_APPROVE = "kpi.approve"  # approve or reject a hand-entered figure (not one's own)
    KPI_MANAGE = "kpi.manage"  # targets, recompute a past month, publish the dashboard
    KPI_SCHOOLS = "kpi.schools"  # the organisation's list of schools: add one, end or restore it


class KpiScope(StrEnum):
    KPI_READ = "kpi:read"
    KPI_WRITE = "kpi:write"


SCOPES = (
    Scope(KpiScope.KPI_READ, _("Read the indicators, targets, values and monthly snapshots")),
    Scope(KpiScope.KPI_WRITE, _("Set the indicators' yearly targets")),
)

GRANTS = (
    Grant(
        {KpiPerm.KPI_VIEW},
        roles={Role.OFFICER, Role.DEPARTMENT_HEAD, Role.EXECUTIVE},
        scopes={KpiScope.KPI_READ, KpiScope.KPI_WRITE},
    ),
    Grant({KpiPerm.KPI_ENTER}, roles={Role.OFFICER, Role.DEPARTMENT_HEAD}),
    Grant({KpiPerm.KPI_APPROVE}, roles={Role.DEPARTMENT_HEAD, Role.EXECUTIVE}),
    Grant({KpiPerm.KPI_MANAGE}, roles={Role.EXECUTIVE}, scopes={KpiScope.KPI_WRITE}),
    # The education division keeps the list of its schools (the system administrator too, in the admin).
    Grant({KpiPerm.KPI_SCHOOLS}, roles={Role.OFFICER, Role.DEPARTMENT_HEAD}, duty=Duty.EDUCATION),
)
