"""CleanImageField: whatever form (the admin's organisation logo) or code stores an image, it is re-encoded and
named at random; logos are the only public uploads."""

import io
import re
from pathlib import Path

import pytest
from django import forms
from django.contrib import admin
from django.test import RequestFactory
from django.utils import translation
from PIL import Image

from muang.core.models import Organization, User
from muang.core.tests.factories import OrganizationFactory
from muang.core.uploads import CleanImageFormField
from muang.testing.images import assert_clean, bomb_png, jpeg_with_gps, pixel_flood_png, upload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def test_the_admin_logo_field_re_encodes_and_refuses_floods_and_bombs():
    request = RequestFactory().get("/admin/")
    request.user = User(is_superuser=True, is_staff=True)
    model_admin = admin.site._registry[Organization]
    field = model_admin.formfield_for_dbfield(Organization._meta.get_field("logo"), request)
    assert isinstance(field, CleanImageFormField)
    for data in (pixel_flood_png(7000), bomb_png(), b"<svg onload=alert(1)>"):
        with pytest.raises(forms.ValidationError):
            field.clean(upload(data, "logo.png"))
    cleaned = field.clean(upload(jpeg_with_gps(1600, 1200), "โลโก้เทศบาล.jpg"))
    assert Image.open(io.BytesIO(cleaned.read())).size == (1024, 768)
    assert "โลโก้" not in cleaned.name


def test_a_logo_is_public_media_under_a_random_name(areas, settings, client):
    org = OrganizationFactory()
    org.logo = Organization._meta.get_field("logo").formfield().clean(upload(jpeg_with_gps(), "logo.jpg"))
    org.save()
    assert re.fullmatch(r"logos/[A-Za-z0-9_-]{22}\.jpg", org.logo.name)
    assert org.logo.url == f"/media/{org.logo.name}"
    assert Path(org.logo.path).is_relative_to(settings.MEDIA_ROOT)
    assert_clean(Path(org.logo.path).read_bytes())


def test_code_that_forgets_clean_image_still_stores_a_clean_image(areas, settings):
    org = OrganizationFactory()
    org.logo.save("my logo.jpg", upload(jpeg_with_gps(), "my logo.jpg"))
    assert re.fullmatch(r"logos/[A-Za-z0-9_-]{22}\.jpg", org.logo.name)
    assert_clean(Path(org.logo.path).read_bytes())
