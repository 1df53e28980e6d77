"""What reports shows on the case desk's case page (`AppContract.case_panels`, see `muang.cases.desk`): the
answers the citizen gave to the category's questions, and the public tracking page of the case."""

from django.urls import reverse

from muang.cases.desk import CasePanel
from muang.cases.models import Case
from muang.core.access import Actor

from .questions import answers_for_display


def intake_panel(*, actor: Actor, case: Case) -> CasePanel:
    return CasePanel(
        key="intake",
        title="",  # part of the case's facts, under what the citizen wrote
        template="reports/_case_panel.html",
        context={
            "answers": answers_for_display(case.category, case.attributes),
            "public_url": reverse("reports:track", args=[case.tracking_code]),
        },
        order=10,
    )
