from muang.cases.desk import CasePanel, Suggestion
from muang.cases.models import CaseCategory


def pole_panel(*, actor, case) -> CasePanel | None:
    if case.category.code != "streetlight":
        return None  # nothing to say about other cases
    return CasePanel(
        key="pole",
        title="เสาไฟฟ้า",
        template="panelapp/_pole.html",
        context={"pole": "L-042", "lamp_hours": 10412, "case": case.tracking_code},
        order=50,
    )


def always_road(*, organization, text) -> Suggestion | None:
    road = CaseCategory.objects.filter(organization=organization, code="road").first()
    return Suggestion(category=road, confidence=0.99, source="panelapp") if road else None
