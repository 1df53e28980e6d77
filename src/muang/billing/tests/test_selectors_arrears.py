"""The arrears report's figures, checked against muang.billing.dues for fixed days, its grouping, and where
the bills' parcels are."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.contrib.gis.geos import Point

from muang.billing.dues import ChargeContext, InstalmentState, amount_due
from muang.billing.models import BillKind, BillLine
from muang.billing.selectors import arrears_report, bill_locations
from muang.billing.services.letters import warning_letter_received, warning_letters_issue
from muang.billing.services.payments import payment_record
from muang.billing.tests.factories import issue
from muang.core.errors import AccessDenied
from muang.property.tests.factories import BuildingFactory, ParcelFactory, inside

pytestmark = pytest.mark.django_db
JUNE_15 = dt.date(2026, 6, 15)


def test_figures_agree_with_dues_for_fixed_days(org, admin):
    # Given a plain bill, an instalment bill half paid, a signboard bill, one with a warning letter received
    plain = issue(org, "1000.00")
    split = issue(org, "9000.00", instalments=True)
    payment_record(actor=admin, bill=split, amount=D("3000.00"), channel="cash", paid_on=dt.date(2026, 4, 20))
    sign = issue(org, "800.00", kind=BillKind.SIGNBOARD_TAX, due_date=dt.date(2026, 3, 31))
    warned = issue(org, "2000.00")
    (letter,) = warning_letters_issue(
        actor=admin, organization=org, bills=[warned], issued_on=dt.date(2026, 5, 10)
    )
    warning_letter_received(actor=admin, letter=letter, received_on=dt.date(2026, 5, 12))
    issue(org, "5000.00", due_date=dt.date(2026, 12, 31))  # not yet due

    report = arrears_report(actor=admin, organization=org, as_of=JUNE_15)
    rows = {r.bill.number: r for r in report.rows}
    assert set(rows) == {plain.number, split.number, sign.number, warned.number}

    # Then each row is what dues.amount_due says on that day, from the plain facts
    expect = {
        plain.number: amount_due(
            [InstalmentState(1, D("1000.00"), dt.date(2026, 4, 30))], JUNE_15, ChargeContext(kind=plain.kind)
        ),
        split.number: amount_due(
            [
                InstalmentState(1, D("3000.00"), dt.date(2026, 4, 30), D("3000.00")),
                InstalmentState(2, D("3000.00"), dt.date(2026, 5, 30)),
                InstalmentState(3, D("3000.00"), dt.date(2026, 6, 30)),
            ],
            JUNE_15,
            ChargeContext(kind=split.kind),
        ),
        sign.number: amount_due(
            [InstalmentState(1, D("800.00"), dt.date(2026, 3, 31))], JUNE_15, ChargeContext(kind=sign.kind)
        ),
        warned.number: amount_due(
            [InstalmentState(1, D("2000.00"), dt.date(2026, 4, 30))],
            JUNE_15,
            ChargeContext(
                kind=warned.kind,
                warning_received_on=dt.date(2026, 5, 12),
                warning_deadline=dt.date(2026, 6, 11),
            ),
        ),
    }
    for number, due in expect.items():
        r = rows[number]
        assert (r.principal, r.penalty, r.surcharge, r.total) == (
            due.principal,
            due.penalty,
            due.surcharge,
            due.total,
        )
        assert r.months_late == due.months_late
    # And the figures themselves, by hand (THAI-RULES §1, §2)
    assert (rows[plain.number].penalty, rows[plain.number].surcharge) == (D("100.00"), D("20.00"))
    assert rows[split.number].principal == D("6000.00")  # 2 and 3 (3 not yet due, but the right has ended)
    assert rows[split.number].penalty == D("300.00") and rows[split.number].surcharge == D("30.00")
    assert rows[sign.number].surcharge == D("48.00")  # 2% a month, 3 months
    assert rows[warned.number].penalty == D("800.00")  # 40%: the letter's deadline passed
    assert rows[plain.number].days_overdue == 46 and rows[sign.number].days_overdue == 76
    assert report.rows[0].bill == sign  # oldest due first
    assert report.total == sum((d.total for d in expect.values()), D(0))


def test_groups_by_kind_and_year(org, admin):
    issue(org, "1000.00")
    issue(org, "500.00")
    issue(org, "300.00", year=2025, due_date=dt.date(2026, 3, 1))
    issue(org, "800.00", kind=BillKind.SIGNBOARD_TAX)
    report = arrears_report(actor=admin, organization=org, as_of=JUNE_15)
    groups = [(g.kind, g.year, g.count, g.principal) for g in report.groups]
    assert groups == [
        ("land_building_tax", 2026, 2, D("1500.00")),
        ("signboard_tax", 2026, 1, D("800.00")),
        ("land_building_tax", 2025, 1, D("300.00")),
    ]
    assert sum((g.total for g in report.groups), D(0)) == report.total
    only = arrears_report(actor=admin, organization=org, as_of=JUNE_15, kind="signboard_tax")
    assert [r.bill.kind for r in only.rows] == ["signboard_tax"]


def test_another_organisations_arrears_stay_out(org, admin):
    from muang.billing.tests.factories import billing_organization

    other = billing_organization()
    issue(other, "1000.00")
    assert arrears_report(actor=admin, organization=org, as_of=JUNE_15).rows == []
    with pytest.raises(AccessDenied):
        arrears_report(actor=admin, organization=other, as_of=JUNE_15)


def test_bill_locations_from_parcel_and_building_lines(org, admin):
    surveyed = ParcelFactory(organization=org, location=None)  # only its shape: a point on it is used
    pinned = ParcelFactory(organization=org, geometry=None, location=inside(org, 77))  # only a pin
    building = BuildingFactory(parcel=pinned)
    other_parcel = ParcelFactory()  # another organisation's: never found through ours
    land = issue(org, "1000.00", source_ref="property:owner:1")
    BillLine.objects.filter(bill=land).update(source_ref=f"property:parcel:{surveyed.pk}")
    BillLine.objects.create(
        organization=org, bill=land, position=2, description="บ้าน", amount=0,
        source_ref=f"property:building:{building.pk}",
    )  # fmt: skip
    foreign = issue(org, "1000.00")
    BillLine.objects.filter(bill=foreign).update(source_ref=f"property:parcel:{other_parcel.pk}")
    sign = issue(org, "200.00", kind=BillKind.SIGNBOARD_TAX)

    points = bill_locations(actor=admin, organization=org, bills=[land, foreign, sign])
    assert set(points) == {land.pk}
    (a, b) = points[land.pk]
    surveyed.refresh_from_db()
    assert surveyed.geometry.intersects(Point(*a, srid=4326))
    assert b == (round(pinned.location.x, 6), round(pinned.location.y, 6))
