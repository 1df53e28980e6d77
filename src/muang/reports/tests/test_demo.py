"""The demo reports: in every status, inside their organisations, loaded once."""

import pytest
from django.core.management import call_command

from muang.cases.models import Case
from muang.reports.models import CategoryQuestion

pytestmark = pytest.mark.django_db


def test_demo_reports_cover_every_status_and_load_once(areas, settings):
    settings.MUANG_DEMO_REPORTS = 150
    call_command("load_demo", verbosity=0)
    cases = list(Case.objects.select_related("organization", "status", "category"))
    assert len(cases) == 150
    statuses = {c.status.code for c in cases}
    assert statuses >= {"received", "assigned", "in_progress", "resolved", "closed", "duplicate"}
    assert all(c.organization.boundary.contains(c.location) for c in cases)
    assert any(c.rating for c in cases)
    assert all(c.category.default_department_id == c.department_id for c in cases)
    # Extra questions are configured, and demo reports of those categories carry valid answers.
    lights = [c for c in cases if c.category.code == "streetlight"]
    assert lights and all(c.attributes.get("since") in {"tonight", "days", "weeks"} for c in lights)
    assert CategoryQuestion.objects.filter(category__code="noise", required=True).exists()
    call_command("load_demo", verbosity=0)
    assert Case.objects.count() == 150
