"""What a taxpayer files online: the change-of-use notice (ภ.ด.ส.5) and the objection (ภ.ด.ส.10); and the
staff decision on a change-of-use notice."""

from __future__ import annotations

import datetime as dt
import secrets
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from muang.billing.models import Bill, Objection, ObjectionStatus
from muang.billing.services.disputes import OBJECTION_DAYS, objection_deadline, objection_file
from muang.core import audit
from muang.core.access import Actor, CitizenActor, require, require_grant
from muang.core.errors import Conflict, InvalidInput
from muang.core.images import clean_image
from muang.core.services import update_audited
from muang.core.templatetags.thai import format_thai_date
from muang.property.models import PURE_USES, Building, CondoUnit, Owner, Parcel, Use
from muang.property.permissions import PropertyPerm
from muang.selfservice.models import UseChangeNotice, UseChangeStatus
from muang.selfservice.permissions import OwnerScope, TaxpayerPerm
from muang.selfservice.selectors import holding_for

NOTICE_DAYS = 60  # ภ.ด.ส.5 is due within 60 days of the change (THAI-RULES §1)
REFERENCE_ALPHABET = "ACDEFGHJKLMNPQRTUVWXY3479"  # no 0/O, 1/I, 2/Z, 5/S, 6/B, 8 look-alikes


def _reference() -> str:
    body = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))
    return f"UC-{body[:4]}-{body[4:]}"


def notice_is_late(notice: UseChangeNotice) -> bool:
    return timezone.localdate(notice.filed_at) > notice.changed_on + dt.timedelta(days=NOTICE_DAYS)


def _shares(use: str, shares: dict[str, object]) -> dict[str, Decimal]:
    """The four shares in percent: 100 for a pure use, the given split (adding up to 100) for mixed use."""
    if use in PURE_USES:
        return {u.value: Decimal(100) if u == use else Decimal(0) for u in PURE_USES}
    if use != Use.MIXED:
        raise InvalidInput.for_field("use", _("Choose the new use."))
    out = {}
    for u in PURE_USES:
        raw = shares.get(u.value)
        try:
            value = Decimal(str(raw)) if raw not in (None, "") else Decimal(0)
        except InvalidOperation:
            raise InvalidInput.for_field(f"share_{u.value}", _("Enter a percentage, e.g. 40.")) from None
        if not value.is_finite() or value < 0 or value > 100 or value != value.quantize(Decimal("0.01")):
            raise InvalidInput.for_field(
                f"share_{u.value}", _("A percentage from 0 to 100, at most 2 decimals.")
            )
        out[u.value] = value
    if sum(out.values()) != 100:
        raise InvalidInput.for_field(
            "share_other",
            _("The shares must add up to 100%%; they add up to %(sum)s%%.") % {"sum": sum(out.values())},
        )
    if sum(1 for v in out.values() if v) < 2:
        raise InvalidInput.for_field(
            "use", _("Mixed use needs at least two uses with a share; otherwise choose that use.")
        )
    return out


