"""/files/<name>: every private upload behind its owner's access check, walked as the authorisation matrix.

Every kind of stored image (a public report photo, an internal one, one of a sensitive category, a survey photo,
a signboard photo, a taxpayer's ภ.ด.ส.5 photo) is asked for by every kind of caller (muang.testing.authz, plus
the taxpayer who filed the notice and another taxpayer): who may see it gets the image, everyone else 403, and
a name that no row holds is a 404."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from muang.cases.services import case_add_note
from muang.cases.services.setup import seed_statuses
from muang.cases.tests.factories import CaseCategoryFactory, submit_case
from muang.core.access import Actor
from muang.core.images import clean_image
from muang.core.models import Duty, Role
from muang.core.tests.factories import member
from muang.core.uploads import check_private_root
from muang.property.models import ParcelPhoto
from muang.property.registry.services.signboards import signboard_set_photo
from muang.property.tests.factories import OwnerFactory, ParcelFactory, SignboardFactory
from muang.selfservice.models import UseChangeNotice
from muang.selfservice.tests.factories import signed_in_client
from muang.testing.authz import PRINCIPALS, build_world
from muang.testing.images import assert_clean, jpeg_with_gps

pytestmark = pytest.mark.django_db

# CASE_VIEW; the token has every scope
STAFF_WHO_SEE_CASES = {"officer", "tax_officer", "privileged", "token"}
# PROPERTY_VIEW: the tax department's officer and the administrator; an officer of a department without the
# tax duty does not, and no API scope reads the registry.
REGISTRY_READERS = {"tax_officer", "privileged"}
EVERYONE = set(PRINCIPALS) | {"tax_officer", "taxpayer", "other_taxpayer"}
ALLOWED = {
    "case_public": EVERYONE,  # what the public tracking page shows
    "case_internal": STAFF_WHO_SEE_CASES,
    "case_sensitive": STAFF_WHO_SEE_CASES,  # public, but of a sensitive category: never public
    "parcel": REGISTRY_READERS,
    "signboard": REGISTRY_READERS,
    "use_change": REGISTRY_READERS | {"taxpayer"},  # the taxpayer who filed it, in their own session
}


def photo(name: str = "IMG_gps.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, jpeg_with_gps(), content_type="image/jpeg")


@pytest.fixture
def world(areas):
    world = build_world()
    org = world.org
    world.users["tax_officer"] = member(org, Role.OFFICER, duties=[Duty.TAX])
    seed_statuses(org)
    admin = Actor(user=world.users["privileged"])
    names = {}

    category = CaseCategoryFactory(organization=org)
    case = submit_case(category, photos=[photo()])
    names["case_public"] = case.attachments.get().file.name
    case_add_note(actor=admin, case=case, message="ภายในบ้าน", photos=[photo()])
    names["case_internal"] = case.attachments.get(is_public=False).file.name
    sensitive = submit_case(CaseCategoryFactory(organization=org, is_sensitive=True), photos=[photo()])
    names["case_sensitive"] = sensitive.attachments.get().file.name

    parcel = ParcelFactory(organization=org)
    survey = ParcelPhoto(organization=org, parcel=parcel, taken_by_label="surveyor")
    cleaned = clean_image(photo(), field="photos")
    survey.file.save(cleaned.name, cleaned)
    names["parcel"] = survey.file.name

    owner = OwnerFactory(organization=org)
    sign = SignboardFactory(organization=org, owner=owner)
    names["signboard"] = signboard_set_photo(actor=admin, signboard=sign, photo=photo()).photo.name

    notice = UseChangeNotice(
        organization=org,
        reference="UC-TEST-0001",
        owner=owner,
        parcel=parcel,
        property_label=parcel.code,
        previous_use="residential",
        use="other",
        share_other=Decimal(100),
        changed_on=dt.date(2026, 10, 1),
        filed_at=timezone.now(),
    )
    notice.photo = clean_image(photo(), field="photo")
    notice.save()
    names["use_change"] = notice.photo.name
    world.names = names
    world.taxpayers = {"taxpayer": owner, "other_taxpayer": OwnerFactory(organization=org)}
    return world


def get(world, principal: str, path: str):
    if principal in world.taxpayers:
        return signed_in_client(world.taxpayers[principal]).get(path)
    return world.client_for(principal).get(path, **world.headers_for(principal))


@pytest.mark.parametrize("principal", sorted(EVERYONE))
@pytest.mark.parametrize("kind", sorted(ALLOWED))
def test_who_may_read_each_kind_of_private_file(world, kind, principal):
    name = world.names[kind]
    response = get(world, principal, f"/files/{name}")
    if principal in ALLOWED[kind]:
        assert response.status_code == 200, (kind, principal, response.status_code)
        assert response["Content-Type"] == "image/jpeg" and response["X-Content-Type-Options"] == "nosniff"
        public = kind == "case_public"
        assert response["Cache-Control"] == ("public, max-age=3600" if public else "private, no-store")
        assert_clean(b"".join(response.streaming_content))
    else:
        assert response.status_code == 403, (kind, principal, response.status_code)
        assert b"\xff\xd8" not in response.content  # no image bytes with the refusal


@pytest.mark.parametrize("kind", sorted(ALLOWED))
def test_no_private_file_is_published_under_media(world, kind, settings):
    assert world.client_for("privileged").get(f"/media/{world.names[kind]}").status_code == 404
    assert not settings.MEDIA_ROOT.exists() or not any(settings.MEDIA_ROOT.rglob("*.jpg"))


@pytest.mark.parametrize(
    "path",
    [
        "cases/1/AAAAAAAAAAAAAAAAAAAAAA.jpg",  # the scheme, but no row holds it
        "secret_key",
        "../secret_key",
        "cases/1/../../secret_key",
        "legacy/signboards/2026/05/sign-1.jpg",  # moved aside by secure_uploads: served by nothing
        "unknown/1/AAAAAAAAAAAAAAAAAAAAAA.jpg",
        "cases/0/AAAAAAAAAAAAAAAAAAAAAA.jpg",
        "cases/1/AAAA.jpg",
        "cases/1/AAAAAAAAAAAAAAAAAAAAAA.svg",
    ],
)
def test_names_outside_the_scheme_or_of_no_row_are_404(world, path):
    assert world.client_for("privileged").get(f"/files/{path}").status_code == 404


def test_a_row_whose_file_is_gone_is_404_not_500(world):
    from muang.cases.models import Attachment

    attachment = Attachment.objects.get(file=world.names["case_public"])
    attachment.file.storage.delete(attachment.file.name)
    assert Client().get(f"/files/{attachment.file.name}").status_code == 404


def test_only_safe_methods(world):
    path = f"/files/{world.names['case_public']}"
    assert Client().head(path).status_code == 200
    assert Client().post(path).status_code == 405


def test_a_category_made_sensitive_takes_its_photos_off_the_public_side_at_once(world):
    from muang.cases.models import Attachment

    path = f"/files/{world.names['case_public']}"
    assert Client().get(path).status_code == 200
    category = Attachment.objects.get(file=world.names["case_public"]).case.category
    category.is_sensitive = True
    category.save(update_fields=["is_sensitive"])
    assert Client().get(path).status_code == 403


def test_the_private_root_may_not_lie_under_the_media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MUANG_PRIVATE_ROOT = tmp_path / "private"
    assert check_private_root() == []
    settings.MUANG_PRIVATE_ROOT = tmp_path / "media" / "private"
    assert [e.id for e in check_private_root()] == ["muang.E001"]
    settings.MUANG_PRIVATE_ROOT = tmp_path / "media"
    assert [e.id for e in check_private_root()] == ["muang.E001"]
