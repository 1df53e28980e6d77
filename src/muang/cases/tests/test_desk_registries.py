"""The case desk's registries (muang.cases.desk), filled by other apps through their contract: an app shows its
own facts on the case page, and the desk asks every registered category suggester for the most confident one.
A tiny app of the test suite (`muang.cases.tests.panelapp`) is installed with one line in INSTALLED_APPS."""

import pytest
from django.db import connection
from django.test import Client, modify_settings
from django.test.utils import CaptureQueriesContext

from muang.cases import desk
from muang.cases.tests.factories import CaseCategoryFactory, submit_case

pytestmark = pytest.mark.django_db
APP = "muang.cases.tests.panelapp"


def case_page(user, case) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(f"/work/cases/{case.tracking_code}/")
    assert response.status_code == 200
    return response.content.decode()


def test_an_app_shows_its_own_facts_on_the_case_page_and_only_when_installed(town):
    case = submit_case(town.category)
    assert 'id="panel-pole"' not in case_page(town.officer.user, case)
    with modify_settings(INSTALLED_APPS={"append": APP}):
        html = case_page(town.officer.user, case)
        panels = desk.case_panels(actor=town.officer, case=case)
    assert 'id="panel-pole"' in html and "<h2>เสาไฟฟ้า</h2>" in html
    assert f"เสา L-042 · 10412 ชั่วโมง · {case.tracking_code}" in html
    # reports' intake panel (the public page) comes first: panels are shown in their order.
    assert [p.key for p in panels] == ["intake", "pole"]
    assert html.index('id="panel-intake"') < html.index('id="panel-pole"')


def test_a_panel_with_nothing_to_say_is_left_out(town):
    other = CaseCategoryFactory(organization=town.org, code="trash", default_department=town.works)
    case = submit_case(other)
    with modify_settings(INSTALLED_APPS={"append": APP}):
        assert [p.key for p in desk.case_panels(actor=town.officer, case=case)] == ["intake"]


def test_panels_are_prepared_data_and_their_templates_do_not_query(town):
    case = submit_case(town.category)
    with modify_settings(INSTALLED_APPS={"append": APP}):
        panels = desk.case_panels(actor=town.officer, case=case)
        from django.template.loader import render_to_string

        with CaptureQueriesContext(connection) as ctx:
            for panel in panels:
                render_to_string(panel.template, {"panel": panel.context})
    assert ctx.captured_queries == []


def test_the_desk_shows_the_most_confident_of_the_registered_suggesters(town):
    road = CaseCategoryFactory(organization=town.org, code="road", name_th="ถนนชำรุด")
    case = submit_case(town.category, description="ไฟถนนดับทั้งซอย")
    with modify_settings(INSTALLED_APPS={"append": APP}):
        suggestion = desk.suggest_category(organization=town.org, text=case.description)
        html = case_page(town.head.user, case)
    assert suggestion.category == road and suggestion.confidence == 0.99 and suggestion.source == "panelapp"
    assert 'id="suggestion"' in html and "ถนนชำรุด" in html and "99% sure" in html
    # Without it, reports' Thai classifier answers alone (the street light category, from keywords).
    alone = desk.suggest_category(organization=town.org, text=case.description)
    assert alone is not None and alone.category == town.category


def test_a_suggestion_of_another_organisations_category_is_ignored(town, other_town):
    CaseCategoryFactory(organization=other_town.org, code="road")
    with modify_settings(INSTALLED_APPS={"append": APP}):
        found = desk.suggest_category(organization=other_town.org, text="ไฟถนนดับ")
        assert found is None or found.category.organization_id == other_town.org.pk
        CaseCategoryFactory(organization=town.org, code="road")
        mine = desk.suggest_category(organization=town.org, text="ไฟถนนดับ")
    assert mine.category.organization_id == town.org.pk
