"""The one-stop counter's rules: the manual as data, applications refused whole on bad input, the one request
for missing documents (s.8), late decisions and the 7-day notices (s.10), the fee bill, the licence."""

import datetime as dt
from decimal import Decimal

import pytest

from muang.billing.models import (
    BankStatementLine,
    Bill,
    BillStatus,
    MatchStatus,
    PaymentChannel,
    Refund,
    RefundReason,
)
from muang.billing.services.payments import payment_record
from muang.billing.services.reconciliation import bank_line_resolve, bank_statement_import
from muang.billing.tests.factories import billing_organization, cashier_actor, muang_csv
from muang.core.access import SYSTEM, Actor
from muang.core.errors import AccessDenied, Conflict, InvalidInput
from muang.core.models import AuditEntry, Notification, Role
from muang.core.tests.factories import member
from muang.eservices import kpis
from muang.eservices.models import Application, ApplicationDocument, ApplicationStatus, Licence, Service
from muang.eservices.services import (
    application_add_documents,
    application_decide,
    application_request_documents,
    application_schedule_inspection,
    application_submit,
    applications_notify_late,
    applications_settle_paid,
    catalogue_entries,
    catalogue_load,
    licences_remind_renewal,
)
from muang.eservices.tests.conftest import NOW
from muang.eservices.tests.helpers import FOOD_DATA, applicant, food_documents, pdf, png, png_bytes
from muang.testing.images import bomb_png, upload

pytestmark = pytest.mark.django_db


def submit(org, service, **kw):
    args = {
        "actor": applicant(org, kw.pop("phone", "0812345678")),
        "organization": org,
        "service": service,
        "applicant_name": "สมศรี ใจดี",
        "data": FOOD_DATA,
        "documents": food_documents(),
        "now": NOW,
    }
    args.update(kw)
    return application_submit(**args)


def test_the_catalogue_holds_the_seven_manuals_each_with_what_s7_asks(org):
    services = {s.code: s for s in Service.objects.filter(organization=org)}
    assert set(services) == {
        "building-permit",
        "health-hazard-business",
        "food-premises-licence",
        "food-premises-notification",
        "waste-collection-registration",
        "public-place-event",
        "elderly-allowance-confirmation",
    }
    food = services["food-premises-licence"]
    assert food.total_days == 30 and all(s["department"] for s in food.steps)
    assert services["elderly-allowance-confirmation"].fees == []  # "no fee", stated
    assert catalogue_load(actor=SYSTEM, organization=org, entries=catalogue_entries()) == 0  # once


def test_a_manual_without_steps_times_is_refused(org):
    entry = {
        **catalogue_entries()[0],
        "code": "x",
        "steps": [{"name": "ตรวจ", "department": "กองช่าง", "days": 0}],
    }
    with pytest.raises(InvalidInput) as e:
        catalogue_load(actor=SYSTEM, organization=org, entries=[entry])
    assert "steps" in e.value.field_errors


def test_an_application_online_is_numbered_due_by_the_manual_and_tells_the_applicant(org, food):
    application = submit(org, food)
    assert application.reference == "ES2569000001"
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.due_on == dt.date(2026, 4, 1)  # 30 days
    assert application.fee == Decimal("1000.00")
    assert application.data["floor_area"] == "240"
    assert ApplicationDocument.objects.filter(application=application).count() == 3
    png_doc = ApplicationDocument.objects.get(application=application, code="floor-plan")
    assert png_doc.content_type == "image/jpeg" and png_doc.file_name.startswith(
        f"eservice-documents/{org.pk}/"
    )
    sms = Notification.objects.get()
    assert sms.channel == Notification.Channel.SMS and "ES2569000001" in sms.messages[0]["text"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"documents": {"id-card": pdf(), "floor-plan": png()}}, "documents.house-registration"),
        ({"data": {**FOOD_DATA, "floor_area": "150"}}, "floor_area"),  # ≤ 200 m²: the notification instead
        ({"data": {**FOOD_DATA, "seats": "many"}}, "seats"),
        ({"data": {**FOOD_DATA, "colour": "red"}}, "colour"),
        ({"applicant_name": " "}, "applicant_name"),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_nothing_is_written(org, food, change, field):
    with pytest.raises(InvalidInput) as e:
        submit(org, food, **change)
    assert field in e.value.field_errors
    assert not Application.objects.exists() and not ApplicationDocument.objects.exists()


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("plan.pdf", png_bytes(), "not a PDF"),  # not what it says
        ("plan.png", b"%PDF-1.4 not an image %%EOF", ""),
        ("plan.png", bomb_png(), ""),  # a decompression bomb
        ("plan.exe", b"MZ", "PDF, JPEG or PNG"),
        ("plan.pdf", b"%PDF-1.4" + b"0" * (10 * 1024 * 1024) + b"%%EOF", "10 MB"),
    ],
)
def test_an_upload_that_is_not_what_it_says_too_large_or_a_bomb_is_refused(org, food, name, data, message):
    documents = {**food_documents(), "floor-plan": upload(data, name=name, content_type="application/pdf")}
    with pytest.raises(InvalidInput) as e:
        submit(org, food, documents=documents)
    assert "documents.floor-plan" in e.value.field_errors
    assert message in str(e.value.field_errors["documents.floor-plan"])
    assert not Application.objects.exists()


