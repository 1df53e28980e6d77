"""What lighting shows on the case desk's case page (`AppContract.case_panels`): for the repair case of a pole's
or a circuit's fault, the poles concerned with their state and a link to each card. Prepared data; the case
page already decided who may read the case."""

from django.db.models import Q
from django.utils.translation import gettext as _

from muang.cases.desk import CasePanel
from muang.cases.models import Case
from muang.core.access import Actor
from muang.lighting.models import Fault, FaultKind

MAX_POLES = 50


def fault_panel(*, actor: Actor, case: Case) -> CasePanel | None:
    faults = list(
        Fault.objects.filter(organization_id=case.organization_id)
        .filter(Q(case_id=case.pk) | Q(parent__case_id=case.pk))
        .select_related("pole__state", "circuit")
        .order_by("pk")[: MAX_POLES + 1]
    )
    if not faults:
        return None
    rows = []
    for f in faults:
        state = getattr(f.pole, "state", None) if f.pole_id else None
        rows.append(
            {
                "pole_id": f.pole_id,
                "subject": f.pole.code if f.pole_id else _("Circuit %(code)s") % {"code": f.circuit.code},
                "fault": FaultKind(f.kind).label,
                "cleared": f.cleared_at is not None,
                "started_at": f.started_at,
                "power_state": state.power_state if state else "",
                "power": state.power_consumption if state else None,
            }
        )
    return CasePanel(
        key="lighting-fault",
        title=_("Street lighting"),
        template="lighting/_case_panel.html",
        context={"rows": rows[:MAX_POLES], "more": len(rows) > MAX_POLES},
        order=15,
    )
