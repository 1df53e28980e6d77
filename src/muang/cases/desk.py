"""The case desk's two registries, which other apps fill through their contract (`muang.core.contract`):

- **category suggesters** (`AppContract.category_suggesters`): dotted paths to
  `f(*, organization, text) -> Suggestion | None`, a category of `organization` for a case's text with a
  confidence (reports registers its Thai classifier). The desk shows the most confident one.
- **case panels** (`AppContract.case_panels`): dotted paths to `f(*, actor, case) -> CasePanel | None`, an
  app's own facts about a case shown on the case page (reports: what the citizen answered and their public
  page; later the pole and its telemetry, the person and their care plan). A panel is prepared data and a
  template: the template never queries, and a panel that has nothing to say returns None.

- **case joiners** (`AppContract.case_joiners`): dotted paths to `f(*, organization, category, point) -> Case |
  None`, the open case a citizen's new report at `point` belongs to (lighting: a pole whose controller already
  reported the fault). `case_submit` files the report joined to it (`joined_case`).

The desk asks the registries and never imports the apps that fill them: cases sits under them.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.module_loading import import_string

from muang.core import registry
from muang.core.access import Actor
from muang.core.models import Organization

from .models import Case, CaseCategory


@dataclass(frozen=True)
class Suggestion:
    category: CaseCategory
    confidence: float  # 0 to 1
    source: str  # for staff: where it comes from ("from keywords"), already translated


@dataclass(frozen=True)
class CasePanel:
    key: str  # the panel's id on the page: panel-<key>
    title: str
    template: str  # rendered with `panel` = `context`
    context: Mapping[str, Any] = field(default_factory=dict)
    order: int = 100


def suggest_category(*, organization: Organization, text: str) -> Suggestion | None:
    """The most confident suggestion of the registered suggesters (a category of `organization`), or None."""
    best: Suggestion | None = None
    for path in registry.collected("category_suggesters"):
        found = import_string(path)(organization=organization, text=text)
        if found is None or found.category.organization_id != organization.pk:
            continue
        if best is None or found.confidence > best.confidence:
            best = found
    return best


def joined_case(*, organization: Organization, category: CaseCategory, point) -> Case | None:
    """The first open case of `organization` that a registered joiner says a new report of `category` at
    `point` belongs to, or None (no point, or nobody claims it)."""
    if point is None:
        return None
    for path in registry.collected("case_joiners"):
        found = import_string(path)(organization=organization, category=category, point=point)
        if found is not None and found.organization_id == organization.pk and found.is_open:
            return found
    return None


def case_panels(*, actor: Actor, case: Case) -> list[CasePanel]:
    """The registered apps' panels for this case, in their order."""
    panels = []
    for path in registry.collected("case_panels"):
        panel = import_string(path)(actor=actor, case=case)
        if panel is not None:
            panels.append(panel)
    return sorted(panels, key=lambda p: (p.order, p.key))
