"""The schedule page (/lighting/schedules/<group>/): the engineering staff set a group's night step by step; a
wrong step is refused on its own row with a Thai message and nothing is written; other roles and other
organisations' groups are not reachable."""

import pytest

from muang.core.models import AuditEntry, Duty, Role
from muang.core.tests.factories import OrganizationFactory, member
from muang.lighting.models import PoleGroup, ScheduleStep

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("areas")]


@pytest.fixture
def group():
    org = OrganizationFactory()
    return PoleGroup.objects.create(organization=org, name="ถนนมิตรภาพ")


def _post(client, group, rows, extra=None):
    data = {"steps-TOTAL_FORMS": str(len(rows)), "steps-INITIAL_FORMS": "0"}
    for i, row in enumerate(rows):
        for key, value in row.items():
            data[f"steps-{i}-{key}"] = value
    data.update(extra or {})
    return client.post(f"/lighting/schedules/{group.pk}/", data)


def test_an_engineer_sets_the_night_and_the_dashboard_links_to_it(client, group, settings):
    settings.LANGUAGE_CODE = "th"
    client.force_login(member(group.organization, Role.OFFICER, duties=[Duty.ENGINEERING]))
    page = client.get(f"/lighting/schedules/{group.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "ถนนมิตรภาพ" in html and "พระอาทิตย์ตก" in html  # Thai labels, the group's name
    response = _post(
        client,
        group,
        [
            {"anchor": "sunset", "offset_minutes": "0", "dim_level": "100"},
            {"anchor": "fixed", "at": "00:00", "dim_level": "50"},
            {"anchor": "sunrise", "offset_minutes": "15", "dim_level": "0"},
            {"anchor": "fixed", "at": "", "dim_level": ""},  # an empty row: no step
        ],
    )
    assert response.status_code == 302 and response["Location"] == "/lighting/dashboard"
    steps = list(ScheduleStep.objects.filter(group=group).order_by("id"))
    assert [(s.anchor, s.offset_minutes, s.at and s.at.strftime("%H:%M"), s.dim_level) for s in steps] == [
        ("sunset", 0, None, 100),
        ("fixed", 0, "00:00", 50),
        ("sunrise", 15, None, 0),
    ]
    assert AuditEntry.objects.filter(organization=group.organization, reason="schedule").count() == 1
    dashboard = client.get("/lighting/dashboard").content.decode()
    assert f"/lighting/schedules/{group.pk}/" in dashboard
    # The page shows the saved steps again.
    again = client.get(f"/lighting/schedules/{group.pk}/").content.decode()
    assert 'value="00:00"' in again and 'value="15"' in again


def test_a_wrong_step_is_refused_on_its_row_in_thai_and_nothing_changes(client, group, settings):
    settings.LANGUAGE_CODE = "th"
    ScheduleStep.objects.create(organization=group.organization, group=group, anchor="sunset", dim_level=100)
    client.force_login(member(group.organization, Role.OFFICER, duties=[Duty.ENGINEERING]))
    response = _post(
        client,
        group,
        [
            {"anchor": "sunset", "offset_minutes": "0", "dim_level": "120"},  # over 100 %
            {"anchor": "fixed", "at": "", "dim_level": "50"},  # a fixed step without its time
            {"anchor": "sunrise", "offset_minutes": "500", "dim_level": "0"},  # beyond three hours
        ],
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert html.count('role="alert"') >= 3
    assert "ต้องระบุเวลา" in html  # the fixed step's message, on its row, in Thai
    assert "fixed step" not in html.lower()  # ... in Thai, not the English msgid
    assert list(ScheduleStep.objects.filter(group=group).values_list("anchor", "dim_level")) == [
        ("sunset", 100)
    ]


def test_other_roles_and_other_organisations_do_not_reach_the_schedule(client, group):
    other = PoleGroup.objects.create(organization=OrganizationFactory(), name="อื่น")
    engineer = member(group.organization, Role.OFFICER, duties=[Duty.ENGINEERING])
    client.force_login(engineer)
    assert client.get(f"/lighting/schedules/{other.pk}/").status_code == 404
    client.force_login(member(group.organization, Role.OFFICER, duties=[Duty.PUBLIC_HEALTH]))
    assert client.get(f"/lighting/schedules/{group.pk}/").status_code == 403
    response = _post(client, group, [{"anchor": "sunset", "offset_minutes": "0", "dim_level": "10"}])
    assert response.status_code == 403
    client.force_login(member(group.organization, Role.EXECUTIVE))  # the mayor sees, does not set
    assert client.get(f"/lighting/schedules/{group.pk}/").status_code == 403
    assert not ScheduleStep.objects.filter(group=group).exists()
