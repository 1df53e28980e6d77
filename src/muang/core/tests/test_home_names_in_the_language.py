"""A staff member's home names the organisation and its departments in the language of the page: Thai names
alone on a Thai page (no English subtitle to read past), the English names with the Thai beside them on an
English page."""

import pytest
from django.conf import settings
from django.test import Client

from muang.core.tests.factories import OrganizationFactory, member

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("language", "shown", "hidden"), [("th", "th", "en"), ("en", "en", None)])
def test_the_home_names_the_organisation_and_departments_in_the_pages_language(
    areas, language, shown, hidden
):
    org = OrganizationFactory()
    user = member(org)
    department = user.memberships.get().department
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    body = client.get("/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    names = {"th": (org.name_th, department.name_th), "en": (org.name_en, department.name_en)}
    assert f'lang="{language}"' in body[:200]
    assert all(name in body for name in names[shown])
    if hidden:
        assert not any(name in body for name in names[hidden])
    else:  # an English page keeps the Thai names beside the English ones
        assert all(name in body for name in names["th"])
