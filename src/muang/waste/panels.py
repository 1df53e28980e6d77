"""The waste app's panel on a case page: the route and crew a missed-collection report was handed to."""

from django.utils.translation import gettext as _

from muang.cases.desk import CasePanel
from muang.cases.models import Case
from muang.core.access import Actor
from muang.waste.models import MissedCollection

WEEKDAYS = ("จ.", "อ.", "พ.", "พฤ.", "ศ.", "ส.", "อา.")


def missed_panel(*, actor: Actor, case: Case) -> CasePanel | None:
    missed = (
        MissedCollection.objects.filter(organization_id=case.organization_id, case_id=case.pk)
        .select_related("route__crew", "stop")
        .first()
    )
    if missed is None:
        return None
    return CasePanel(
        key="waste-route",
        title=_("Collection route"),
        template="waste/_case_panel.html",
        context={
            "route": missed.route.name,
            "code": missed.route.code,
            "crew": missed.route.crew.name_th,
            "stop": missed.stop.name if missed.stop else "",
            "distance_m": missed.distance_m,
            "days": " ".join(WEEKDAYS[d] for d in missed.route.weekdays),
        },
        order=20,
    )
