"""The allowance rates as dated rows (THAI-RULES §6), seeded by migration 0003 and again by tests after a
transactional test flushed the tables. A Cabinet change is a new row with its `valid_from` (and the old row's
`valid_to` set to the day before), never an edit of an amount a paid line points at.

Sources:
- Elderly living allowance in steps by age, 600 / 700 / 800 / 1,000 baht a month for 60–69 / 70–79 / 80–89 /
  90+, from fiscal year 2555 (1 October 2011; Cabinet resolution of 27 September 2011), carried by the
  Ministry of Interior regulation B.E. 2566 (Royal Gazette 11 August 2023).
- Disability allowance 800 baht a month from fiscal year 2556 (1 October 2012); from fiscal year 2564
  (1 October 2020) 1,000 baht for people under 18 and for holders of the state welfare card, 800 for others.
"""

import datetime as dt
from decimal import Decimal

ELDERLY_SOURCE = "มติ ครม. 27 ก.ย. 2554 (เบี้ยยังชีพแบบขั้นบันได) / ระเบียบ มท. พ.ศ. 2566 (THAI-RULES §6)"
DISABILITY_SOURCE = "เบี้ยความพิการ 800 บาท ตั้งแต่ ปีงบประมาณ 2556 (THAI-RULES §6)"
DISABILITY_2564_SOURCE = "เบี้ยความพิการ 1,000 บาท อายุต่ำกว่า 18 ปี และผู้ถือบัตรสวัสดิการแห่งรัฐ ตั้งแต่ 1 ต.ค. 2563"

STEPS_FROM = dt.date(2011, 10, 1)
DISABILITY_FROM = dt.date(2012, 10, 1)
DISABILITY_2564_FROM = dt.date(2020, 10, 1)

# (kind, min_age, max_age, welfare_card, amount, valid_from, valid_to, source)
RATES = [
    ("elderly", 60, 69, False, Decimal("600.00"), STEPS_FROM, None, ELDERLY_SOURCE),
    ("elderly", 70, 79, False, Decimal("700.00"), STEPS_FROM, None, ELDERLY_SOURCE),
    ("elderly", 80, 89, False, Decimal("800.00"), STEPS_FROM, None, ELDERLY_SOURCE),
    ("elderly", 90, None, False, Decimal("1000.00"), STEPS_FROM, None, ELDERLY_SOURCE),
    (
        "disability",
        0,
        None,
        False,
        Decimal("800.00"),
        DISABILITY_FROM,
        DISABILITY_2564_FROM - dt.timedelta(days=1),
        DISABILITY_SOURCE,
    ),
    ("disability", 0, 17, False, Decimal("1000.00"), DISABILITY_2564_FROM, None, DISABILITY_2564_SOURCE),
    ("disability", 18, None, False, Decimal("800.00"), DISABILITY_2564_FROM, None, DISABILITY_2564_SOURCE),
    ("disability", 0, None, True, Decimal("1000.00"), DISABILITY_2564_FROM, None, DISABILITY_2564_SOURCE),
]


def seed(model) -> None:
    """The rows, into `model` (the historical model in the migration, the real one in tests); idempotent."""
    for kind, min_age, max_age, card, amount, valid_from, valid_to, source in RATES:
        model.objects.update_or_create(
            kind=kind,
            min_age=min_age,
            welfare_card=card,
            valid_from=valid_from,
            defaults={"max_age": max_age, "amount": amount, "valid_to": valid_to, "source": source},
        )
