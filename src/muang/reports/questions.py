"""Per-category extra questions (`CategoryQuestion`): the one place where answers are read and checked.

Both the web form and Open311 name an answer `attribute[<code>]` (`attribute[<code>][]` also for several
choices), as GeoReport v2 does, and both get the same rules; each channel words the problems its own way
(the web form beside the question, Open311 in its error array).
"""

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from muang.cases.models import CaseCategory
from muang.core import registry
from muang.core.stamps import StampedCache

from .models import CategoryQuestion

MAX_STRING = 300
MAX_TEXT = 2000
Datatype = CategoryQuestion.Datatype
LISTS = (Datatype.SINGLEVALUELIST, Datatype.MULTIVALUELIST)


class Problem(StrEnum):
    REQUIRED = "required"
    NOT_A_CHOICE = "not_a_choice"
    NOT_A_NUMBER = "not_a_number"
    NOT_A_DATETIME = "not_a_datetime"
    TOO_LONG = "too_long"


@dataclass(frozen=True)
class AnswerProblem:
    question: CategoryQuestion
    problem: Problem

    @property
    def field(self) -> str:
        return field_name(self.question.code)


def field_name(code: str) -> str:
    return f"attribute[{code}]"


# Each category's active questions, loaded once per process and stamp (muang.core.stamps): the report form
# reads them on every filing.
_questions: StampedCache[list[CategoryQuestion]] = StampedCache(
    "category_questions", tables=("reports_categoryquestion",)
)


def questions_of(category: CaseCategory) -> list[CategoryQuestion]:
    """The category's active questions, in order (from the per-process cache: shared, never change them)."""
    return list(
        _questions.get(
            category.pk,
            lambda: list(
                CategoryQuestion.objects.filter(
                    organization_id=category.organization_id, category=category, is_active=True
                ).order_by("order", "code")
            ),
        )
    )


def max_length(question: CategoryQuestion) -> int:
    return MAX_TEXT if question.datatype == Datatype.TEXT else MAX_STRING


def choice_keys(question: CategoryQuestion) -> list[str]:
    return [str(v.get("key")) for v in question.values or [] if isinstance(v, dict)]


def raw_values(data: Mapping[str, Any], question: CategoryQuestion) -> list[str]:
    """What the client sent for the question: every non-blank value (a QueryDict may hold several)."""
    name = field_name(question.code)
    if hasattr(data, "getlist"):
        sent = data.getlist(name) + data.getlist(name + "[]")
    else:
        value = data.get(name)
        sent = value if isinstance(value, list) else ([] if value is None else [value])
    return [str(v).strip() for v in sent if str(v).strip() != ""]


def _problem_of(question: CategoryQuestion, values: list[str]) -> Problem | None:
    if not values:
        return Problem.REQUIRED if question.required else None
    if question.datatype in LISTS:
        keys = set(choice_keys(question))
        if any(v not in keys for v in values):
            return Problem.NOT_A_CHOICE
        return None
    if any(len(v) > max_length(question) for v in values):
        return Problem.TOO_LONG
    if question.datatype == Datatype.NUMBER:
        try:
            number = Decimal(values[0])
        except InvalidOperation:
            return Problem.NOT_A_NUMBER
        if not number.is_finite():
            return Problem.NOT_A_NUMBER
    if question.datatype == Datatype.DATETIME:
        try:
            dt.datetime.fromisoformat(values[0])
        except ValueError:
            return Problem.NOT_A_DATETIME
    return None


def check_answers(
    data: Mapping[str, Any], category: CaseCategory, questions: list[CategoryQuestion] | None = None
) -> tuple[dict[str, Any], list[AnswerProblem]]:
    """The answers to keep on the case ({code: value, or [values] for several choices}) and every problem."""
    answers: dict[str, Any] = {}
    problems: list[AnswerProblem] = []
    for question in questions_of(category) if questions is None else questions:
        values = raw_values(data, question)
        problem = _problem_of(question, values)
        if problem is not None:
            problems.append(AnswerProblem(question, problem))
        elif values:
            answers[question.code] = values if question.datatype == Datatype.MULTIVALUELIST else values[0]
    return answers, problems


def answers_for_display(category: CaseCategory, attributes: dict[str, Any]) -> list[tuple[str, str]]:
    """(question, answer) pairs for staff: choice keys shown by their names, unknown codes kept as they are
    (a question removed since), except the keys apps write for themselves (`AppContract.case_attributes`: an
    alarm's or a fault's id, which that app's own panel shows in words)."""
    if not attributes:
        return []
    internal = set(registry.collected("case_attributes"))
    questions = {
        q.code: q
        for q in CategoryQuestion.objects.filter(organization_id=category.organization_id, category=category)
    }
    rows = []
    for code, value in attributes.items():
        question = questions.get(code)
        if question is None and code in internal:
            continue
        values = value if isinstance(value, list) else [value]
        if question is not None and question.datatype in LISTS:
            names = {
                str(v.get("key")): str(v.get("name")) for v in question.values or [] if isinstance(v, dict)
            }
            values = [names.get(str(v), str(v)) for v in values]
        rows.append((question.description if question else code, ", ".join(str(v) for v in values)))
    return rows
