"""factory_boy factories for the core domain (organisations in Khon Kaen by default)."""

import random

import factory
from django.contrib.auth.hashers import make_password

from muang.core.demo import synthetic_boundary
from muang.core.models import Department, Membership, Organization, OrganizationKind, Role, User

PASSWORD = "correct-horse-battery"
_PASSWORD_HASH = make_password(PASSWORD)  # PBKDF2 once per test session, not once per user


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    slug = factory.Sequence(lambda n: f"org{n}")
    kind = OrganizationKind.SUBDISTRICT_MUNICIPALITY
    dla_code = factory.Sequence(lambda n: f"{5400000 + n:07d}")
    name_th = factory.Sequence(lambda n: f"เทศบาลตำบลทดสอบ{n}")
    name_en = factory.Sequence(lambda n: f"Test Subdistrict Municipality {n}")
    province_id = "40"
    district_id = "4005"
    subdistrict_id = "400512"
    # A 20 x 60 grid of small boundaries over Khon Kaen, wrapping around: always inside Thailand, however many
    # organisations a test session creates.
    boundary = factory.Sequence(
        lambda n: synthetic_boundary(
            (16.3 + (n % 20) * 0.05, 101.9 + ((n // 20) % 60) * 0.05), 1.5, random.Random(n)
        )
    )


class DistrictOfficeFactory(OrganizationFactory):
    kind = OrganizationKind.DISTRICT_OFFICE
    dla_code = None
    subdistrict_id = None
    boundary = None
    name_th = factory.Sequence(lambda n: f"ที่ว่าการอำเภอทดสอบ{n}")


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    organization = factory.SubFactory(OrganizationFactory)
    code = factory.Sequence(lambda n: f"dep{n}")
    name_th = factory.Sequence(lambda n: f"กองทดสอบ{n}")
    name_en = factory.Sequence(lambda n: f"Test Division {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "สมชาย"
    last_name = "ใจดี"
    password = _PASSWORD_HASH


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = Role.OFFICER
    department = factory.LazyAttribute(
        lambda m: (
            DepartmentFactory(organization=m.organization)
            if m.role in ("officer", "department_head")
            else None
        )
    )


def member(organization: Organization, role: str = Role.OFFICER, *, duties=None, **kwargs) -> User:
    """A user with one membership in `organization`; with `duties`, in a new department holding them."""
    if duties is not None and "department" not in kwargs:
        kwargs["department"] = DepartmentFactory(organization=organization, duties=list(duties))
    return MembershipFactory(organization=organization, role=role, **kwargs).user
