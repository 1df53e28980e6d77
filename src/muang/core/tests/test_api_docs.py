"""/api/v1/docs serves Swagger UI from the installed npm package, never from a CDN (issue 8, item 14)."""

import re

import pytest
from django.contrib.staticfiles import finders

pytestmark = pytest.mark.django_db


def test_the_api_docs_load_swagger_ui_from_this_server_only(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    # Every script, stylesheet and icon is a local static file that exists; nothing from another host.
    urls = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert urls
    for url in urls:
        assert url.startswith("/static/"), url
        assert finders.find(url.removeprefix("/static/")), url
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in urls
    assert "cdn" not in html and "<script>" not in html  # no inline script either (CSP)
    assert '"url": "/api/v1/openapi.json"' in html
