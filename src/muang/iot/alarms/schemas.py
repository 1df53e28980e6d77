import datetime as dt

from ninja import Field, Schema


class AlarmOut(Schema):
    id: int
    device_id: int
    device_name: str
    alarm_type: str
    label: str
    severity: str
    status: str  # active_unack, active_ack, cleared_unack, cleared_ack
    started_at: dt.datetime
    ended_at: dt.datetime
    acknowledged_at: dt.datetime | None
    cleared_at: dt.datetime | None
    clear_reason: str
    details: dict
    case: str | None  # the tracking code of the case the alarm opened

    @staticmethod
    def resolve_device_name(alarm) -> str:
        return alarm.device.name

    @staticmethod
    def resolve_case(alarm) -> str | None:
        return alarm.case.tracking_code if alarm.case_id else None


class AlarmEventOut(Schema):
    kind: str
    at: dt.datetime
    user: str | None
    message: str
    data: dict

    @staticmethod
    def resolve_user(event) -> str | None:
        return event.user.username if event.user_id else None


class AlarmClearIn(Schema):
    reason: str = Field(..., min_length=1, max_length=500)
