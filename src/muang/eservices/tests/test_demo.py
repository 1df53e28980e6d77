import pytest

from muang.core.demo import DEMO_ORGS
from muang.eservices import demo
from muang.eservices.models import Application, ApplicationStatus, Licence

pytestmark = pytest.mark.django_db


def test_the_demo_has_the_catalogue_and_applications_in_every_state_once(org, monkeypatch):
    monkeypatch.setattr(
        demo, "DEMO_ORGS", [type(DEMO_ORGS[0])(**{**DEMO_ORGS[0].__dict__, "slug": org.slug})]
    )
    monkeypatch.setattr(demo, "DEMO_APPLICATIONS", 42)
    assert demo.load_demo_catalogue() == 0  # the fixture loaded it already
    assert demo.load_demo_applications() == 42
    states = set(Application.objects.values_list("status", flat=True))
    assert states == set(ApplicationStatus.values) - {ApplicationStatus.IN_REVIEW}
    assert Licence.objects.exists()
    assert Application.objects.filter(late_notices__gt=0).exists()
    assert demo.load_demo_applications() == 0
