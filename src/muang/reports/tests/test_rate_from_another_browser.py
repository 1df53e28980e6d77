"""Rating a resolved report from another browser than the one that filed it (issue 8, item 17).

It used to work only from the filing browser, and the page did not say so. The tracking code (in the page's
address) and the phone number given with the report now suffice; a report filed through LINE is rated in the
LINE chat as well. Wrong numbers are counted so that a number cannot be guessed.
"""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from muang.cases.models import Case, Channel
from muang.cases.services import case_assign, case_change_status, case_submit
from muang.cases.tests.conftest import make_town
from muang.core.models import Citizen
from muang.reports import services
from muang.reports.models import ReporterCheck
from muang.reports.tests.test_web_intake import form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def town(areas):
    return make_town()


def _file_and_resolve(town, **overrides) -> str:
    code = Client().post("/r/", form_data(town, **overrides))["Location"].rsplit("/", 1)[1]
    case = case_assign(actor=town.head, case=Case.objects.get(tracking_code=code), assignee=town.officer.user)
    case_change_status(actor=town.officer, case=case, status="resolved", message="ซ่อมแล้วครับ")
    return code


def test_the_reporter_rates_from_another_phone_with_the_number_they_gave(town):
    code = _file_and_resolve(town, contact_phone="081-234-5678")
    other = Client(REMOTE_ADDR="10.0.0.7")
    page = other.get(f"/r/{code}").content.decode()
    assert 'id="claim-form"' in page and 'id="rate-form"' not in page  # the page says how

    wrong = other.post(f"/r/{code}/mine", {"phone": "0899999999"})
    assert wrong.status_code == 422
    assert "This is not the phone number given with this report." in wrong.content.decode()
    assert 'id="rate-form"' not in other.get(f"/r/{code}").content.decode()

    right = other.post(f"/r/{code}/mine", {"phone": "+66 81 234 5678"})  # any way of writing it
    assert right.status_code == 302
    page = other.get(f"/r/{code}").content.decode()
    assert 'id="rate-form"' in page and 'id="claim-form"' not in page
    assert other.post(f"/r/{code}/rate", {"stars": "5"}).status_code == 302
    assert Case.objects.get(tracking_code=code).rating == 5
    assert list(ReporterCheck.objects.values_list("succeeded", flat=True).order_by("id")) == [False, True]
    # No phone number is kept beside the tries.
    assert "0812345678" not in str(list(ReporterCheck.objects.values()))


def test_wrong_numbers_are_refused_after_five_an_hour_per_report(town):
    code = _file_and_resolve(town)
    case = Case.objects.get(tracking_code=code)
    guesser = Client(REMOTE_ADDR="10.0.0.8")
    for i in range(services.CLAIM_WRONG_PER_CASE):
        assert guesser.post(f"/r/{code}/mine", {"phone": f"08100000{i:02d}"}).status_code == 422
    # Even the right number now waits, from any address: the guesses are counted per report.
    refused = Client(REMOTE_ADDR="10.0.0.9").post(f"/r/{code}/mine", {"phone": "0812345678"})
    assert refused.status_code == 429 and "Too many wrong numbers" in refused.content.decode()
    assert ReporterCheck.objects.filter(succeeded=True).count() == 0

    session: dict = {}
    later = timezone.now() + services.CLAIM_WINDOW + dt.timedelta(minutes=1)
    services.reporter_claim(session=session, case=case, phone="0812345678", ip_address="10.0.0.9", now=later)
    assert code in session[services.SESSION_KEY]


def test_wrong_numbers_are_refused_after_thirty_an_hour_per_address(town):
    now = timezone.now()
    keys = ("a" * 32, "b" * 32)
    cases = [Case.objects.get(tracking_code=_file_and_resolve(town, idempotency_key=k)) for k in keys]
    for _i in range(services.CLAIM_WRONG_PER_ADDRESS):  # one address guessing at another report
        ReporterCheck.objects.create(
            organization=town.org, case=cases[1], ip_address="10.0.0.10", created_at=now
        )
    with pytest.raises(services.ClaimThrottled):
        services.reporter_claim(
            session={}, case=cases[0], phone="0812345678", ip_address="10.0.0.10", now=now
        )
    services.reporter_claim(session={}, case=cases[0], phone="0812345678", ip_address="10.0.0.11", now=now)


def test_a_report_filed_through_line_says_it_can_be_rated_in_the_chat(town):
    citizen = Citizen.objects.create(line_user_id="U" + "1" * 32)
    case, _created = case_submit(
        organization=town.org,
        category=town.category,
        channel=Channel.LINE,
        description="ไฟดับ",
        reporter=citizen,
        location=town.org.boundary.point_on_surface,
    )
    case = case_assign(actor=town.head, case=case, assignee=town.officer.user)
    case_change_status(actor=town.officer, case=case, status="resolved")
    page = Client().get(f"/r/{case.tracking_code}").content.decode()
    assert 'id="claim-line"' in page and 'id="claim-form"' in page


def test_an_open_report_tells_how_it_will_be_rated(town):
    code = Client().post("/r/", form_data(town))["Location"].rsplit("/", 1)[1]
    page = Client().get(f"/r/{code}").content.decode()
    assert 'id="rate-later"' in page and 'id="claim-form"' not in page
