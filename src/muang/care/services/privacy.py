"""PDPA: a person's data exported for them (s.30), and anonymised on request where no law requires keeping it
(s.33). Both are audited; the export is also a read of the health record, with its purpose."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from muang.care.models import CarePlanStatus, EnrolmentStatus, Person, ReadPurpose
from muang.care.permissions import CarePerm
from muang.care.services.people import masked
from muang.core import audit
from muang.core.access import Actor, require
from muang.core.errors import Conflict, InvalidInput


def person_data_export(*, actor: Actor, person: Person) -> dict[str, Any]:
    """Everything the register keeps about a person, as a JSON-ready document for them."""
    require(actor, person.organization, CarePerm.CARE_VIEW)
    document = {
        "person": audit.snapshot(person),
        "enrolments": [audit.snapshot(e) for e in person.enrolments.order_by("started_on", "id")],
        "assessments": [audit.snapshot(a) for a in person.assessments.order_by("assessed_on", "id")],
        "care_plans": [
            {
                **audit.snapshot(p),
                "spending": [audit.snapshot(s) for s in p.spendings.order_by("spent_on", "id")],
            }
            for p in person.care_plans.order_by("fiscal_year", "id")
        ],
    }
    for key in ("full_name", "anonymized_at"):
        document["person"].pop(key, None)
    audit.record_read(
        actor=actor,
        organization=person.organization,
        instance=person,
        purpose=ReadPurpose.PERSON_REQUEST,
        what="export for the person",
    )
    return document


def person_anonymize(*, actor: Actor, person: Person, now: dt.datetime) -> Person:
    """Erase what identifies the person, keep what the statistics need (sex, birth year, the ADL history).

    Refused while a programme or a care plan is open: the allowance and the fund's budget are public money
    whose records the law requires keeping (end the enrolments and close the plans first)."""
    require(actor, person.organization, CarePerm.CARE_EDIT)
    with transaction.atomic():
        locked = Person.objects.select_for_update().get(pk=person.pk)
        if locked.anonymized_at is not None:
            raise InvalidInput.for_field("person", _("The person's data has already been anonymised."))
        if (
            locked.enrolments.exclude(status=EnrolmentStatus.ENDED).exists()
            or locked.care_plans.filter(status=CarePlanStatus.ACTIVE).exists()
        ):
            raise Conflict(
                _("An open programme or care plan must be kept: end them before anonymising."),
            )
        before = audit.snapshot(locked)
        locked.national_id = f"X{locked.pk:012d}"[-13:]
        locked.title, locked.first_name, locked.last_name = "", "-", "-"
        locked.full_name = "- -"
        locked.birth_date = dt.date(locked.birth_date.year, 7, 1)
        locked.address, locked.location, locked.phones = "", None, []
        locked.emergency_contacts, locked.line_user_id = [], ""
        locked.anonymized_at = now
        locked.save()
        locked.enrolments.update(card_number="")
        audit.record(
            actor=actor,
            organization=locked.organization,
            instance=locked,
            action="update",
            changes=masked(audit.diff(before, audit.snapshot(locked))),
            reason="anonymised on request (PDPA s.33)",
        )
    return locked
