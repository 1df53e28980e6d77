"""Who chooses what an organisation publishes as open data: its executive (the mayor's office decides what the
city opens) and the system administrator. Everyone reads what is published, without signing in."""

from enum import StrEnum

from muang.core.contract import Grant
from muang.core.models import Role


class OpenDataPerm(StrEnum):
    MANAGE = "opendata.manage"  # publish, describe and withdraw datasets; draft the smart-city proposal


GRANTS = (Grant({OpenDataPerm.MANAGE}, roles={Role.EXECUTIVE}),)
