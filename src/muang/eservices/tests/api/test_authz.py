"""Every e-services endpoint × every kind of caller (muang.testing.authz)."""

import pytest

from muang.billing.models import BillingProfile
from muang.billing.tests.factories import BILLER_ID
from muang.core.access import SYSTEM
from muang.eservices.models import Service
from muang.eservices.services import application_submit, catalogue_entries, catalogue_load
from muang.eservices.tests.helpers import FOOD_DATA, applicant, food_documents
from muang.testing.authz import PRINCIPALS, Endpoint, build_world, check_endpoint

# The authz world's officer belongs to no department holding a service duty: no application reaches them.
READERS = frozenset({"privileged", "token"})
WORKERS = frozenset({"privileged"})
ORG = "/api/v1/organizations/{org}/eservices/applications"
CHARGES = "/api/v1/organizations/{org}/eservices/charges"
ENDPOINTS = [
    Endpoint("GET", CHARGES, READERS),
    Endpoint(
        "POST",
        CHARGES,
        WORKERS,
        {
            "kind": "copies",
            "payer_name": "นายสมชาย",
            "description": "สำเนา",
            "quantity": 3,
            "unit_price": "1.00",
        },
    ),
    Endpoint("GET", ORG, READERS),
    Endpoint("GET", ORG + "/{ref}", READERS),
    Endpoint("POST", ORG + "/{ref}/missing-documents", WORKERS, {"codes": ["fire-safety-plan"], "note": ""}),
    Endpoint("POST", ORG + "/{ref}/inspection", WORKERS, {"at": "2099-01-05T03:00:00Z"}),
    Endpoint(
        "POST", ORG + "/{ref}/decision", frozenset({"privileged"}), {"approve": False, "reasons": "ไม่ผ่าน"}
    ),
]


@pytest.fixture(autouse=True)
def _fast_password_hashes(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(areas):
    world = build_world()
    BillingProfile.objects.create(organization=world.org, biller_id=BILLER_ID, receipt_prefix="RC")
    catalogue_load(actor=SYSTEM, organization=world.org, entries=catalogue_entries())
    food = Service.objects.get(organization=world.org, code="food-premises-licence")
    world.application = application_submit(
        actor=applicant(world.org),
        organization=world.org,
        service=food,
        applicant_name="สมศรี ใจดี",
        data=FOOD_DATA,
        documents=food_documents(),
    )
    return world


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: f"{e.method} {e.path}")
@pytest.mark.parametrize("principal", PRINCIPALS)
def test_endpoint_authorization(world, endpoint: Endpoint, principal: str):
    check_endpoint(world, principal, endpoint, ref=world.application.reference)


@pytest.mark.django_db
def test_the_catalogue_is_public_and_a_second_request_for_documents_is_a_409(world):
    client = world.client_for("anonymous")
    listing = client.get(f"/api/v1/eservices/{world.org.slug}/services").json()
    assert len(listing) == 7
    manual = client.get(f"/api/v1/eservices/{world.org.slug}/services/food-premises-licence").json()
    assert manual["total_days"] == 30 and manual["steps"][1]["department"]
    assert client.get(f"/api/v1/eservices/{world.org.slug}/services/nothing").status_code == 404
    path = ORG.format(org=world.org.slug) + f"/{world.application.reference}/missing-documents"
    assert world.call("privileged", "POST", path, {"codes": ["fire-safety-plan"]}).status_code == 200
    second = world.call("privileged", "POST", path, {"codes": ["food-handler-certificate"]})
    assert second.status_code == 409 and second["Content-Type"] == "application/problem+json"
    bad = world.call("privileged", "GET", ORG.format(org=world.org.slug) + "?status=nonsense")
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "status"
