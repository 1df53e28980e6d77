"""The demo's holiday calendars: the Thai public holidays of B.E. 2569 and 2570 in every demo organisation, loaded
once (audited), and read by the working-day counts (an e-service's time limit skips Songkran)."""

import datetime as dt

import pytest

from muang.cases.demo import load_demo_holidays, thai_public_holidays
from muang.cases.models import Holiday
from muang.cases.services import due_dates_for
from muang.core.demo import DEMO_ORGS
from muang.core.models import AuditEntry, Organization
from muang.core.thai_dates import buddhist_era

SATURDAY, SUNDAY = 5, 6


def test_the_file_holds_2569_and_2570_each_weekend_holiday_with_its_substitution():
    holidays = thai_public_holidays()
    days = {d for d, _th, _en in holidays}
    assert {buddhist_era(d.year) for d in days} == {2569, 2570}
    assert len(days) == len(holidays)  # one name a day
    for fixed in ((1, 1), (4, 6), (4, 13), (4, 14), (4, 15), (5, 4), (6, 3), (7, 28), (8, 12), (10, 13)):
        assert {dt.date(2026, *fixed), dt.date(2027, *fixed)} <= days
    assert {dt.date(2026, 3, 3), dt.date(2026, 5, 31), dt.date(2026, 7, 29), dt.date(2026, 7, 30)} <= days
    english = {d: en for d, _th, en in holidays}
    substitutions = {d for d, en in english.items() if en.startswith("Substitution for")}
    assert all(d.weekday() < SATURDAY for d in substitutions)
    for day in sorted(days - substitutions):
        if day.weekday() in (SATURDAY, SUNDAY):  # moves to the next working day that is not a holiday itself
            moved = day + dt.timedelta(days=1)
            while moved.weekday() >= SATURDAY or (moved in days and moved not in substitutions):
                moved += dt.timedelta(days=1)
            assert moved in substitutions and english[day] in english[moved], day


@pytest.mark.django_db
def test_every_demo_organisation_gets_them_once(areas):
    from muang.core.demo import load_demo

    load_demo()
    organizations = Organization.objects.filter(slug__in=[d.slug for d in DEMO_ORGS])
    expected = len(thai_public_holidays()) * organizations.count()
    assert load_demo_holidays() == expected == Holiday.objects.count()
    assert (
        AuditEntry.objects.filter(action=AuditEntry.Action.CREATE, object_type="cases.Holiday").count()
        == expected
    )
    assert load_demo_holidays() == 0  # idempotent on reload
    chumphae = organizations.get(slug="chumphae")
    assert Holiday.objects.get(organization=chumphae, date=dt.date(2026, 6, 1)).name_th == (
        "วันหยุดชดเชยวันวิสาขบูชา"
    )

    # Five working days from Thursday 9 April 2569: 10, 16, 17, 20, 21 (the weekends and Songkran, 13-15, skipped).
    assert due_dates_for(chumphae, dt.date(2026, 4, 9), [(5, "working_days")]) == [dt.date(2026, 4, 21)]
