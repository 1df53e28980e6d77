"""Hostile input to Open311: a NUL character, an absurd phone number, an oversized body. Each is the
specification's error array (JSON or XML by the format extension) naming the field, never a 500, a plain
HTML page, or a value silently cut to fit."""

import pytest
from django.test import Client

from muang.cases.models import Case

from .test_open311_requests_post import valid
from .test_open311_support import BASE, assert_errors, english_client, open311_town, post_request, xml

pytestmark = pytest.mark.django_db
client = pytest.fixture(english_client, name="client")


@pytest.fixture
def world(areas):
    return open311_town()


@pytest.mark.parametrize(
    "path",
    [
        "services.json?jurisdiction_id=%00",
        "requests.json?jurisdiction_id=%00",
        "requests/ABC.json?jurisdiction_id=%00",
        "services/noise.json?jurisdiction_id=nonsaat%00",
        "discovery.json?x=%00",
    ],
)
def test_a_nul_in_a_query_is_the_error_array_naming_the_parameter(client, world, path):
    name = path.split("?")[1].split("=")[0]
    assert_errors(client.get(f"{BASE}/{path}"), 400, name, "NUL")


def test_a_nul_in_xml_format_is_the_xml_error_array(client, world):
    root = xml(client.get(f"{BASE}/services.xml?jurisdiction_id=%00"))
    assert root.tag == "errors"
    assert root.findtext("error/code") == "400" and "jurisdiction_id" in root.findtext("error/description")


def test_a_nul_in_a_posted_description_names_it_and_files_nothing(client, world):
    response = post_request(client, **valid(world, description="ถนน\x00พัง"))
    assert_errors(response, 400, "description", "NUL")
    assert not Case.objects.exists()


def test_a_thousand_digit_phone_is_refused_not_cut(client, world):
    response = post_request(client, **valid(world, phone="1" * 1000))
    assert_errors(response, 400, "phone", "9 to 20 digits")
    assert not Case.objects.exists()


def test_a_phone_with_letters_is_refused(client, world):
    assert_errors(post_request(client, **valid(world, phone="call me maybe")), 400, "phone")


def test_an_overlong_address_is_refused_not_cut(client, world):
    response = post_request(client, **valid(world, address_string="ก" * 301))
    assert_errors(response, 400, "address_string", "300")
    assert not Case.objects.exists()


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_an_11_mb_body_is_the_error_array_in_the_format_asked(client, world, fmt):
    data = valid(world, description="x" * (11 * 1024 * 1024))
    response = client.post(f"{BASE}/requests.{fmt}", data=data)
    assert response.status_code == 413
    if fmt == "json":
        assert_errors(response, 413, "too large")
    else:
        root = xml(response)
        assert root.tag == "errors" and root.findtext("error/code") == "413"
    assert not Case.objects.exists()


def test_a_nul_in_a_cookie_is_ignored(world):
    anonymous = Client()
    anonymous.cookies["sessionid"] = "abcdefgh\x00ijkl"
    response = anonymous.get(f"{BASE}/services.json", {"jurisdiction_id": world.town.org.slug})
    assert response.status_code == 200
