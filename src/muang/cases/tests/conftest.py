"""A town with two departments, a category, and staff in every role the case rules tell apart."""

from dataclasses import dataclass

import pytest

from muang.cases.models import CaseCategory
from muang.cases.services.setup import seed_statuses
from muang.cases.tests.factories import CaseCategoryFactory, bkk
from muang.core.access import Actor
from muang.core.models import Department, Organization, Role
from muang.core.tests.factories import DepartmentFactory, OrganizationFactory, member

# Monday 23 November 2026, 09:00 in Bangkok: the default "now" of the lifecycle tests.
MONDAY_9 = bkk(2026, 11, 23, 9, 0)


@dataclass
class Town:
    org: Organization
    works: Department  # the department of `category`
    health: Department  # another department
    category: CaseCategory
    officer: Actor  # officer of `works`
    other_officer: Actor  # officer of `health`
    head: Actor  # head of `works`
    other_head: Actor  # head of `health`
    executive: Actor
    admin: Actor


def make_town() -> Town:
    org = OrganizationFactory()
    seed_statuses(org)
    works = DepartmentFactory(organization=org, code="works")
    health = DepartmentFactory(organization=org, code="health")
    category = CaseCategoryFactory(
        organization=org, code="streetlight", default_department=works, sla_hours=8
    )
    return Town(
        org=org,
        works=works,
        health=health,
        category=category,
        officer=Actor(user=member(org, Role.OFFICER, department=works)),
        other_officer=Actor(user=member(org, Role.OFFICER, department=health)),
        head=Actor(user=member(org, Role.DEPARTMENT_HEAD, department=works)),
        other_head=Actor(user=member(org, Role.DEPARTMENT_HEAD, department=health)),
        executive=Actor(user=member(org, Role.EXECUTIVE)),
        admin=Actor(user=member(org, Role.SYSTEM_ADMIN)),
    )


@pytest.fixture
def town(areas) -> Town:
    return make_town()


@pytest.fixture
def other_town(areas) -> Town:
    return make_town()
