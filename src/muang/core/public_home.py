"""The public home page at the site's root: what citizens can do here, and the staff entrance beside it.

Each app with something for citizens on that page names a callable in its contract
(`AppContract.public_home_panels`): it takes the request and returns a `HomePanel` (or None to show nothing),
and core includes the panels in app order without naming any app.
"""

from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest
from django.utils.module_loading import import_string

from muang.core import registry


@dataclass(frozen=True)
class HomePanel:
    template: str  # included with the panel's context as `panel`
    context: dict[str, Any] = field(default_factory=dict)


def public_home_panels(request: HttpRequest) -> list[HomePanel]:
    panels = (import_string(path)(request) for path in registry.collected("public_home_panels"))
    return [panel for panel in panels if panel is not None]
