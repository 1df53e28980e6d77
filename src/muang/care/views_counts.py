"""What the district and province offices (and a city's executives) see of the care register: counts per ADL
group and programme, the dependent with a care plan, and this month's visits done against planned. Numbers,
never a person: each organisation's counts go through `care.counts`, which the oversight grant carries."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from muang.care import kpis, selectors
from muang.care.models import Group, Programme
from muang.care.permissions import CarePerm
from muang.core.access import overseen_organizations
from muang.core.errors import AccessDenied
from muang.core.permissions import CorePerm
from muang.core.thai_dates import bangkok_date
from muang.core.views.pages import holds, staff_page


@staff_page(holds(CorePerm.ROLLUP_VIEW))
@require_GET
def care_counts(request: HttpRequest, actor, membership) -> HttpResponse:
    org = membership.organization
    today = bangkok_date(timezone.now())
    first = today.replace(day=1)
    organizations = overseen_organizations(org).order_by("name_th") if org.is_overseer else [org]
    rows = []
    for organization in organizations:
        if not actor.has_perm(organization, CarePerm.CARE_COUNTS):
            continue
        try:
            counts = selectors.counts(actor=actor, organization=organization, today=today)
        except AccessDenied:
            continue
        rows.append(
            {
                "organization": organization,
                "counts": counts,
                "groups": [counts.by_group[g] for g in Group.values],
                "programmes": [counts.by_programme[p] for p in Programme.values],
                "visits": kpis.visits_done_against_planned(organization=organization, start=first, end=today),
            }
        )
    return render(
        request,
        "care/counts.html",
        {
            "rows": rows,
            "groups": [label for _v, label in Group.choices],
            "programmes": [label for _v, label in Programme.choices],
            "today": today,
        },
    )
