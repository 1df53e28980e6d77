"""Background jobs of citizen reports (django-tasks): the daily overdue digest for department heads."""

import datetime as dt

from django.conf import settings
from django.core.mail import send_mass_mail
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from muang.core.models import Membership, Role
from muang.core.services import run_once_a_day
from muang.core.templatetags.thai import format_thai_date
from muang.core.thai_dates import BANGKOK

from .selectors import OverdueGroup, overdue_by_department

MAX_LINES = 200


def _message(department, group: OverdueGroup, now: dt.datetime) -> tuple[str, str]:
    org = department.organization
    with translation.override("th"):
        subject = _("%(n)d overdue cases in %(department)s, %(org)s") % {
            "n": group.total,
            "department": department.name_th,
            "org": org.name_th,
        }
        lines = [subject, ""]
        for c in group.cases:
            late = now - c.due_at
            hours = int(late.total_seconds() // 3600)
            lines.append(
                f"{c.tracking_code}  {c.category.name_th}  {c.status.name_th}  "
                + _("due %(due)s, %(h)d h late")
                % {"due": format_thai_date(c.due_at, "datetime", language="th"), "h": hours}
                + (f"  → {c.assignee.display_name}" if c.assignee else "")
            )
        if group.more:
            lines.append(_("… and %(n)d more.") % {"n": group.more})
    return subject, "\n".join(lines)


def overdue_digest_send(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Email each active department head the overdue open cases of their department.

    Heads without an email address are counted as `skipped`; departments without a head as `no_head`.
    """
    now = now or timezone.now()
    grouped = overdue_by_department(now, limit=MAX_LINES)
    if not grouped:
        return {"departments": 0, "sent": 0, "skipped": 0, "no_head": 0}
    heads: dict[int, list[str]] = {}
    skipped = 0
    for m in Membership.objects.filter(
        role=Role.DEPARTMENT_HEAD, is_active=True, user__is_active=True, department_id__in=list(grouped)
    ).select_related("user"):
        if m.user.email:
            heads.setdefault(m.department_id, []).append(m.user.email)
        else:
            skipped += 1
    messages = []
    no_head = 0
    for department_id, group in grouped.items():
        to = heads.get(department_id)
        if not to:
            no_head += 1
            continue
        subject, body = _message(group.cases[0].department, group, now)
        messages.append((subject, body, settings.DEFAULT_FROM_EMAIL, sorted(to)))
    sent = send_mass_mail(messages, fail_silently=False) if messages else 0
    return {"departments": len(grouped), "sent": sent, "skipped": skipped, "no_head": no_head}


DIGEST_JOB = "reports.overdue_digest"


def overdue_digest_daily(*, now: dt.datetime | None = None) -> dict | None:
    """The digest once per Bangkok day, from `settings.MUANG_DIGEST_HOUR` on (the start of the working day).

    Called every few minutes by the worker; only the first call of the day at or after that hour sends (see
    `run_once_a_day`). None before the hour or when today's digest has gone.
    """
    now = now or timezone.now()
    local = now.astimezone(BANGKOK)
    if local.hour < settings.MUANG_DIGEST_HOUR:
        return None
    return run_once_a_day(DIGEST_JOB, local.date(), lambda: overdue_digest_send(now=now))


@task()
def send_overdue_digest() -> dict | None:
    """Periodic (every 15 minutes): the daily overdue digest to every department head, once a day."""
    return overdue_digest_daily()
