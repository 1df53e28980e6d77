from enum import StrEnum

from muang.core.contract import Grant, Scope
from muang.core.models import Duty, Role


class GlancePerm(StrEnum):
    GLANCE_VIEW = "glance.view"  # the organisation at a glance


SCOPES = (Scope("glance:read", "Read the organisation at a glance"),)

GRANTS = (
    Grant({GlancePerm.GLANCE_VIEW}, roles={Role.DEPARTMENT_HEAD}, scopes={"glance:read"}),
    # Officers too, in a department holding the administration duty (role AND duty).
    Grant({GlancePerm.GLANCE_VIEW}, roles={Role.OFFICER}, duty=Duty.ADMINISTRATION),
)
