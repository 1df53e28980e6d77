"""Formula indicators (issue 15): a figure computed from other indicators in a tiny arithmetic language (never
eval), refused with a clear error when it references a missing indicator or forms a circle, and computed in the
monthly snapshot and after each correction of the figures it uses."""

from decimal import Decimal

import pytest

from muang.core.access import SYSTEM
from muang.core.errors import InvalidInput
from muang.core.models import AuditEntry
from muang.core.tests.factories import OrganizationFactory
from muang.kpi import formula, services
from muang.kpi.models import Indicator, RollupValue, Snapshot, Source
from muang.kpi.tests.conftest import FEB_5, JAN

# --- the language ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1 + 2 * 3", Decimal(7)),
        ("(1 + 2) * 3", Decimal(9)),
        ("-2 * -3", Decimal(6)),
        ("10 / 4", Decimal("2.5")),
        ("100 - 40 - 10", Decimal(50)),  # left to right
        ("a.x / (a.y + 1)", Decimal(2)),
        ("a.x / (a.y - 3)", None),  # a division by zero invents nothing
        ("a.x + b.missing", None),  # a missing figure makes the result missing
    ],
)
def test_the_arithmetic(text, expected):
    assert formula.parse(text).evaluate({"a.x": Decimal(8), "a.y": Decimal(3)}) == expected


def test_references_are_the_codes_it_uses():
    parsed = formula.parse("(billing.collected_share + cases.resolved_within_sla) / 2")
    assert parsed.references == {"billing.collected_share", "cases.resolved_within_sla"}


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("", "Write the formula"),
        ("1 +", "ends too early"),
        ("(1 + 2", "not closed"),
        ("1 2", "Unexpected “2” at position 3"),
        ("__import__('os').system('id')", "cannot contain"),
        ("a.x ** 2", "Unexpected “*” at position 6"),
        ("x" * 501, "at most 500"),
        ("-" * 40 + "1", "nests too deeply"),
    ],
)
def test_what_is_not_a_formula_is_refused_with_where(text, says, settings):
    settings.LANGUAGE_CODE = "en"
    from django.utils import translation

    with translation.override("en"), pytest.raises(formula.FormulaError) as e:
        formula.parse(text)
    assert says in e.value.message


def test_a_circle_of_formulas_is_refused():
    chain = {"a.x": formula.parse("a.y + 1"), "a.y": formula.parse("a.z * 2"), "a.z": formula.parse("a.x")}
    with pytest.raises(formula.FormulaError) as e:
        formula.evaluation_order(chain)
    assert "a.x → a.y → a.z → a.x" in e.value.message
    del chain["a.z"]
    assert formula.evaluation_order(chain) == ["a.y", "a.x"]


# --- against the catalogue and in the snapshots ----------------------------------------------------------------


def _formula_indicator(code: str, text: str) -> Indicator:
    services.formula_check(code=code, text=text)
    return Indicator.objects.create(
        code=code,
        name_th="ดัชนีน้ำและขยะ",
        name_en="Water and waste index",
        unit="%",
        source=Source.FORMULA,
        formula=text,
    )


@pytest.mark.django_db
def test_a_formula_referencing_a_missing_indicator_is_refused_on_its_field(areas):
    with pytest.raises(InvalidInput) as e:
        services.formula_check(code="index.x", text="living.piped_water + nosuch.indicator")
    assert e.value.field_errors["formula"] and "nosuch.indicator" in e.value.detail
    _formula_indicator("index.a", "living.piped_water / 2")
    _formula_indicator("index.b", "index.a + 1")
    with pytest.raises(InvalidInput) as e:  # index.a changed to use index.b, which uses index.a
        services.formula_check(code="index.a", text="index.b * 2")
    assert "index.a → index.b → index.a" in e.value.detail
    with pytest.raises(InvalidInput):
        services.formula_check(code="index.c", text="index.c + 1")  # itself


