import pytest

from muang.core.models import Duty
from muang.core.tests.factories import DepartmentFactory, OrganizationFactory
from muang.ems.demo import load_demo_ems, login_lines
from muang.ems.models import Incident, RoadEdge, Step, Unit

pytestmark = pytest.mark.django_db


def test_the_demo_is_deterministic_in_shape_and_loads_once(areas):
    org = OrganizationFactory(slug="chumphae")
    DepartmentFactory(organization=org, code="palad", duties=[])
    assert load_demo_ems(incidents=12, network_size=10) == 12
    assert load_demo_ems(incidents=12, network_size=10) == 0
    assert Duty.EMERGENCY_MEDICAL in org.departments.get(code="palad").duties
    assert "ems.chumphae" in "".join(login_lines("http://x/"))
    assert Unit.objects.filter(organization=org, status=Unit.Status.AVAILABLE).count() == 5
    assert RoadEdge.objects.filter(organization=org).count() > 100
    incidents = Incident.objects.filter(organization=org)
    assert all(i.step == Step.BACK_AT_BASE and i.at_scene_at > i.call_received_at for i in incidents)
