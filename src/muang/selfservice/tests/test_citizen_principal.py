"""The signed-in taxpayer is a citizen principal (ADR 0010): bound to one organisation, with narrow grants that
the services check against each object, and no power beyond them. Before, a `TaxpayerActor(system=True)` held
every permission in every organisation and relied on the caller to have checked ownership."""

import datetime as dt
from decimal import Decimal

import pytest

from muang.billing.models import Objection
from muang.billing.services.bills import bill_cancel
from muang.billing.services.disputes import objection_file
from muang.billing.services.notices import bill_notice_pdf, bill_notices_pdf, receipt_pdf
from muang.billing.services.payments import payment_record
from muang.core.access import SYSTEM, CitizenActor, CitizenGrant
from muang.core.errors import AccessDenied, InvalidInput
from muang.property.tests.factories import ParcelFactory
from muang.selfservice.models import UseChangeNotice
from muang.selfservice.services.filings import use_change_file
from muang.selfservice.session import taxpayer_actor
from muang.selfservice.tests.factories import build_town

pytestmark = pytest.mark.django_db


@pytest.fixture
def town(areas):
    return build_town()


def test_the_taxpayer_holds_no_permission_anywhere(town):
    actor = taxpayer_actor(town.owner)
    assert not actor.is_system
    assert actor.permissions_in(town.org) == frozenset()
    assert actor.permissions_in(town.other_org) == frozenset()
    assert actor.label == f"taxpayer:owner:{town.owner.pk}"
    with pytest.raises(AccessDenied):
        payment_record(actor=actor, bill=town.bill, amount=Decimal("1.00"), channel="cash")
    with pytest.raises(AccessDenied):
        bill_cancel(actor=actor, bill=town.bill, reason="ไม่ต้องจ่าย")
    with pytest.raises(AccessDenied):  # the batch of many bills is staff work, even with their own in it
        bill_notices_pdf(actor=actor, organization=town.org, bills=[town.bill, town.neighbour_bill])


def test_their_own_notice_and_receipt_and_nobody_elses(town):
    actor = taxpayer_actor(town.owner)
    assert bill_notice_pdf(actor=actor, bill=town.bill).startswith(b"%PDF")
    with pytest.raises(AccessDenied):
        bill_notice_pdf(actor=actor, bill=town.neighbour_bill)
    with pytest.raises(AccessDenied):  # the same person's bill in another organisation: another sign-in
        bill_notice_pdf(actor=actor, bill=town.twin_bill)
    own = payment_record(actor=SYSTEM, bill=town.bill, amount=Decimal("10.00"), channel="cash")
    theirs = payment_record(actor=SYSTEM, bill=town.neighbour_bill, amount=Decimal("10.00"), channel="cash")
    assert receipt_pdf(actor=actor, receipt=own.receipt).startswith(b"%PDF")
    with pytest.raises(AccessDenied):
        receipt_pdf(actor=actor, receipt=theirs.receipt)


def test_an_objection_only_against_their_own_bill(town):
    actor = taxpayer_actor(town.owner)
    today = town.bill.issued_on + dt.timedelta(days=1)  # within its 30 days, not in the future
    with pytest.raises(AccessDenied):
        objection_file(actor=actor, bill=town.neighbour_bill, filed_on=today, reason="ราคาประเมินสูงเกินไป")
    assert not Objection.objects.exists()
    objection = objection_file(actor=actor, bill=town.bill, filed_on=today, reason="ราคาประเมินสูงเกินไป")
    assert objection.bill == town.bill
    assert objection.recorded_by is None  # no staff member: the audit log names the taxpayer


def test_a_change_of_use_only_for_themselves_and_what_they_hold(town):
    actor = taxpayer_actor(town.owner)
    neighbours_parcel = town.neighbour.ownerships.get().parcel
    with pytest.raises(AccessDenied):  # filing in the neighbour's name
        use_change_file(
            actor=actor,
            owner=town.neighbour,
            holding=neighbours_parcel,
            use="other",
            changed_on=dt.date(2026, 1, 5),
        )
    with pytest.raises(InvalidInput) as refused:  # in their own name, for a parcel they do not hold
        use_change_file(
            actor=actor,
            owner=town.owner,
            holding=neighbours_parcel,
            use="agricultural",
            changed_on=dt.date(2026, 1, 5),
        )
    assert "property" in refused.value.field_errors
    unheld = ParcelFactory(organization=town.org)
    with pytest.raises(InvalidInput):
        use_change_file(
            actor=actor, owner=town.owner, holding=unheld, use="agricultural", changed_on=dt.date(2026, 1, 5)
        )
    with pytest.raises(AccessDenied):  # staff do not file a taxpayer's ภ.ด.ส.5 through this service
        use_change_file(
            actor=SYSTEM,
            owner=town.owner,
            holding=town.parcel,
            use="agricultural",
            changed_on=dt.date(2026, 1, 5),
        )
    assert not UseChangeNotice.objects.exists()


def test_a_citizen_principal_cannot_be_made_powerful(town):
    with pytest.raises(ValueError):
        CitizenActor(system=True, organization_id=town.org.pk, principal="taxpayer:owner:1")
    with pytest.raises(ValueError):
        CitizenActor(organization_id=None, principal="taxpayer:owner:1")
    grant = CitizenGrant({"bill.view"}, scope="anything")
    citizen = CitizenActor(organization_id=town.org.pk, principal="x", grants=(grant,))
    assert citizen.scopes_for(town.other_org, "bill.view", str) == []  # bound to its organisation
    assert citizen.scopes_for(town.org, "bill.view", str) == ["anything"]
    assert citizen.scopes_for(town.org, "bill.issue", str) == []
