"""The seeded catalogue (eservices/data/catalogue.json) for every demo organisation (deterministic, once)."""

from muang.core.access import SYSTEM
from muang.core.demo import DEMO_ORGS
from muang.core.models import LOCAL_GOVERNMENT_KINDS, Organization
from muang.eservices.services import catalogue_entries, catalogue_load


def load_demo_catalogue() -> int:
    entries = catalogue_entries()
    made = 0
    demo = Organization.objects.filter(slug__in=[d.slug for d in DEMO_ORGS], kind__in=LOCAL_GOVERNMENT_KINDS)
    for organization in demo.order_by("pk"):
        made += catalogue_load(actor=SYSTEM, organization=organization, entries=entries)
    return made


DEMO_APPLICATIONS = 200  # per organisation with a billing profile
STATES = ("submitted", "missing", "inspection", "pending_payment", "approved", "rejected", "late")
NAMES = ("สมชาย", "สมศรี", "วิไล", "ประเสริฐ", "บุญมี", "จันทร์เพ็ญ", "อำนาจ", "มาลี")
SURNAMES = ("ใจดี", "ศรีสุข", "แก้วมณี", "ทองคำ", "บุญเรือง", "พรหมมา")


def _demo_data(service, rng) -> dict:
    data = {}
    for spec in service.fields:
        if spec["type"] == "text":
            data[spec["name"]] = f"{spec['label']} {rng.randint(1, 200)}"
        else:
            low, high = int(float(spec.get("min", 1))) + 1, min(int(float(spec.get("max", 100))), 400)
            data[spec["name"]] = str(rng.randint(low, max(low, high)))
    return data


def load_demo_applications() -> int:
    """A few hundred applications per organisation in every state (fixed seed), dated over the last months,
    through the services: documents, the one request, inspections, decisions, fee bills, a few paid, late ones
    with their 7-day notices."""
    import datetime as dt
    import random

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from muang.billing.models import Bill, BillingProfile, PaymentChannel
    from muang.billing.services.payments import payment_record
    from muang.eservices.models import Application, Service
    from muang.eservices.services import (
        application_add_documents,
        application_decide,
        application_request_documents,
        application_schedule_inspection,
        application_submit,
        applications_notify_late,
        applications_settle_paid,
    )
    from muang.eservices.session import applicant_actor

    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    made = 0
    now = timezone.now().replace(microsecond=0)
    for organization in Organization.objects.filter(slug__in=[d.slug for d in DEMO_ORGS]).order_by("pk"):
        if not BillingProfile.objects.filter(organization=organization).exists():
            continue
        if Application.objects.filter(organization=organization).exists():
            continue
        rng = random.Random(f"eservices:{organization.slug}")  # noqa: S311 (demo data, not secrets)
        services = list(Service.objects.filter(organization=organization).order_by("code"))
        for i in range(DEMO_APPLICATIONS):
            service = rng.choice(services)
            state = STATES[i % len(STATES)]
            ago = {"late": rng.randint(60, 90), "submitted": rng.randint(1, 5), "missing": rng.randint(1, 5)}
            submitted = now - dt.timedelta(days=ago.get(state, rng.randint(12, 120)))
            docs = {
                d["code"]: SimpleUploadedFile(f"{d['code']}.pdf", pdf)
                for d in service.documents
                if d["required"]
            }
            application = application_submit(
                actor=applicant_actor(organization.pk, f"08{rng.randint(10000000, 99999999)}"),
                organization=organization,
                service=service,
                applicant_name=f"{rng.choice(NAMES)} {rng.choice(SURNAMES)}",
                data=_demo_data(service, rng),
                documents=docs,
                now=submitted,
            )
            made += 1
            optional = [d["code"] for d in service.documents if not d["required"]] or [
                service.documents[0]["code"]
            ]
            # "missing" is waiting for the requested documents (always asked); half of the others were asked too
            if state == "missing" or (state in {"inspection", "approved"} and rng.random() < 0.5):
                application_request_documents(
                    actor=SYSTEM,
                    application=application,
                    codes=optional[:1],
                    now=submitted + dt.timedelta(hours=2),
                )
                if state == "missing":
                    continue
                application_add_documents(
                    actor=SYSTEM,
                    application=application,
                    documents={optional[0]: SimpleUploadedFile("doc.pdf", pdf)},
                    now=submitted + dt.timedelta(days=1),
                )
            if state in {"submitted", "missing", "late"}:
                continue
            application_schedule_inspection(
                actor=SYSTEM,
                application=application,
                at=submitted + dt.timedelta(days=3),
                now=submitted + dt.timedelta(days=1),
            )
            if state == "inspection":
                continue
            application_decide(
                actor=SYSTEM,
                application=application,
                approve=state != "rejected",
                reasons="ผ่านการตรวจตามหลักเกณฑ์" if state != "rejected" else "สถานที่ไม่ผ่านเกณฑ์สุขลักษณะ",
                now=submitted + dt.timedelta(days=rng.randint(4, max(4, min(service.total_days, 10)))),
            )
            application.refresh_from_db()
            if state == "approved" and application.bill_number and rng.random() < 0.7:
                bill = Bill.objects.get(organization=organization, number=application.bill_number)
                payment_record(actor=SYSTEM, bill=bill, amount=bill.amount, channel=PaymentChannel.CASH)
        applications_settle_paid(organization=organization, now=now)
        applications_notify_late(now=now)
    return made