def test_missing_documents_are_requested_once_and_the_clock_restarts_when_they_arrive(
    org, food, officer, head
):
    application = submit(org, food)
    application_request_documents(
        actor=officer, application=application, codes=["fire-safety-plan"], note="พื้นที่เกิน 200 ตร.ม.", now=NOW
    )
    application.refresh_from_db()
    assert application.status == ApplicationStatus.MISSING_DOCUMENTS
    with pytest.raises(Conflict, match="one request only"):
        application_request_documents(
            actor=officer, application=application, codes=["food-handler-certificate"], now=NOW
        )
    with pytest.raises(Conflict):
        application_decide(
            actor=head,
            application=application,
            approve=True,
            reasons="ok",
            now=NOW,
        )
    later = NOW + dt.timedelta(days=5)
    application_add_documents(
        actor=applicant(org),
        application=application,
        documents={"fire-safety-plan": pdf()},
        now=later,
    )
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.due_on == dt.date(2026, 4, 6)


def test_a_signed_in_applicant_reaches_only_the_applications_of_their_own_number(org, food):
    mine = submit(org, food)
    other = submit(org, food, phone="0899999999")
    application_add_documents(actor=applicant(org), application=mine, documents={"id-card": pdf()})
    with pytest.raises(AccessDenied):
        application_add_documents(actor=applicant(org), application=other, documents={"id-card": pdf()})
    elsewhere = billing_organization()
    with pytest.raises(AccessDenied):  # the same number signed in at another organisation
        application_add_documents(actor=applicant(elsewhere), application=mine, documents={"id-card": pdf()})
    assert mine.applicant_phone == "0812345678" and other.applicant_phone == "0899999999"


def test_online_needs_a_signed_in_applicant_and_the_counter_staff_and_a_mobile_number(org, food, officer):
    for actor in (SYSTEM, officer, applicant(billing_organization())):
        with pytest.raises(AccessDenied, match="Sign in"):
            submit(org, food, actor=actor)
    with pytest.raises(InvalidInput) as e:
        submit(org, food, actor=applicant(org), channel="counter")
    assert "channel" in e.value.field_errors
    with pytest.raises(InvalidInput) as e:
        submit(org, food, actor=officer, channel="counter", applicant_phone="12345")
    assert "applicant_phone" in e.value.field_errors
    counter = submit(org, food, actor=officer, channel="counter", applicant_phone="081-234-5678")
    assert counter.applicant_phone == "0812345678"  # the applicant signs in with it and finds it
    assert not Application.objects.exclude(pk=counter.pk).exists()


def test_an_officer_or_a_head_of_another_duty_may_not_decide_nor_an_officer_without_duty_request(
    org, food, officer
):
    application = submit(org, food)
    tax_head = Actor(user=member(org, Role.DEPARTMENT_HEAD, department=org.departments.get(code="revenue")))
    for actor in (officer, tax_head):
        with pytest.raises(AccessDenied):
            application_decide(actor=actor, application=application, approve=True, reasons="ผ่าน", now=NOW)
    with pytest.raises(AccessDenied):
        application_request_documents(
            actor=Actor(user=member(org, Role.OFFICER)), application=application, codes=["id-card"]
        )


def test_a_late_decision_needs_the_7_day_notices_and_the_task_sends_them_by_itself(org, food, head):
    application = submit(org, food)
    Notification.objects.all().delete()
    day_after = NOW + dt.timedelta(days=31)  # due 1 April; 2 April is late
    assert applications_notify_late(now=NOW + dt.timedelta(days=30)) == 0
    with pytest.raises(Conflict, match="7-day"):
        application_decide(actor=head, application=application, approve=False, reasons="ไม่ผ่าน", now=day_after)
    assert applications_notify_late(now=day_after) == 1
    assert applications_notify_late(now=day_after + dt.timedelta(days=3)) == 0  # not twice within 7 days
    assert applications_notify_late(now=day_after + dt.timedelta(days=7)) == 1
    assert Notification.objects.count() == 2
    application.refresh_from_db()
    assert application.late_notices == 2
    application_decide(
        actor=head,
        application=application,
        approve=False,
        reasons="ไม่ผ่าน",
        now=day_after + dt.timedelta(days=8),
    )


