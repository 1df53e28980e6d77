"""An organisation's case configuration: statuses, categories, holidays and working hours. Audited."""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from muang.cases.permissions import CasePerm
from muang.core import audit
from muang.core.access import SYSTEM, Actor, require
from muang.core.errors import InvalidInput
from muang.core.models import AuditEntry, Department, Organization
from muang.core.services import update_audited

from ..models import CaseCategory, CaseStatus, Holiday, StatusKind, SystemStatus
from ..working_time import WorkingWeek, WorkingWeekError

# (code, Thai name, English name, kind, counts as resolved)
DEFAULT_STATUSES: tuple[tuple[str, str, str, str, bool], ...] = (
    (SystemStatus.RECEIVED, "รับเรื่องแล้ว", "Received", StatusKind.OPEN, False),
    (SystemStatus.ASSIGNED, "มอบหมายผู้รับผิดชอบแล้ว", "Assigned", StatusKind.OPEN, False),
    (SystemStatus.IN_PROGRESS, "กำลังดำเนินการ", "In progress", StatusKind.OPEN, False),
    (SystemStatus.FORWARDED, "ส่งต่อหน่วยงานอื่น", "Forwarded", StatusKind.CLOSED, False),
    (SystemStatus.RESOLVED, "ดำเนินการเสร็จสิ้น", "Resolved", StatusKind.CLOSED, True),
    (SystemStatus.NOT_RESPONSIBLE, "ไม่อยู่ในความรับผิดชอบ", "Not responsible", StatusKind.CLOSED, False),
    (SystemStatus.DUPLICATE, "เรื่องซ้ำ", "Duplicate", StatusKind.CLOSED, False),
    (SystemStatus.CLOSED, "ปิดเรื่อง", "Closed", StatusKind.CLOSED, False),
)
CATEGORY_EDITABLE_FIELDS = frozenset(
    {
        "name_th",
        "name_en",
        "default_department",
        "sla_hours",
        "is_sensitive",
        "allow_anonymous",
        "reopen_window_days",
        "position",
        "is_active",
    }
)


def _full_clean(instance, **kwargs) -> None:
    try:
        instance.full_clean(**kwargs)
    except ValidationError as e:
        raise InvalidInput.from_validation_error(e) from e


def seed_statuses(organization: Organization, *, actor: Actor = SYSTEM) -> list[CaseStatus]:
    """Create the built-in statuses the organisation lacks (idempotent, race-safe); returns those created."""
    created = []
    for position, (code, name_th, name_en, kind, is_resolution) in enumerate(DEFAULT_STATUSES):
        status, was_created = CaseStatus.objects.get_or_create(
            organization=organization,
            code=code,
            defaults={
                "name_th": name_th,
                "name_en": name_en,
                "kind": kind,
                "is_resolution": is_resolution,
                "is_system": True,
                "position": position * 10,
            },
        )
        if was_created:
            audit.record_create(actor=actor, organization=organization, instance=status, reason="seed")
            created.append(status)
    return created


@transaction.atomic
def case_statuses_seed(*, actor: Actor, organization: Organization) -> list[CaseStatus]:
    """Give an organisation the default statuses: received … closed (see DEFAULT_STATUSES)."""
    require(actor, organization, CasePerm.CASE_CONFIGURE)
    return seed_statuses(organization, actor=actor)


def _check_department(organization: Organization, department: Department | None) -> None:
    if department is None or department.organization_id != organization.pk or not department.is_active:
        raise InvalidInput.for_field(
            "default_department", _("Choose an active department of %(org)s.") % {"org": organization}
        )


@transaction.atomic
def case_category_create(
    *,
    actor: Actor,
    organization: Organization,
    code: str,
    name_th: str,
    name_en: str,
    default_department: Department,
    sla_hours: int = 24,
    is_sensitive: bool = False,
    allow_anonymous: bool = True,
    reopen_window_days: int = 7,
    position: int = 0,
) -> CaseCategory:
    require(actor, organization, CasePerm.CASE_CONFIGURE)
    _check_department(organization, default_department)
    category = CaseCategory(
        organization=organization,
        code=code,
        name_th=name_th,
        name_en=name_en,
        default_department=default_department,
        sla_hours=sla_hours,
        is_sensitive=is_sensitive,
        allow_anonymous=allow_anonymous,
        reopen_window_days=reopen_window_days,
        position=position,
    )
    _full_clean(category, exclude=["organization", "default_department"], validate_constraints=False)
    try:
        with transaction.atomic():
            category.save()
    except IntegrityError as e:
        raise InvalidInput.for_field(
            "code", _("Category code “%(code)s” is already used.") % {"code": code}
        ) from e
    audit.record_create(actor=actor, organization=organization, instance=category)
    return category


@transaction.atomic
def case_category_update(*, actor: Actor, category: CaseCategory, data: dict[str, Any]) -> CaseCategory:
    """Change a category. Open cases keep the SLA they were given; new cases get the new one."""
    require(actor, category.organization, CasePerm.CASE_CONFIGURE)
    if "default_department" in data:
        _check_department(category.organization, data["default_department"])
    return update_audited(
        actor=actor,
        organization=category.organization,
        instance=category,
        data=data,
        allowed=CATEGORY_EDITABLE_FIELDS,
    )


@transaction.atomic
def case_holiday_create(
    *, actor: Actor, organization: Organization, date: dt.date, name_th: str, name_en: str = ""
) -> Holiday:
    """A day off: SLAs of cases received from now on skip it (open cases keep their due time)."""
    require(actor, organization, CasePerm.CASE_CONFIGURE)
    holiday = Holiday(organization=organization, date=date, name_th=name_th.strip(), name_en=name_en.strip())
    _full_clean(holiday, exclude=["organization"], validate_constraints=False)
    try:
        with transaction.atomic():
            holiday.save()
    except IntegrityError as e:
        raise InvalidInput.for_field(
            "date", _("%(date)s is already a holiday.") % {"date": date.isoformat()}
        ) from e
    audit.record_create(actor=actor, organization=organization, instance=holiday)
    return holiday


@transaction.atomic
def case_holiday_delete(*, actor: Actor, holiday: Holiday) -> None:
    require(actor, holiday.organization, CasePerm.CASE_CONFIGURE)
    audit.record(
        actor=actor,
        organization=holiday.organization,
        instance=holiday,
        action=AuditEntry.Action.DELETE,
        changes=audit.diff(audit.snapshot(holiday), {}),
    )
    holiday.delete()


@transaction.atomic
def case_working_hours_set(
    *, actor: Actor, organization: Organization, working_hours: dict[str, Any], timezone: str = "Asia/Bangkok"
) -> Organization:
    """Store the organisation's working week (see `muang.cases.working_time`) in its settings."""
    require(actor, organization, CasePerm.CASE_CONFIGURE)
    try:
        week = WorkingWeek.from_settings({"timezone": timezone, "working_hours": working_hours})
    except WorkingWeekError as e:
        raise InvalidInput.for_field("working_hours", str(e)) from e
    # Lock first and merge into the stored settings: other apps keep their own keys in the same document.
    row = Organization.objects.select_for_update().get(pk=organization.pk)
    settings = dict(row.settings or {})
    settings["cases"] = {**settings.get("cases", {}), **week.to_settings()}
    return update_audited(
        actor=actor, organization=row, instance=row, data={"settings": settings}, allowed={"settings"}
    )
