"""The API documentation renders in a browser that can reach nothing but this server (issue 8, item 14)."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_api_docs_render_offline(live_server, page, tmp_path):
    outside: list[str] = []

    def only_this_server(route):
        if route.request.url.startswith(live_server.url):
            route.continue_()
        else:  # an offline or locked-down installation: the outside world does not answer
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", only_this_server)
    page.goto(f"{live_server.url}/api/v1/docs")
    page.wait_for_selector(".swagger-ui .info .title", timeout=20_000)
    assert "Muang API" in page.locator(".swagger-ui .info .title").inner_text()
    page.wait_for_selector(".opblock-tag", timeout=20_000)  # the operations, grouped by tag
    assert page.locator(".opblock-tag").count() > 3
    page.screenshot(path=tmp_path / "api-docs.png")
    assert not outside, outside