@pytest.mark.django_db
def test_formula_values_are_computed_with_the_figures_and_follow_corrections(areas):
    town = OrganizationFactory()
    index = _formula_indicator("index.water_waste", "(living.piped_water + environment.waste_recycled) / 2")
    services.csv_import(
        actor=SYSTEM,
        organization=town,
        text=f"indicator,month,value\nliving.piped_water,{JAN:%Y-%m},90\nenvironment.waste_recycled,{JAN:%Y-%m},30\n",
        now=FEB_5,
    )
    snapshot = Snapshot.objects.get(organization=town, indicator=index, month=JAN)
    assert snapshot.value == Decimal("60") and snapshot.origin == Source.FORMULA
    assert RollupValue.objects.get(organization=town, indicator=index, month=JAN).rank_national == 1
    # A correction of one figure: the formula follows, audited like the correction.
    services.csv_import(
        actor=SYSTEM,
        organization=town,
        text=f"indicator,month,value\nliving.piped_water,{JAN:%Y-%m},70\n",
        now=FEB_5,
    )
    snapshot.refresh_from_db()
    assert snapshot.value == Decimal("50")
    assert AuditEntry.objects.filter(object_type="kpi.Snapshot", object_id=str(snapshot.pk)).count() == 2
    assert RollupValue.objects.get(organization=town, indicator=index, month=JAN).value == Decimal("50")


@pytest.mark.django_db
def test_the_monthly_snapshot_computes_the_formulas(areas):
    town, other = OrganizationFactory(), OrganizationFactory()
    index = _formula_indicator("index.double_water", "living.piped_water * 2")
    water = Indicator.objects.get(code="living.piped_water")
    Snapshot.objects.create(
        organization=town, indicator=water, month=JAN, value=Decimal(40), origin=Source.CSV
    )
    services.snapshot_month(month=JAN, organizations=[town, other])
    assert Snapshot.objects.get(organization=town, indicator=index, month=JAN).value == Decimal(80)
    assert not Snapshot.objects.filter(organization=other, indicator=index).exists()  # nothing it uses


@pytest.mark.django_db
def test_a_formula_indicator_is_not_entered_by_hand(areas):
    _formula_indicator("index.half", "living.piped_water / 2")
    with pytest.raises(InvalidInput) as e:
        services.csv_import(
            actor=SYSTEM,
            organization=OrganizationFactory(),
            text=f"indicator,month,value\nindex.half,{JAN:%Y-%m},3\n",
            now=FEB_5,
        )
    assert "formula" in e.value.detail or "สูตร" in e.value.detail


@pytest.mark.django_db
def test_the_operator_adds_a_formula_indicator_in_the_admin_and_a_bad_one_is_a_field_error(areas):
    from django.test import Client

    from muang.core.tests.factories import UserFactory

    client = Client()
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    url = "/admin/kpi/indicator/add/"
    form = {
        "code": "index.water_half",
        "name_th": "ครึ่งหนึ่งของน้ำประปา",
        "name_en": "Half the piped water",
        "unit": "%",
        "direction": "up",
        "source": "formula",
        "formula": "living.piped_water / 2 + nosuch.code",
        "is_active": "on",
    }
    response = client.post(url, form)
    assert response.status_code == 200 and "nosuch.code" in response.content.decode()
    assert not Indicator.objects.filter(code="index.water_half").exists()
    response = client.post(url, {**form, "formula": "living.piped_water / 2"})
    assert response.status_code == 302
    indicator = Indicator.objects.get(code="index.water_half")
    assert indicator.source == Source.FORMULA and indicator.formula == "living.piped_water / 2"
    assert AuditEntry.objects.filter(object_type="kpi.Indicator", object_id=str(indicator.pk)).exists()
    # A formula on an indicator that is not a formula one is refused too.
    response = client.post(url, {**form, "code": "index.other", "source": "manual", "formula": "1 + 1"})
    assert response.status_code == 200 and not Indicator.objects.filter(code="index.other").exists()
