import datetime as dt
from decimal import Decimal

from ninja import Field, Schema


class RateIn(Schema):
    code: str = Field(..., max_length=20)
    name: str = Field(..., max_length=200)
    litres_per_day: int
    monthly_fee: Decimal


class RateScheduleIn(Schema):
    ordinance: str = Field(..., max_length=300)
    effective_from: dt.date
    rates: list[RateIn] = Field(..., max_length=100)


class RateOut(Schema):
    code: str
    name: str
    litres_per_day: int
    monthly_fee: Decimal


class RateScheduleOut(Schema):
    id: int
    ordinance: str
    effective_from: dt.date
    rates: list[RateOut]

    @staticmethod
    def resolve_rates(schedule) -> list:
        return list(schedule.rates.all())


class AccountIn(Schema):
    number: str = Field(..., max_length=20)
    holder_name: str = Field(..., max_length=300)
    rate_class: str = Field(..., max_length=20)
    opened_on: dt.date
    kind: str = "household"
    cycle: str = "monthly"
    holder_tax_id: str = Field("", max_length=13)
    house_number: str = Field("", max_length=30)
    address: str = Field("", max_length=500)
    phone: str = Field("", max_length=20)
    lat: float | None = None
    lon: float | None = None
    route_code: str = Field("", max_length=20)


class AccountOut(Schema):
    number: str
    kind: str
    holder_name: str
    rate_class: str
    cycle: str
    parcel_code: str
    building_id: int | None
    route_code: str
    opened_on: dt.date
    closed_on: dt.date | None

    @staticmethod
    def resolve_route_code(account) -> str:
        return account.route.code if account.route_id else ""


class BillingRunIn(Schema):
    period: dt.date
    cycle: str = "monthly"


class BillingRunOut(Schema):
    issued: int
    unchanged: int
    reissued: int
    cancelled: int
    conflicts: int
    issued_total: Decimal

    @staticmethod
    def resolve_conflicts(result) -> int:
        return len(result.conflicts)


class WasteArrearsOut(Schema):
    account_number: str
    holder_name: str
    months: int
    total: Decimal
    oldest_due_date: dt.date

    @staticmethod
    def resolve_account_number(entry) -> str:
        return entry.account.number if entry.account else ""

    @staticmethod
    def resolve_holder_name(entry) -> str:
        return entry.account.holder_name if entry.account else ""


class StopOut(Schema):
    seq: int
    name: str
    lat: float
    lon: float
    fill_percent: Decimal | None
    priority: int

    @staticmethod
    def resolve_lat(stop) -> float:
        return stop.location.y

    @staticmethod
    def resolve_lon(stop) -> float:
        return stop.location.x


class StopIn(Schema):
    name: str = Field(..., max_length=200)
    lat: float
    lon: float


class RouteIn(Schema):
    code: str = Field(..., max_length=20)
    name: str = Field(..., max_length=200)
    crew_code: str = Field(..., max_length=40)
    weekdays: list[int] = Field(..., max_length=7)
    stops: list[StopIn] = Field([], max_length=500)


class RouteOut(Schema):
    id: int
    code: str
    name: str
    crew: str
    weekdays: list[int]

    @staticmethod
    def resolve_crew(route) -> str:
        return route.crew.code


class TripIn(Schema):
    day: dt.date
    stops_collected: int
    note: str = Field("", max_length=500)


class TripOut(Schema):
    day: dt.date
    stops_collected: int
    note: str
