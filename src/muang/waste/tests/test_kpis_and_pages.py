import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client

from muang.billing.models import Bill
from muang.billing.services.payments import payment_record
from muang.waste.kpis import arrears, collection_rate
from muang.waste.models import RateSchedule
from muang.waste.services.billing import waste_billing_run

pytestmark = pytest.mark.django_db


def test_the_kpis_count_only_waste_fees(town):
    start, end = dt.date(2026, 1, 1), dt.date(2026, 1, 31)
    assert collection_rate(organization=town.org, start=start, end=end) is None
    waste_billing_run(actor=town.finance_head, organization=town.org, period=start, issued_on=start)
    home = Bill.objects.get(source_ref=f"waste:account:202601.{town.home.pk}")
    payment_record(
        actor=town.finance_officer,
        bill=home,
        amount=Decimal("20.00"),
        channel="cash",
        paid_on=dt.date(2026, 1, 20),
    )
    assert collection_rate(organization=town.org, start=start, end=end) == Decimal("11.8")  # 20 of 170
    assert arrears(organization=town.org, start=start, end=end) == Decimal("150.00")


def client_of(actor):
    client = Client()
    client.force_login(actor.user)
    return client


def test_a_rate_above_the_ceiling_on_the_page_names_the_field_and_writes_nothing(town):
    before = RateSchedule.objects.count()
    response = client_of(town.health_officer).post(
        "/waste/rates/",
        {
            "ordinance": "เทศบัญญัติใหม่",
            "effective_from": "01/10/2569",
            "rates.0.code": "home",
            "rates.0.name": "บ้าน",
            "rates.0.litres_per_day": "20",
            "rates.0.monthly_fee": "45.00",
        },
    )
    assert response.status_code == 422
    assert "rates.0.monthly_fee" in response.context["form"].errors
    assert RateSchedule.objects.count() == before


def test_the_officer_pages_render(town):
    waste_billing_run(actor=town.finance_head, organization=town.org, period=dt.date(2026, 1, 1))
    health, finance = client_of(town.health_officer), client_of(town.finance_head)
    for client, path in (
        (health, "/waste/"),
        (health, "/waste/rates/"),
        (health, "/waste/routes/"),
        (health, f"/waste/routes/{town.route.pk}/"),
        (health, "/waste/crew/"),
        (finance, "/waste/arrears/"),
        (finance, "/waste/billing/"),
    ):
        response = client.get(path)
        assert response.status_code == 200, path
    # Billed today for January: 15 days to pay, so nobody is late yet.
    assert "Nobody is in arrears." in finance.get("/waste/arrears/").content.decode()
    response = finance.post("/waste/billing/", {"period": "01/02/2569", "cycle": "monthly"})
    assert response.status_code == 200 and response.context["result"].issued == 2
    response = health.post(
        "/waste/",
        {
            "number": "H001",
            "holder_name": "x",
            "kind": "household",
            "rate_class": "home",
            "cycle": "monthly",
            "opened_on": "01/01/2569",
        },
    )
    assert response.status_code == 422 and "number" in response.context["form"].errors
