"""Who may do what with the street lights. The poles belong to the department holding the engineering duty
(กองช่าง): its officers and head read the map and faults, the head manages the register; executives read the
dashboard. Citizens get nothing here: they report a dark street through the cases channels."""

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from muang.core.contract import Grant, Scope
from muang.core.models import Duty, Role


class LightingPerm(StrEnum):
    LIGHTING_VIEW = "lighting.view"  # the map, a pole's card, faults, energy, the dashboard
    LIGHTING_MANAGE = "lighting.manage"  # poles, circuits, groups: add, import, export


class LightingScope(StrEnum):
    LIGHTING_READ = "lighting:read"


SCOPES = (Scope(LightingScope.LIGHTING_READ, _("Read the street-light poles, their state and faults")),)

GRANTS = (
    Grant({LightingPerm.LIGHTING_VIEW}, roles={Role.EXECUTIVE}),
    Grant({LightingPerm.LIGHTING_VIEW}, roles={Role.OFFICER, Role.DEPARTMENT_HEAD}, duty=Duty.ENGINEERING),
    Grant({LightingPerm.LIGHTING_MANAGE}, roles={Role.OFFICER, Role.DEPARTMENT_HEAD}, duty=Duty.ENGINEERING),
    Grant({LightingPerm.LIGHTING_VIEW}, scopes={LightingScope.LIGHTING_READ}),
)
