"""Category suggestions for a report's Thai text: the organisation's own model, keyword rules until then.

Training data are the organisation's cases that staff have triaged (moved past "received"), with the
category staff left them in, so every correction becomes an example.
"""

import threading
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from muang.cases.desk import Suggestion
from muang.cases.models import Case, CaseCategory
from muang.core.models import Organization
from muang.reports import classifier
from muang.reports.demo_text import DEFAULT_KEYWORDS
from muang.reports.models import CategoryModel

# Loaded models per organisation, keyed by when they were trained (a retrain invalidates the entry).
_cache: dict[int, tuple[object, classifier.Model]] = {}
_cache_lock = threading.Lock()


def triaged_examples(organization: Organization) -> list[tuple[str, str]]:
    rows = (
        Case.objects.filter(organization=organization, category__is_active=True)
        .exclude(status__code="received")
        .values_list("description", "category__code")
    )
    return [(text, code) for text, code in rows.iterator(chunk_size=2000) if text and text.strip()]


def keyword_rules(categories: Iterable[CaseCategory]) -> classifier.KeywordRules:
    codes = {c.code for c in categories}
    return classifier.KeywordRules({code: words for code, words in DEFAULT_KEYWORDS.items() if code in codes})


@transaction.atomic
def category_model_train(*, organization: Organization) -> CategoryModel | None:
    """Retrain from the organisation's triaged cases; None (and the old model removed) when too few."""
    examples = triaged_examples(organization)
    model = classifier.train(examples)
    if model is None:
        CategoryModel.objects.filter(organization=organization).delete()
        return None
    row, _created = CategoryModel.objects.update_or_create(
        organization=organization,
        defaults={
            "data": classifier.dump_model(model),
            "n_examples": len(examples),
            "trained_at": timezone.now(),
        },
    )
    return row


def _model_for(organization: Organization) -> classifier.Model | None:
    row = CategoryModel.objects.filter(organization=organization).only("data", "trained_at").first()
    if row is None:
        return None
    with _cache_lock:
        cached = _cache.get(organization.pk)
        if cached and cached[0] == row.trained_at:
            return cached[1]
    try:
        model = classifier.load_model(row.data)
    except classifier.ModelFormatError:
        return None  # a model from another library version: fall back to rules until retrained
    with _cache_lock:
        _cache[organization.pk] = (row.trained_at, model)
    return model


def suggest_category(*, organization: Organization, text: str) -> tuple[CaseCategory, float, str] | None:
    """(category, confidence 0–1, "model" | "rules") for the text, or None when nothing fits."""
    categories = {c.code: c for c in CaseCategory.objects.filter(organization=organization, is_active=True)}
    try:
        suggestion = classifier.suggest(
            text, model=_model_for(organization), rules=keyword_rules(categories.values())
        )
    except classifier.EmptyReportText:
        return None
    if suggestion is None or suggestion.category not in categories:
        return None
    return categories[suggestion.category], suggestion.confidence, suggestion.source


def suggest_for_desk(*, organization: Organization, text: str) -> Suggestion | None:
    """The category suggester that reports registers with the case desk (`AppContract.category_suggesters`)."""
    found = suggest_category(organization=organization, text=text)
    if found is None:
        return None
    category, confidence, source = found
    where = _("from this organisation's past cases") if source == "model" else _("from keywords")
    return Suggestion(category=category, confidence=confidence, source=str(where))
