"""Category suggestion per organisation: keyword rules first, the organisation's own model once trained."""

import pytest

from muang.cases.models import Case, CaseStatus
from muang.cases.services.setup import seed_statuses
from muang.cases.tests.factories import CaseCategoryFactory, submit_case
from muang.core.tests.factories import DepartmentFactory, OrganizationFactory
from muang.reports.demo_text import CATEGORY_NAMES, generate_reports
from muang.reports.models import CategoryModel
from muang.reports.suggestion import category_model_train, suggest_category

pytestmark = pytest.mark.django_db
CODES = ["road", "streetlight", "garbage", "water_supply", "tree"]


@pytest.fixture
def org(areas):
    org = OrganizationFactory()
    seed_statuses(org)
    works = DepartmentFactory(organization=org, code="works")
    for code in CODES:
        CaseCategoryFactory(
            organization=org, code=code, name_th=CATEGORY_NAMES[code][0], default_department=works
        )
    return org


def file_reports(org, n_per_category: int) -> None:
    categories = {c.code: c for c in org.case_categories.all()}
    counts = dict.fromkeys(CODES, 0)
    for text, code in generate_reports(400, seed=7):
        if code in counts and counts[code] < n_per_category:
            submit_case(categories[code], description=text)
            counts[code] += 1
    # Staff have triaged them (the model learns only from triaged cases).
    Case.objects.filter(organization=org).update(
        status=CaseStatus.objects.get(organization=org, code="assigned")
    )


def test_keyword_rules_suggest_before_any_model(org):
    category, confidence, source = suggest_category(organization=org, text="ไฟถนนดับทั้งซอยเลยครับ")
    assert category.code == "streetlight" and source == "rules" and 0 < confidence <= 0.9


def test_untriaged_reports_do_not_train(org):
    categories = {c.code: c for c in org.case_categories.all()}
    for text, code in generate_reports(200, seed=3):
        if code in categories:
            submit_case(categories[code], description=text)
    assert category_model_train(organization=org) is None
    assert not CategoryModel.objects.exists()


def test_trained_model_suggests_with_confidence(org):
    file_reports(org, 12)
    row = category_model_train(organization=org)
    assert row is not None and row.n_examples == 60
    category, confidence, source = suggest_category(organization=org, text="ถนนเป็นหลุมเป็นบ่อ รถมอไซค์ล้มบ่อยมาก")
    assert (category.code, source) == ("road", "model") and confidence > 0.5


def test_a_corrupt_or_stale_model_falls_back_to_rules(org):
    file_reports(org, 12)
    category_model_train(organization=org)
    CategoryModel.objects.update(data=b"not a model")
    _category, _confidence, source = suggest_category(organization=org, text="ไฟถนนดับทั้งซอย")
    assert source == "rules"


def test_empty_text_gives_no_suggestion(org):
    assert suggest_category(organization=org, text="  🙏 ") is None
