"""An authorisation world (muang.testing.authz) with cases: open ones, an original, a resolved one."""

import io
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from muang.cases.models import Case
from muang.cases.services import case_change_status
from muang.cases.services.setup import seed_statuses
from muang.cases.tests.factories import CaseCategoryFactory, submit_case
from muang.core.access import SYSTEM
from muang.core.models import Role
from muang.core.tests.factories import DepartmentFactory, member
from muang.testing.authz import World, build_world


@dataclass
class CaseWorld:
    world: World
    case: Case  # open, in the `works` department (not the matrix officer's)
    original: Case  # open, another report of the same thing
    resolved: Case  # resolved just now

    def fill(self, text: str) -> str:
        return text.format(
            org=self.world.org.slug,
            other=self.world.other_org.slug,
            case=self.case.tracking_code,
            original=self.original.tracking_code,
            resolved=self.resolved.tracking_code,
            assignee=self.world.users["works_officer"].username,
        )


def build_case_world() -> CaseWorld:
    world = build_world()
    for org in (world.org, world.other_org):
        seed_statuses(org)
        works = DepartmentFactory(organization=org, code="works")
        CaseCategoryFactory(organization=org, code="streetlight", default_department=works)
    CaseCategoryFactory(organization=world.org, code="road", default_department=works_of(world.org))
    category = world.org.case_categories.get(code="streetlight")
    # Cases are given to the officers of their department (not to the system administrator).
    world.users["works_officer"] = member(world.org, Role.OFFICER, department=works_of(world.org))
    case = submit_case(category, description="ไฟดับหน้าวัด")
    original = submit_case(category, description="ไฟถนนดับ ซอย 3")
    resolved = submit_case(category, description="ไฟดับ ตลาด")
    case_change_status(actor=SYSTEM, case=resolved, status="resolved")
    return CaseWorld(world=world, case=case, original=original, resolved=resolved)


def works_of(org):
    return org.departments.get(code="works")


@pytest.fixture
def cw(areas) -> CaseWorld:
    return build_case_world()


def jpeg(name: str = "p.jpg") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (16, 16), (1, 2, 3)).save(out, format="JPEG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")
