"""Who may see and do what in the care register.

Health data is sensitive (PDPA s.26): the register, the health records (ADL assessments, care plans) and the
imports and exports belong to the department holding the care duty (`Duty.CARE`, whichever department the
organisation puts in charge: public health or social welfare). The permissions are *restricted*: the system
administrator does not get them wholesale, and no API scope carries them (a token is made by an administrator,
so a scope would be a way round the restriction). Executives and the district / province offices overseeing
the organisation see counts only.
"""

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from muang.core.contract import Grant, Scope
from muang.core.models import Duty, Role


class CarePerm(StrEnum):
    CARE_VIEW = "care.view"  # people, programmes, health records (every read of a record is audited)
    CARE_EDIT = "care.edit"  # add and change people, enrol, assess, plan, import, anonymise
    CARE_COUNTS = "care.counts"  # counts per group and programme: no person


class CareScope(StrEnum):
    CARE_COUNTS = "care:counts"


SCOPES = (Scope(CareScope.CARE_COUNTS, _("Read the counts of people cared for (no person)")),)

CARE_STAFF = {Role.OFFICER, Role.DEPARTMENT_HEAD}

GRANTS = (
    Grant({CarePerm.CARE_VIEW, CarePerm.CARE_EDIT, CarePerm.CARE_COUNTS}, roles=CARE_STAFF, duty=Duty.CARE),
    Grant({CarePerm.CARE_COUNTS}, roles={Role.EXECUTIVE}),
    Grant({CarePerm.CARE_COUNTS}, oversight=True),
    Grant({CarePerm.CARE_COUNTS}, scopes={CareScope.CARE_COUNTS}),
)

RESTRICTED = frozenset({CarePerm.CARE_VIEW, CarePerm.CARE_EDIT})
