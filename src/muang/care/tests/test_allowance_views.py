"""The allowance pages: start the month (a second start is refused as a form error, 409), the run's page with
totals by tier and the stopped, the files, marking the month paid, the person's history; API refusals as
problem+json."""

import datetime as dt
import json

import pytest
from django.test import Client
from django.urls import reverse

from muang.care import allowance_views, allowances_api
from muang.care.models import AllowanceRun
from muang.care.services import person_death_record
from muang.care.tests.allowance_helpers import IN_DECEMBER, elder, payer
from muang.care.tests.helpers import carer
from muang.core.access import SYSTEM
from muang.core.models import AuditEntry
from muang.core.tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def org(areas, monkeypatch):
    monkeypatch.setattr(allowance_views, "_today", lambda: IN_DECEMBER)
    monkeypatch.setattr(allowances_api, "_today", lambda: IN_DECEMBER)
    return OrganizationFactory()


@pytest.fixture
def client(org):
    c = Client()
    c.force_login(carer(org).user)
    return c


def test_an_officer_runs_the_month_and_a_second_run_is_refused(org, django_capture_on_commit_callbacks):
    officer = carer(org).user
    client = Client()
    client.force_login(officer)
    payer(org)
    turning, _ = elder(org, 1, dt.date(1946, 11, 14))  # 80 on 14 November: the new tier from December
    dead, _ = elder(org, 2, dt.date(1950, 1, 1), name="สมศรี")
    person_death_record(actor=SYSTEM, person=dead, died_on=dt.date(2026, 11, 20), today=IN_DECEMBER)
    url = reverse("care:allowance-runs")
    page = client.get(url)
    assert page.status_code == 200 and "ธันวาคม 2569" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"month": "2026-12-01"})
    run = AllowanceRun.objects.get(organization=org)
    assert response.status_code == 302 and response.url == reverse("care:allowance-run", args=[run.pk])
    body = client.get(response.url).content.decode()
    assert "80–89" in body and "800.00" in body and "died" in body
    # who started it, by name: never the account's username
    assert "สมชาย ใจดี" in body and officer.username not in body

    again = client.post(url, {"month": "2026-12-01"})
    assert again.status_code == 409 and "already been run" in again.content.decode()
    assert AllowanceRun.objects.count() == 1

    ktb = client.get(reverse("care:allowance-file", args=[run.pk, "ktb"]))
    assert ktb.status_code == 200 and ktb["Content-Disposition"].endswith('ktb.txt"')
    assert ktb.content.count(b"\r\n") == 2  # the header and the one elder paid by transfer
    cash = client.get(reverse("care:allowance-file", args=[run.pk, "cash-pdf"]))
    assert cash.status_code == 200 and cash.content.startswith(b"%PDF")

    paid = client.post(reverse("care:allowance-run", args=[run.pk]), {"paid_on": "08/12/2569"})
    assert paid.status_code == 302
    run.refresh_from_db()
    assert run.status == "paid" and run.paid_on == dt.date(2026, 12, 8)

    history = client.get(reverse("care:person", args=[turning.pk]) + "?purpose=care").content.decode()
    assert 'id="person-allowances"' in history and "800.00" in history


def test_the_api_refuses_a_second_run_with_409_and_a_bad_account_naming_the_field(org):
    person, right = elder(org, 1, dt.date(1950, 1, 1))
    c = Client()
    c.force_login(carer(org).user)
    base = f"/api/v1/organizations/{org.slug}/care/allowances"
    first = c.post(base + "/runs", json.dumps({"month": "2026-12-01"}), content_type="application/json")
    assert first.status_code == 202
    second = c.post(base + "/runs", json.dumps({"month": "2026-12-01"}), content_type="application/json")
    assert second.status_code == 409 and second["Content-Type"] == "application/problem+json"
    before = AuditEntry.objects.count()
    bad = c.put(
        base + f"/rights/{right.pk}",
        json.dumps({"method": "bank", "bank_code": "006", "account_number": "12"}),
        content_type="application/json",
    )
    assert bad.status_code in (400, 422) and "account_number" in bad.content.decode()
    assert AuditEntry.objects.count() == before
    history = c.get(f"/api/v1/organizations/{org.slug}/care/people/{person.pk}/allowances").json()
    assert history["rights"][0]["kind"] == "elderly"
