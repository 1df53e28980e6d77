"""An organisation's case configuration: seeded statuses, categories, holidays, working hours. Audited."""

import datetime as dt

import pytest

from muang.cases.models import CaseStatus, Holiday
from muang.cases.services import (
    case_category_create,
    case_category_update,
    case_holiday_create,
    case_holiday_delete,
    case_statuses_seed,
    case_working_hours_set,
)
from muang.core.access import SYSTEM
from muang.core.errors import AccessDenied, InvalidInput
from muang.core.models import AuditEntry
from muang.core.tests.factories import DepartmentFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


def test_seed_gives_the_eight_statuses_once(town):
    org = OrganizationFactory()
    created = case_statuses_seed(actor=SYSTEM, organization=org)
    assert [s.code for s in created] == [
        "received",
        "assigned",
        "in_progress",
        "forwarded",
        "resolved",
        "not_responsible",
        "duplicate",
        "closed",
    ]
    kinds = dict(CaseStatus.objects.filter(organization=org).values_list("code", "kind"))
    assert {c for c, k in kinds.items() if k == "open"} == {"received", "assigned", "in_progress"}
    assert CaseStatus.objects.get(organization=org, code="resolved").is_resolution
    assert case_statuses_seed(actor=SYSTEM, organization=org) == []
    assert AuditEntry.objects.filter(organization=org, object_type="cases.CaseStatus").count() == 8


def test_only_configurers_seed(town):
    with pytest.raises(AccessDenied):
        case_statuses_seed(actor=town.executive, organization=town.org)


def test_category_create_and_update_are_audited(town):
    category = case_category_create(
        actor=town.admin,
        organization=town.org,
        code="drainage_flood",
        name_th="ท่อระบายน้ำและน้ำท่วมขัง",
        name_en="Drainage and flooding",
        default_department=town.works,
        sla_hours=24,
        is_sensitive=False,
    )
    case_category_update(
        actor=town.admin, category=category, data={"sla_hours": 16, "default_department": town.health}
    )
    category.refresh_from_db()
    assert category.sla_hours == 16 and category.default_department == town.health
    actions = list(
        AuditEntry.objects.filter(object_type="cases.CaseCategory", object_id=str(category.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["create", "update"]


def test_category_refusals(town, other_town):
    common = {"organization": town.org, "name_th": "x", "name_en": "x"}
    with pytest.raises(InvalidInput) as e:
        case_category_create(actor=town.admin, code="streetlight", default_department=town.works, **common)
    assert "code" in e.value.field_errors  # already used
    with pytest.raises(InvalidInput) as e:
        case_category_create(actor=town.admin, code="x", default_department=other_town.works, **common)
    assert "default_department" in e.value.field_errors
    with pytest.raises(InvalidInput) as e:
        case_category_create(actor=town.admin, code="bad code!", default_department=town.works, **common)
    assert "code" in e.value.field_errors
    with pytest.raises(InvalidInput):
        case_category_update(actor=town.admin, category=town.category, data={"organization": other_town.org})
    with pytest.raises(AccessDenied):
        case_category_create(actor=town.head, code="x", default_department=town.works, **common)


def test_holidays(town):
    holiday = case_holiday_create(
        actor=town.admin, organization=town.org, date=dt.date(2026, 12, 10), name_th="วันรัฐธรรมนูญ"
    )
    with pytest.raises(InvalidInput) as e:
        case_holiday_create(actor=town.admin, organization=town.org, date=dt.date(2026, 12, 10), name_th="x")
    assert "date" in e.value.field_errors
    case_holiday_delete(actor=town.admin, holiday=holiday)
    assert not Holiday.objects.exists()
    assert list(
        AuditEntry.objects.filter(object_type="cases.Holiday").order_by("id").values_list("action", flat=True)
    ) == ["create", "delete"]
    with pytest.raises(AccessDenied):
        case_holiday_create(actor=town.officer, organization=town.org, date=dt.date(2027, 1, 1), name_th="x")


def test_working_hours_are_validated_and_merged_into_settings(town):
    town.org.settings = {"billing": {"biller_id": "0994000123456"}}
    town.org.save()
    with pytest.raises(InvalidInput) as e:
        case_working_hours_set(
            actor=town.admin, organization=town.org, working_hours={"mon": [["17:00", "08:00"]]}
        )
    assert "working_hours" in e.value.field_errors
    org = case_working_hours_set(
        actor=town.admin, organization=town.org, working_hours={"sat": [["09:00", "12:00"]]}
    )
    assert org.settings["billing"] == {"biller_id": "0994000123456"}  # other apps' settings are kept
    assert org.settings["cases"]["working_hours"]["sat"] == [["09:00", "12:00"]]
    assert org.settings["cases"]["working_hours"]["mon"] == [["08:30", "16:30"]]
    assert AuditEntry.objects.filter(object_type="core.Organization", action="update").count() == 1


def test_a_broken_working_week_in_settings_falls_back_to_the_default(town):
    from muang.cases.services.sla import working_week_of
    from muang.cases.working_time import WorkingWeek

    town.org.settings = {"cases": {"working_hours": {"mon": "always"}}}
    assert working_week_of(town.org) == WorkingWeek.default()


def test_department_of_another_organisation_cannot_be_a_default(town):
    foreign = DepartmentFactory()
    with pytest.raises(InvalidInput):
        case_category_update(actor=town.admin, category=town.category, data={"default_department": foreign})
