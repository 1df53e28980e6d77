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


class AlarmRuleIn(Schema):
    """A rule of the profile: threshold (`key`, `operator` gt/gte/lt/lte with `value`, or outside with `low` and
    `high`; `duration_seconds`), state (`key`, `operator` eq, `value`) or silence (`silence_intervals`). With a
    `case_category` code (and optionally a `case_department` code) its alarm opens a case."""

    alarm_type: str = Field(..., pattern=r"^[a-z][a-z0-9_]{0,39}$")
    label: str = Field(..., min_length=1, max_length=200)
    severity: str = Field(..., pattern="^(critical|major|minor|warning)$")
    kind: str = Field(..., pattern="^(threshold|state|silence)$")
    key: str = Field("", max_length=64)
    operator: str = Field("", pattern="^(|gt|gte|lt|lte|outside|eq)$")
    value: float | None = None
    low: float | None = None
    high: float | None = None
    duration_seconds: int = Field(0, ge=0, le=7 * 86400)
    silence_intervals: int | None = Field(None, ge=1, le=1000)
    case_category: str | None = Field(None, max_length=50)
    case_department: str | None = Field(None, max_length=50)


class AlarmRuleOut(Schema):
    id: int
    profile_id: int
    alarm_type: str
    label: str
    severity: str
    kind: str
    key: str
    operator: str
    value: float | None
    low: float | None
    high: float | None
    duration_seconds: int
    silence_intervals: int | None
    case_category: str | None
    case_department: str | None
    is_active: bool

    @staticmethod
    def resolve_case_category(rule) -> str | None:
        return rule.case_category.code if rule.case_category_id else None

    @staticmethod
    def resolve_case_department(rule) -> str | None:
        return rule.case_department.code if rule.case_department_id else None
