"""Who may do what with devices and their telemetry. The devices of the city's streets and drains belong to the
department holding the engineering duty (กองช่าง): its officers and head read them, the head manages them."""

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from muang.core.contract import Grant, Scope
from muang.core.models import Duty, Role


class IotPerm(StrEnum):
    IOT_VIEW = "iot.view"  # devices, profiles, telemetry history, latest values
    IOT_MANAGE = "iot.manage"  # add and retire devices, edit profiles, issue device credentials
    # How long the organisation keeps telemetry (older months are deleted): the system administrator's call,
    # granted to no role.
    IOT_CONFIGURE = "iot.configure"
    ALARM_VIEW = "iot.alarm_view"  # the alarm list, an alarm's timeline
    ALARM_ACT = "iot.alarm_act"  # acknowledge and clear alarms (the engineering duty's officers and head)


class IotScope(StrEnum):
    IOT_READ = "iot:read"


SCOPES = (Scope(IotScope.IOT_READ, _("Read devices, profiles and telemetry")),)

GRANTS = (
    Grant({IotPerm.IOT_VIEW}, roles={Role.EXECUTIVE}),
    Grant({IotPerm.IOT_VIEW}, roles={Role.OFFICER, Role.DEPARTMENT_HEAD}, duty=Duty.ENGINEERING),
    Grant({IotPerm.IOT_MANAGE}, roles={Role.DEPARTMENT_HEAD}, duty=Duty.ENGINEERING),
    Grant({IotPerm.ALARM_VIEW}, roles={Role.EXECUTIVE}),
    Grant(
        {IotPerm.ALARM_VIEW, IotPerm.ALARM_ACT},
        roles={Role.OFFICER, Role.DEPARTMENT_HEAD},
        duty=Duty.ENGINEERING,
    ),
    # A dashboard or a national operator's integration reading the organisation's telemetry.
    Grant({IotPerm.IOT_VIEW}, scopes={IotScope.IOT_READ}),
)
