"""The demo taxpayer: assessed by the real run, billed in three instalments, loaded once."""

import io

import pytest
from django.core.management import call_command

from muang.billing.models import Bill
from muang.property.models import Assessment, Owner
from muang.selfservice.demo import DEMO_NATIONAL_ID, load_demo_taxpayer
from muang.selfservice.services import signin

pytestmark = pytest.mark.django_db


def test_the_demo_taxpayer_can_sign_in_and_has_a_bill(areas, settings, django_capture_on_commit_callbacks):
    settings.MUANG_DEMO_REPORTS = 5
    call_command("load_demo", only=["core.organizations"], verbosity=0)
    with django_capture_on_commit_callbacks(execute=True):
        assert load_demo_taxpayer()
    owner = Owner.objects.get(national_id=DEMO_NATIONAL_ID)
    assessment = Assessment.objects.get(owner=owner)
    bill = Bill.objects.get(source_ref=f"property:owner:{owner.pk}")
    assert bill.amount == assessment.total_tax > 3000 and bill.instalments.count() == 3
    issued = signin.sign_in_request(organization=owner.organization, tax_id=DEMO_NATIONAL_ID, ip_address=None)
    assert signin.sign_in_verify(challenge=issued.challenge, code=issued.code) == owner
    assert load_demo_taxpayer() is None  # once
    out = io.StringIO()
    call_command(
        "demo_logins", url="http://muang.test/", stdout=out
    )  # what `make run` prints, from the contract
    assert f"http://muang.test/my-tax/nonsaat/  national ID {DEMO_NATIONAL_ID}" in out.getvalue()
