"""A citizen on a phone (Thai) finds the street-lights dataset on the public catalogue, opens its page and
downloads it as GeoJSON (issue 15's "done means")."""

import json

import pytest

from muang.opendata.tests.conftest import publish

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_citizen_finds_the_lights_dataset_and_downloads_it_as_geojson(
    live_server, in_chromium, hashed_static, settings, lit, tmp_path
):
    settings.LANGUAGE_CODE = "th"
    lights = publish(lit)
    publish(lit, code="reports.cases")
    in_chromium(lambda page: _walk(page, live_server.url, lights, tmp_path))


def _walk(page, url: str, lights, tmp_path) -> None:
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("response", lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 400 else None)

    page.goto(f"{url}/")
    page.get_by_role("link", name="ข้อมูลเปิด").first.click()
    page.wait_for_url("**/open-data/")
    assert page.locator("[data-dataset]").count() == 2
    page.get_by_label("ค้นหาชุดข้อมูล").fill("ไฟฟ้าส่องสว่าง")
    page.get_by_role("button", name="ค้นหา").click()
    page.wait_for_url("**/open-data/?q=*")
    assert page.locator("[data-dataset]").count() == 1
    page.locator(f"[data-dataset='{lights.name}'] h2 a").click()
    page.wait_for_url(f"**/open-data/dataset/{lights.name}/")
    assert "ข้อมูลภูมิสารสนเทศเชิงพื้นที่" in page.locator("dl.facts").inner_text()
    jsonld = json.loads(page.locator("script[type='application/ld+json']").text_content())
    assert jsonld
    page.screenshot(path=tmp_path / "dataset.png", full_page=True)

    with page.expect_download() as info:
        page.locator("a[data-format='geojson']").click()
    download = info.value
    assert download.suggested_filename == f"{lights.name}.geojson"
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    collection = json.loads(path.read_text(encoding="utf-8"))
    assert collection["type"] == "FeatureCollection" and len(collection["features"]) == 3
    assert collection["features"][0]["geometry"]["type"] == "Point"
    assert not problems, problems
