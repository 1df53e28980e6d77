"""The allowances' configuration in the Django admin (care/admin.py): who may change what is walked by
core/tests/test_admin_authorization.py; here, what the forms refuse and that a paid rate keeps its amount."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.urls import reverse

from muang.care.models import AllowancePayer, AllowanceRate, ConfirmationWindow
from muang.care.tests.allowance_helpers import DECEMBER, IN_DECEMBER, elder, run
from muang.core.models import AuditEntry, Role
from muang.core.tests.factories import OrganizationFactory, UserFactory, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def org(areas):
    return OrganizationFactory()


@pytest.fixture
def operator(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def _rate_form(rate: AllowanceRate, **changes) -> dict:
    data = {
        "kind": rate.kind,
        "min_age": rate.min_age,
        "max_age": rate.max_age or "",
        "welfare_card": "on" if rate.welfare_card else "",
        "amount": rate.amount,
        "valid_from": rate.valid_from.isoformat(),
        "valid_to": rate.valid_to.isoformat() if rate.valid_to else "",
        "source": rate.source,
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v != ""}


def test_a_rate_paid_at_keeps_its_amount_and_ends_no_earlier_than_its_last_paid_month(org, operator):
    elder(org, 1, dt.date(1945, 1, 1))  # 81: paid 800 in December 2026
    run(org, DECEMBER, IN_DECEMBER)
    rate = AllowanceRate.objects.get(kind="elderly", min_age=80, valid_to__isnull=True)
    url = reverse("admin:care_allowancerate_change", args=[rate.pk])
    page = operator.get(url).content.decode()
    assert 'name="amount"' not in page  # read-only once paid: a Cabinet change is a new row
    response = operator.post(url, _rate_form(rate, amount="850.00", valid_to="2026-11-30"))
    assert set(response.context["adminform"].form.errors) == {"valid_to"}
    assert "12/2569" in response.content.decode()  # the month already paid, in the Buddhist Era
    rate.refresh_from_db()
    assert rate.amount == Decimal("800.00") and rate.valid_to is None
    response = operator.post(url, _rate_form(rate, valid_to="2027-09-30"))
    assert response.status_code == 302
    rate.refresh_from_db()
    assert rate.valid_to == dt.date(2027, 9, 30) and rate.amount == Decimal("800.00")
    assert AuditEntry.objects.filter(object_type="care.AllowanceRate", action="update").exists()


def test_a_new_rate_is_checked_and_added_by_the_operator(org, operator):
    url = reverse("admin:care_allowancerate_add")
    bad = {
        "kind": "elderly",
        "min_age": 80,
        "max_age": 70,
        "amount": "850.00",
        "valid_from": "2027-10-01",
        "source": "มติ ครม.",
    }
    assert set(operator.post(url, bad).context["adminform"].form.errors) == {"max_age"}
    assert not AllowanceRate.objects.filter(amount=Decimal("850.00")).exists()
    assert operator.post(url, {**bad, "max_age": 89}).status_code == 302
    assert AllowanceRate.objects.filter(amount=Decimal("850.00"), valid_from=dt.date(2027, 10, 1)).exists()


def test_a_nurse_with_a_staff_flag_reads_rates_but_cannot_change_them(org, client):
    nurse = member(org, Role.OFFICER)
    nurse.is_staff = True
    nurse.save(update_fields=["is_staff"])
    client.force_login(nurse)
    rate = AllowanceRate.objects.get(kind="elderly", min_age=80, valid_to__isnull=True)
    url = reverse("admin:care_allowancerate_change", args=[rate.pk])
    assert client.get(url).status_code == 200
    client.post(url, _rate_form(rate, amount="1.00"))
    rate.refresh_from_db()
    assert rate.amount == Decimal("800.00")
    assert client.get(reverse("admin:care_allowancerate_add")).status_code == 403


def test_the_paying_account_and_windows_are_checked_like_the_services(org, client):
    admin_user = member(org, Role.SYSTEM_ADMIN)
    admin_user.is_staff = True
    admin_user.save(update_fields=["is_staff"])
    client.force_login(admin_user)
    url = reverse("admin:care_allowancepayer_add")
    data = {
        "organization": org.pk,
        "bank_code": "006",
        "branch_code": "412",
        "account_number": "412-0012345",
        "account_name": "เทศบาลเมืองชุมแพ",
        "company_id": "CHUMPHAE01",
    }
    response = client.post(url, data)
    assert set(response.context["adminform"].form.errors) == {"branch_code"}
    assert not AllowancePayer.objects.exists()
    assert client.post(url, {**data, "branch_code": "0412"}).status_code == 302
    payer = AllowancePayer.objects.get(organization=org)
    assert payer.account_number == "4120012345"  # cleaned as the service cleans it
    url = reverse("admin:care_confirmationwindow_add")
    window = {
        "organization": org.pk,
        "fiscal_year": 2570,
        "opens_on": "2026-09-30",
        "closes_on": "2026-08-01",
    }
    assert set(client.post(url, window).context["adminform"].form.errors) == {"closes_on"}
    response = client.post(url, {**window, "fiscal_year": 2027, "closes_on": "2026-10-31"})
    assert set(response.context["adminform"].form.errors) == {"fiscal_year"}
    assert not ConfirmationWindow.objects.exists()
    assert client.post(url, {**window, "closes_on": "2026-10-31"}).status_code == 302
    assert ConfirmationWindow.objects.filter(organization=org, fiscal_year=2570).count() == 1


def test_the_rates_list_writes_its_dates_in_the_buddhist_era(operator, settings):
    """The admin lists write dates as every Muang page does (Django's own date format prints the Christian
    year): the 2011 rates in force from 1 October 2554."""
    operator.cookies[settings.LANGUAGE_COOKIE_NAME] = "th"
    page = operator.get(reverse("admin:care_allowancerate_changelist")).content.decode()
    assert "1 ตุลาคม 2554" in page and "ตุลาคม 2011" not in page


def test_the_admin_scripts_count_the_selection_in_thai(operator, settings):
    """Django's Thai catalogue for the admin's scripts leaves "selected" in English ("0 จาก 6 selected"); ours
    (LOCALE_PATHS, djangojs) completes it."""
    operator.cookies[settings.LANGUAGE_COOKIE_NAME] = "th"
    script = operator.get(reverse("admin:jsi18n")).content.decode()  # the catalogue as JSON (\\uXXXX)
    assert json.dumps("เลือกแล้ว %(sel)s จาก %(cnt)s รายการ") in script
    assert json.dumps("%(sel)s จาก %(cnt)s selected") not in script