def test_approval_bills_the_fee_the_bank_pays_it_and_the_licence_is_issued_once(org, food, officer, head):
    application = submit(org, food)
    application_schedule_inspection(
        actor=officer, application=application, at=NOW + dt.timedelta(days=3), now=NOW
    )
    decided = NOW + dt.timedelta(days=10)
    application = application_decide(
        actor=head, application=application, approve=True, reasons="ผ่านการตรวจ", now=decided
    )
    assert application.status == ApplicationStatus.PENDING_PAYMENT
    bill = Bill.objects.get(number=application.bill_number)
    assert bill.source_ref == "eservice:application:ES2569000001" and bill.amount == Decimal("1000.00")
    assert applications_settle_paid(now=decided) == 0
    bank_statement_import(
        actor=cashier_actor(org),
        organization=org,
        data=muang_csv([("2026-03-13", "10:00", bill.number, bill.ref2, "1000.00", "T1")]),
        filename="bank.csv",
        bank_format="muang",
    )
    assert applications_settle_paid(now=decided + dt.timedelta(days=1)) == 1
    assert applications_settle_paid(now=decided + dt.timedelta(days=1)) == 0
    licence = Licence.objects.get(application=application)
    assert licence.issued_on == dt.date(2026, 3, 13) and licence.expires_on == dt.date(2027, 3, 12)
    bill.refresh_from_db()
    assert bill.status == BillStatus.PAID
    with pytest.raises(Conflict):  # paying twice at the counter: refused
        payment_record(
            actor=cashier_actor(org), bill=bill, amount=Decimal("1000.00"), channel=PaymentChannel.CASH
        )
    # Paying twice by QR: the bank's second line is held as a duplicate, then refunded, never lost.
    second = bank_statement_import(
        actor=cashier_actor(org),
        organization=org,
        data=muang_csv([("2026-03-14", "09:00", bill.number, bill.ref2, "1000.00", "T2")]),
        filename="bank2.csv",
        bank_format="muang",
    )
    line = BankStatementLine.objects.get(statement=second, transaction_id="T2")
    assert line.status == MatchStatus.DUPLICATE
    bank_line_resolve(actor=cashier_actor(org), line=line, action="refund", note="ชำระซ้ำ")
    refund = Refund.objects.get(bank_line=line)
    assert refund.amount == Decimal("1000.00") and refund.reason == RefundReason.DUPLICATE
    assert bill.payments.count() == 1 and Licence.objects.filter(application=application).count() == 1


def test_approving_with_a_fee_issues_its_bill_as_the_head_who_holds_bill_issue_not_as_the_platform(
    org, food, head
):
    application = submit(org, food)
    executive = Actor(user=member(org, Role.EXECUTIVE))
    with pytest.raises(AccessDenied):  # executives read; the heads decide and bill
        application_decide(actor=executive, application=application, approve=True, reasons="ok", now=NOW)
    assert head.has_perm(org, "bill.issue")
    application = application_decide(actor=head, application=application, approve=True, reasons="ok", now=NOW)
    issue = AuditEntry.objects.get(object_type="billing.Bill", action=AuditEntry.Action.CREATE)
    assert issue.actor_user_id == head.user.pk and Bill.objects.get().number == application.bill_number


def test_a_refusal_needs_reasons_and_a_service_without_fee_issues_its_certificate_at_once(org, head):
    elderly = Service.objects.get(organization=org, code="elderly-allowance-confirmation")
    application = submit(
        org,
        elderly,
        data={"birth_date": "01/01/2500", "address": "5 หมู่ 1"},
        documents={"id-card": pdf(), "bank-book": pdf()},
    )
    with pytest.raises(InvalidInput):
        application_decide(actor=head, application=application, approve=True, reasons=" ", now=NOW)
    application_decide(actor=head, application=application, approve=True, reasons="มีสิทธิ", now=NOW)
    assert Licence.objects.get(application=application).expires_on is None
    assert not Bill.objects.exists()


def test_renewal_reminders_go_once_30_days_ahead(org, head):
    event = Service.objects.get(organization=org, code="public-place-event")
    event.fees = []
    event.save()
    application = submit(
        org,
        event,
        data={"place": "สนามหน้าเทศบาล", "event_name": "งานวัด", "days": "2"},
        documents={"id-card": pdf(), "event-plan": pdf()},
    )
    application_decide(actor=head, application=application, approve=True, reasons="อนุญาต", now=NOW)
    Notification.objects.all().delete()
    assert licences_remind_renewal(now=NOW) == 1  # valid one month: within 30 days already
    assert licences_remind_renewal(now=NOW + dt.timedelta(days=1)) == 0
    assert Notification.objects.count() == 1


def test_kpis_count_decisions_on_time_median_days_and_fees(org, food, head):
    a = submit(org, food)
    application_decide(
        actor=head, application=a, approve=True, reasons="ผ่าน", now=NOW + dt.timedelta(days=10)
    )
    start, end = dt.date(2026, 3, 1), dt.date(2026, 3, 31)
    assert kpis.decided_on_time(organization=org, start=start, end=end) == Decimal("100.0")
    assert kpis.median_days(organization=org, start=start, end=end) == Decimal("10.0")
    assert kpis.fees_billed(organization=org, start=start, end=end) == Decimal("1000.00")
    assert kpis.fees_collected(organization=org, start=start, end=end) is None
    assert kpis.median_days_per_service(organization=org, start=start, end=end) == {
        food.name: Decimal("10.0")
    }
