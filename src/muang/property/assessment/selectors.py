"""Reads of assessment runs and their results. Every read checks `property.view` in the organisation."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from muang.core.access import Actor, require
from muang.core.errors import NotFound
from muang.core.models import Organization
from muang.property.models import Assessment, AssessmentRun
from muang.property.permissions import PropertyPerm


def assessment_runs_of(*, actor: Actor, organization: Organization, year: int | None = None) -> QuerySet:
    require(actor, organization, PropertyPerm.PROPERTY_VIEW)
    qs = AssessmentRun.objects.filter(organization=organization)
    if year is not None:
        qs = qs.filter(year=year)
    return qs.order_by("-created_at", "-id")


def get_assessment_run_for(*, actor: Actor, organization: Organization, run_id: int) -> AssessmentRun:
    run = assessment_runs_of(actor=actor, organization=organization).filter(pk=run_id).first()
    if run is None:
        raise NotFound(_("No assessment run %(id)s in %(org)s.") % {"id": run_id, "org": organization})
    return run


def current_run(*, organization: Organization, year: int) -> AssessmentRun | None:
    """The run whose results are in force for the year: the latest finished one."""
    return (
        AssessmentRun.objects.filter(organization=organization, year=year, status=AssessmentRun.Status.DONE)
        .order_by("-finished_at", "-id")
        .first()
    )


def assessments_of(
    *, actor: Actor, organization: Organization, year: int, min_tax=None
) -> QuerySet[Assessment]:
    """The year's assessments in force (of the current run), without the sheets, by owner."""
    require(actor, organization, PropertyPerm.PROPERTY_VIEW)
    run = current_run(organization=organization, year=year)
    if run is None:
        return Assessment.objects.none()
    qs = Assessment.objects.filter(organization=organization, run=run).select_related("owner").defer("sheet")
    if min_tax is not None:
        qs = qs.filter(total_tax__gte=min_tax)
    return qs.order_by("owner_id")


def get_assessment_for(*, actor: Actor, organization: Organization, year: int, owner_id: int) -> Assessment:
    """One taxpayer's assessment in force for the year, with the calculation sheet."""
    require(actor, organization, PropertyPerm.PROPERTY_VIEW)
    run = current_run(organization=organization, year=year)
    assessment = (
        None
        if run is None
        else Assessment.objects.filter(organization=organization, run=run, owner_id=owner_id)
        .select_related("owner")
        .first()
    )
    if assessment is None:
        raise NotFound(
            _("No assessment of owner %(o)s for %(y)s in %(org)s.")
            % {"o": owner_id, "y": year, "org": organization}
        )
    return assessment
