"""Who may do what with the air-quality stations and water-level gauges.

Air is the public-health and environment department's work (กองสาธารณสุขและสิ่งแวดล้อม), rivers and floods the
disaster-prevention department's (งานป้องกันและบรรเทาสาธารณภัย): the officers and heads of a department holding
either duty read every station (public or not) with its history; the heads add stations and set a gauge's
levels. The public sees the public stations without signing in (the public page and API)."""

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from muang.core.contract import Grant, Scope
from muang.core.models import Duty, Role


class EnvPerm(StrEnum):
    ENV_VIEW = "environment.view"  # every station of the organisation, public or not, and its history
    ENV_MANAGE = "environment.manage"  # add stations, set a gauge's levels, make a station public or not


class EnvScope(StrEnum):
    ENV_READ = "environment:read"


SCOPES = (Scope(EnvScope.ENV_READ, _("Read the air-quality stations and water-level gauges")),)

GRANTS = (
    Grant({EnvPerm.ENV_VIEW}, roles={Role.EXECUTIVE}),
    Grant({EnvPerm.ENV_VIEW}, roles={Role.OFFICER, Role.DEPARTMENT_HEAD}, duty=Duty.PUBLIC_HEALTH),
    Grant({EnvPerm.ENV_VIEW}, roles={Role.OFFICER, Role.DEPARTMENT_HEAD}, duty=Duty.DISASTER_PREVENTION),
    Grant({EnvPerm.ENV_MANAGE}, roles={Role.DEPARTMENT_HEAD}, duty=Duty.PUBLIC_HEALTH),
    Grant({EnvPerm.ENV_MANAGE}, roles={Role.DEPARTMENT_HEAD}, duty=Duty.DISASTER_PREVENTION),
    Grant({EnvPerm.ENV_VIEW}, scopes={EnvScope.ENV_READ}),
)