@transaction.atomic
def use_change_file(
    *,
    actor: CitizenActor,
    owner: Owner,
    holding: Parcel | Building | CondoUnit,
    use: str,
    shares: dict[str, object] | None = None,
    changed_on: dt.date,
    note: str = "",
    photo: File | None = None,
    now: dt.datetime | None = None,
) -> UseChangeNotice:
    """File a ภ.ด.ส.5 for a property the taxpayer holds: only the taxpayer themselves (their citizen principal
    holds the grant for their own owner record), only for a property they hold today. The photo is re-encoded
    without its metadata (a phone's GPS position, its owner) and stored privately."""
    now = now or timezone.now()
    organization = owner.organization
    require_grant(
        actor, organization, TaxpayerPerm.USE_CHANGE_FILE, OwnerScope, lambda s: s.owner_id == owner.pk
    )
    kind = {Parcel: "parcel", Building: "building", CondoUnit: "condo_unit"}[type(holding)]
    held = holding_for(
        organization=organization, owner=owner, key=f"{kind}:{holding.pk}", today=timezone.localdate(now)
    )
    if held is None or holding.organization_id != organization.pk:
        raise InvalidInput.for_field("property", _("Choose one of your properties."))
    split = _shares(use, shares or {})
    if changed_on > timezone.localdate(now):
        raise InvalidInput.for_field(
            "changed_on", _("The change must already have happened; a date up to today.")
        )
    if changed_on < dt.date(1900, 1, 1):
        raise InvalidInput.for_field("changed_on", _("Enter the date of the change."))
    if use == holding.use and (
        use != Use.MIXED or all(split[u.value] == getattr(holding, f"share_{u.value}") for u in PURE_USES)
    ):
        raise InvalidInput.for_field("use", _("This is already the recorded use of the property."))
    cleaned_photo = clean_image(photo, field="photo") if photo is not None else None
    fk = kind
    label = holding.code if fk != "condo_unit" else str(holding)
    notice = UseChangeNotice(
        organization=organization,
        owner=owner,
        property_label=str(label)[:300],
        previous_use=holding.use,
        use=use,
        **{f"share_{k}": v for k, v in split.items()},
        changed_on=changed_on,
        note=(note or "").strip()[:4000],
        filed_at=now,
        **{fk: holding},
    )
    if cleaned_photo is not None:
        notice.photo = cleaned_photo
    try:
        notice.full_clean(exclude=["reference", "photo"])
    except ValidationError as e:
        raise InvalidInput.from_validation_error(e) from e
    for _attempt in range(5):
        notice.reference = _reference()
        try:
            with transaction.atomic():
                notice.save(force_insert=True)
            break
        except IntegrityError:  # the same reference drawn twice in one organisation: draw again
            notice.pk = None
            continue
    else:  # pragma: no cover (25^8 references)
        raise Conflict(_("Could not number the notice; please send it again."))
    audit.record_create(actor=actor, organization=organization, instance=notice, reason="ภ.ด.ส.5 online")
    return notice


@transaction.atomic
def use_change_decide(
    *, actor: Actor, notice: UseChangeNotice, status: str, note: str = "", now: dt.datetime | None = None
) -> UseChangeNotice:
    """Staff accept or reject a received notice (the registry itself is corrected through the property app)."""
    require(actor, notice.organization, PropertyPerm.PROPERTY_EDIT)
    if status not in (UseChangeStatus.ACCEPTED, UseChangeStatus.REJECTED):
        raise InvalidInput.for_field("status", _("Accepted or rejected."))
    if status == UseChangeStatus.REJECTED and not (note or "").strip():
        raise InvalidInput.for_field("note", _("Tell the taxpayer why the notice is rejected."))
    current = UseChangeNotice.objects.select_for_update().get(
        pk=notice.pk, organization_id=notice.organization_id
    )
    if current.status != UseChangeStatus.RECEIVED:
        raise Conflict(_("The notice is already %(status)s.") % {"status": current.get_status_display()})
    return update_audited(
        actor=actor,
        organization=notice.organization,
        instance=current,
        data={
            "status": status,
            "decision_note": (note or "").strip()[:4000],
            "decided_at": now or timezone.now(),
            "decided_by": actor.user,
        },
        allowed={"status", "decision_note", "decided_at", "decided_by"},
    )


def objection_file_online(
    *, actor: CitizenActor, bill: Bill, reason: str, today: dt.date | None = None
) -> Objection:
    """A ภ.ด.ส.10 against the taxpayer's own bill (found through `get_bill_of`), filed today, through billing's
    service and its 30-day rule. One pending objection per bill."""
    today = today or timezone.localdate()
    deadline = objection_deadline(bill)
    if today > deadline:
        raise InvalidInput.for_field(
            "reason",
            _(
                "An objection must be filed within %(days)s days of receiving the notice; the last day was "
                "%(date)s. Contact the revenue office about what you can still do."
            )
            % {"days": OBJECTION_DAYS, "date": format_thai_date(deadline, "long")},
        )
    if Objection.objects.filter(
        organization=bill.organization, bill=bill, status=ObjectionStatus.PENDING
    ).exists():
        raise Conflict(_("You already have an objection to this bill waiting for a decision."))
    if len((reason or "").strip()) < 10:
        raise InvalidInput.for_field("reason", _("Explain in a few sentences why the assessment is wrong."))
    return objection_file(actor=actor, bill=bill, filed_on=today, reason=reason[:4000])
