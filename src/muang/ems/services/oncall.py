"""The care centre's on-call list: who is told, in order, when a wristband alert is not taken in time
(services.alerts escalates along it by SMS, and LINE when the person has it)."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from muang.core import audit
from muang.core.access import Actor, require
from muang.core.errors import InvalidInput, NotFound
from muang.core.models import AuditEntry, Organization
from muang.core.sms import thai_mobile_local
from muang.core.validation import clean_phone
from muang.ems.models import OnCall
from muang.ems.permissions import EmsPerm

MAX_ON_CALL = 30
LINE_USER_ID_LENGTH = 33  # "U" and 32 hex digits


def _clean(name: str, phone: str, line_user_id: str) -> dict:
    name = (name or "").strip()
    if not name:
        raise InvalidInput.for_field("name", _("Type the name of the person on call."))
    phone = clean_phone(phone)
    if not phone:
        raise InvalidInput.for_field("phone", _("Type the mobile number the alerts are sent to."))
    local = thai_mobile_local(phone)
    if local is None:  # the escalation is an SMS: a landline cannot receive it
        raise InvalidInput.for_field(
            "phone",
            _("A Thai mobile number is needed (10 digits starting with 06, 08 or 09): alerts go by SMS."),
        )
    line_user_id = (line_user_id or "").strip()
    if line_user_id and not (len(line_user_id) == LINE_USER_ID_LENGTH and line_user_id.startswith("U")):
        raise InvalidInput.for_field("line_user_id", _("A LINE account id is U followed by 32 characters."))
    return {"name": name[:200], "phone": local, "line_user_id": line_user_id}


def _renumber(organization: Organization, ordered: list[OnCall]) -> None:
    """Write positions 1..n in the given order (two passes: the positions are unique)."""
    offset = 1000
    for i, row in enumerate(ordered, start=1):
        OnCall.objects.filter(pk=row.pk).update(position=offset + i)
    for i, row in enumerate(ordered, start=1):
        OnCall.objects.filter(pk=row.pk).update(position=i)
        row.position = i


def _locked(organization: Organization) -> list[OnCall]:
    return list(
        OnCall.objects.select_for_update().filter(organization=organization).order_by("position", "pk")
    )


@transaction.atomic
def on_call_add(
    *, actor: Actor, organization: Organization, name: str, phone: str, line_user_id: str = ""
) -> OnCall:
    """A person at the end of the list. The same mobile number twice is refused."""
    require(actor, organization, EmsPerm.WRISTBANDS)
    data = _clean(name, phone, line_user_id)
    rows = _locked(organization)
    if len(rows) >= MAX_ON_CALL:
        raise InvalidInput.for_field(
            "name", _("The on-call list holds at most %(n)s people.") % {"n": MAX_ON_CALL}
        )
    if any(r.phone == data["phone"] for r in rows):
        raise InvalidInput.for_field("phone", _("This number is already on the list."))
    last = OnCall.objects.filter(organization=organization).aggregate(m=Max("position"))["m"] or 0
    row = OnCall.objects.create(organization=organization, position=last + 1, **data)
    audit.record_create(actor=actor, organization=organization, instance=row)
    return row


def _find(rows: list[OnCall], on_call_id: int) -> OnCall:
    for r in rows:
        if r.pk == on_call_id:
            return r
    raise NotFound(_("No such person on the on-call list."))


@transaction.atomic
def on_call_remove(*, actor: Actor, organization: Organization, on_call_id: int) -> None:
    """Take a person off the list; the ones after move up. Alerts already escalating go on along the new list."""
    require(actor, organization, EmsPerm.WRISTBANDS)
    rows = _locked(organization)
    row = _find(rows, on_call_id)
    audit.record(
        actor=actor,
        organization=organization,
        instance=row,
        action=AuditEntry.Action.DELETE,
        changes=audit.diff(audit.snapshot(row), {}),
    )
    row.delete()
    _renumber(organization, [r for r in rows if r.pk != row.pk])


@transaction.atomic
def on_call_move(*, actor: Actor, organization: Organization, on_call_id: int, up: bool) -> list[OnCall]:
    """Move a person one place up (earlier told) or down; at either end nothing moves."""
    require(actor, organization, EmsPerm.WRISTBANDS)
    rows = _locked(organization)
    row = _find(rows, on_call_id)
    i = rows.index(row)
    j = i - 1 if up else i + 1
    if 0 <= j < len(rows):
        rows[i], rows[j] = rows[j], rows[i]
        before = row.position
        _renumber(organization, rows)
        audit.record(
            actor=actor,
            organization=organization,
            instance=row,
            action=AuditEntry.Action.UPDATE,
            changes={"position": [before, row.position]},
        )
    return rows
