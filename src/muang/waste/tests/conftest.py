"""A town that bills waste fees: a finance department (billing's), a public-health department with a crew,
a rate schedule, accounts on the tax map, a route with stops."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest

from muang.billing.tests.factories import billing_organization
from muang.core.access import Actor
from muang.core.models import Department, Duty, Organization, Role
from muang.core.tests.factories import DepartmentFactory, member
from muang.property.tests.factories import inside
from muang.waste.models import Account, Route
from muang.waste.services.accounts import account_create
from muang.waste.services.collection import route_create
from muang.waste.services.rates import rate_schedule_create

RATES = [
    {"code": "home", "name": "บ้านพักอาศัย", "litres_per_day": 20, "monthly_fee": Decimal("20.00")},
    {"code": "shop", "name": "ร้านค้า", "litres_per_day": 100, "monthly_fee": Decimal("150.00")},
]


@dataclass
class WasteTown:
    org: Organization
    health: Department
    health_officer: Actor
    finance_head: Actor
    finance_officer: Actor
    route: Route
    home: Account
    shop: Account

    def point(self, n: int):
        return inside(self.org, n)


def make_waste_town() -> WasteTown:
    org = billing_organization()
    health = DepartmentFactory(
        organization=org, code="health-env", name_th="กองสาธารณสุขและสิ่งแวดล้อม", duties=[Duty.PUBLIC_HEALTH]
    )
    finance = org.departments.get(code="revenue")
    health_officer = Actor(user=member(org, Role.OFFICER, department=health))
    finance_head = Actor(user=member(org, Role.DEPARTMENT_HEAD, department=finance))
    finance_officer = Actor(user=member(org, Role.OFFICER, department=finance))
    rate_schedule_create(
        actor=health_officer,
        organization=org,
        ordinance="เทศบัญญัติ เรื่อง ค่าธรรมเนียมเก็บขนมูลฝอย พ.ศ. 2568",
        effective_from=dt.date(2025, 10, 1),
        rates=RATES,
    )
    p0, p1, p2 = inside(org, 0), inside(org, 1), inside(org, 2)
    route = route_create(
        actor=health_officer,
        organization=org,
        code="R1",
        name="สายตลาดสด",
        crew_code="health-env",
        weekdays=[0, 3],
        stops=[
            {"name": "หน้าตลาด", "lat": p0.y, "lon": p0.x},
            {"name": "ซอยวัด", "lat": p1.y, "lon": p1.x},
            {"name": "ท้ายซอย", "lat": p2.y, "lon": p2.x},
        ],
    )
    home = account_create(
        actor=health_officer,
        organization=org,
        number="H001",
        holder_name="นางสมศรี ใจดี",
        rate_class="home",
        opened_on=dt.date(2026, 1, 1),
        phone="0812345678",
        route_code="R1",
    )
    shop = account_create(
        actor=health_officer,
        organization=org,
        number="B001",
        holder_name="ร้านก๋วยเตี๋ยวป้าแดง",
        kind="business",
        rate_class="shop",
        opened_on=dt.date(2026, 1, 1),
    )
    return WasteTown(
        org=org,
        health=health,
        health_officer=health_officer,
        finance_head=finance_head,
        finance_officer=finance_officer,
        route=route,
        home=home,
        shop=shop,
    )


@pytest.fixture
def town(areas) -> WasteTown:
    return make_waste_town()
