"""Category suggestions for citizen reports: Thai tokenising, keyword rules and a per-organisation model.

This module is pure: no ORM, no settings. Services feed it an organisation's triaged reports as
``(text, category_code)`` pairs, store the bytes from ``dump_model`` on the organisation, and call
``suggest`` with the loaded model (or ``None``) and the organisation's keyword rules.

How a suggestion is made:

* An organisation starts with keyword rules (``KeywordRules``, by default ``demo_text.DEFAULT_KEYWORDS``).
  Their confidence is a heuristic share of matched keywords, never above ``RULES_MAX_CONFIDENCE``.
* Once it has triaged enough reports (``train`` returns ``None`` until then), a scikit-learn model
  takes over: TF-IDF over PyThaiNLP word tokens and bigrams plus character n-grams (which survive typos and
  tokeniser mistakes), fed to a multinomial logistic regression. Logistic regression is trained on
  log-loss, so its probabilities can be shown as confidence directly; ``evaluate`` measures how well
  calibrated they are (expected calibration error) rather than assuming it. On the demo data, weak
  regularisation (C=100) was the best calibrated at every size tried (80 to 2,000 examples), and a
  ``CalibratedClassifierCV`` wrapper was no better while fitting four times over; with few examples
  the model is underconfident, which is the safe side for staff.
* When the model is unsure (top probability below ``min_model_confidence``) and a keyword rule fires
  clearly (rule confidence at least ``min_rule_confidence`` and above the model's), the rule wins, and
  the model's ranking is kept as the alternatives. A staff-written keyword is deliberate knowledge, and
  the model is weakest exactly where the organisation has few examples, for instance a category too rare
  to be trained on at all. On the demo data this raised accuracy from 53% to 65% with 80 training
  examples and from 74% to 80% with 200, and changed nothing measurable from 500 on. When the model is
  confident, it wins even against a rule: it has learnt from this organisation's own corrections.

PyThaiNLP's ``newmm`` tokeniser uses the dictionary bundled in the wheel: nothing is downloaded at run
time. Importing PyThaiNLP creates ``~/pythainlp-data`` unless ``PYTHAINLP_READ_ONLY=1`` is set.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import pickle
import random
import re
import time
import unicodedata
import zlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

# scikit-learn and PyThaiNLP are imported where they are used (training, suggesting, loading a model): a web
# worker that never suggests a category never pays their import time or memory (issue 11).
if TYPE_CHECKING:
    from sklearn.pipeline import Pipeline

# Bump when tokenisation, features or the pickled structure change: stored models then count as stale.
MODEL_FORMAT_VERSION = 1

MIN_EXAMPLES_PER_CATEGORY = 5
MIN_TOTAL_EXAMPLES = 40
MIN_MODEL_CONFIDENCE = 0.5
MIN_RULE_CONFIDENCE = 0.6
RULES_MAX_CONFIDENCE = 0.9
MAX_ALTERNATIVES = 3

# Fixed so that the same examples always give the same model.
RANDOM_STATE = 0

Source = Literal["model", "rules"]


class ClassifierError(ValueError):
    """Base class for this module's errors."""


class EmptyReportText(ClassifierError):
    """The text is empty, whitespace, or has no words (only punctuation, digits or emoji)."""


class NotEnoughExamples(ClassifierError):
    """There are too few triaged examples to train or evaluate a model."""


class ModelFormatError(ClassifierError):
    """The bytes are not a serialised model, or are corrupted."""


class StaleModelError(ModelFormatError):
    """The model was serialised by another version of this module or of its libraries: retrain it."""


@dataclass(frozen=True)
class Suggestion:
    category: str
    confidence: float  # 0..1; a probability when source is "model", a heuristic when "rules"
    source: Source
    # Runner-up (category, confidence) pairs, best first. When a model exists these are its probabilities,
    # even if a rule made the suggestion, so staff see what the model thought too.
    alternatives: tuple[tuple[str, float], ...] = ()


# --- Tokenising -------------------------------------------------------------------------------------

_REPEATED_CHAR = re.compile(r"(.)\1{2,}")
# Politeness particles and fillers: frequent, and say nothing about the category. PyThaiNLP's own
# thai_stopwords() is not used because it lists content words that matter here, such as ดัง (loud),
# ขาด (broken, of a bulb or a wire) and ไม่ (not, as in น้ำไม่ไหล).
_PARTICLES = frozenset(
    {
        "ครับ",
        "ครับผม",
        "คับ",
        "ครัช",
        "ค่ะ",
        "คะ",
        "ค่า",
        "คร่า",
        "จ้า",
        "จ้ะ",
        "จ๊ะ",
        "ฮะ",
        "นะ",
        "นะคะ",
        "นะครับ",
        "น่ะ",
        "เถอะ",
        "หน่อย",
        "ด้วย",
    }
)


# Thai consonants and vowels are "Lo"; "ๆ" is "Lm" and tone marks are "Mn", so neither counts as a letter.
_LETTER_CATEGORIES = frozenset({"Lo", "Ll", "Lu", "Lt"})


def normalize_text(text: str) -> str:
    """Normalise for matching and features: Unicode NFC, Thai vowel and tone order, Arabic digits,
    lower-case Latin, single spaces, and elongations cut down ("มากกกก" -> "มาก", "!!!" -> "!").
    """
    from pythainlp.util import normalize as normalize_thai
    from pythainlp.util import thai_digit_to_arabic_digit

    text = unicodedata.normalize("NFC", text)
    text = "".join(char for char in text if unicodedata.category(char) != "Cf")  # zero-width characters
    text = normalize_thai(text)
    text = thai_digit_to_arabic_digit(text).lower()
    # No Thai word has the same character three times in a row; people type them for emphasis.
    text = _REPEATED_CHAR.sub(r"\1", text)
    return " ".join(text.split())


def tokenize(text: str) -> list[str]:
    """Split into normalised words with PyThaiNLP's ``newmm``, dropping whitespace, punctuation,
    numbers (house and soi numbers say nothing about the category), emoji and politeness particles.
    """
    from pythainlp.tokenize import word_tokenize

    tokens = word_tokenize(normalize_text(text), engine="newmm", keep_whitespace=False)
    return [token for token in (raw.strip() for raw in tokens) if _is_word(token)]


def _is_word(token: str) -> bool:
    if not token or token in _PARTICLES:
        return False
    # A word has at least one letter; Thai vowel signs alone ("์" split off a name) or "ๆ" don't count.
    return _has_letters(token)


def _word_features(text: str) -> list[str]:
    """Tokens plus adjacent pairs: "น้ำ ไม่ ไหล" and "ไฟ ดับ" mean more together than apart.

    Module-level (not a lambda) so that a pickled pipeline refers to it by name.
    """
    tokens = tokenize(text)
    return tokens + [f"{first} {second}" for first, second in itertools.pairwise(tokens)]


def _require_words(text: str) -> None:
    if not isinstance(text, str):
        raise TypeError(f"report text must be str, not {type(text).__name__}")
    if not _has_letters(text):
        raise EmptyReportText("Report text is empty or has no words to classify.")


def _has_letters(text: str) -> bool:
    # Cheaper than tokenising, and what matters: digits, punctuation and emoji alone can't be classified.
    return any(unicodedata.category(char) in _LETTER_CATEGORIES for char in text)


# --- Keyword rules ----------------------------------------------------------------------------------


class KeywordRules:
    """Per-category keyword lists, matched on normalised text with spaces removed.

    Confidence is ``hits(top) / (hits(all) + 0.5)``, capped at ``RULES_MAX_CONFIDENCE``, where hits count
    distinct keywords found. One uncontested keyword gives 0.67, two give 0.8; a tie gives 0.4 or less.
    Ties are broken by the total length of the matched keywords (longer is more specific), then by the
    order of categories in the mapping.
    """

    _SMOOTHING = 0.5

    def __init__(self, keywords: Mapping[str, Iterable[str]]) -> None:
        compiled: list[tuple[str, tuple[str, ...]]] = []
        for category, words in keywords.items():
            normalised = (normalize_text(word).replace(" ", "") for word in words)
            compiled.append((category, tuple(dict.fromkeys(word for word in normalised if word))))
        self._keywords = tuple(compiled)

    @property
    def categories(self) -> tuple[str, ...]:
        return tuple(category for category, _ in self._keywords)

    def matches(self, text: str) -> dict[str, tuple[str, ...]]:
        """The keywords found in ``text``, by category, for categories with at least one."""
        haystack = normalize_text(text).replace(" ", "")
        found = {
            category: tuple(word for word in words if word in haystack) for category, words in self._keywords
        }
        return {category: words for category, words in found.items() if words}

    def suggest(self, text: str, *, max_alternatives: int = MAX_ALTERNATIVES) -> Suggestion | None:
        """The best-matching category, or ``None`` when no keyword matches."""
        _require_words(text)
        matches = self.matches(text)
        if not matches:
            return None
        order = {category: index for index, category in enumerate(self.categories)}
        ranked = sorted(
            matches.items(),
            key=lambda item: (-len(item[1]), -sum(map(len, item[1])), order[item[0]]),
        )
        total = sum(len(words) for words in matches.values()) + self._SMOOTHING

        def confidence(words: tuple[str, ...]) -> float:
            return round(min(RULES_MAX_CONFIDENCE, len(words) / total), 4)

        (category, words), *others = ranked
        return Suggestion(
            category=category,
            confidence=confidence(words),
            source="rules",
            alternatives=tuple((other, confidence(hits)) for other, hits in others[:max_alternatives]),
        )


# --- Model ------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Model:
    """A trained pipeline and what it was trained on."""

    pipeline: Pipeline
    category_counts: Mapping[str, int]  # training examples per category the model knows

    @property
    def categories(self) -> tuple[str, ...]:
        return tuple(str(category) for category in self.pipeline.classes_)

    @property
    def trained_on(self) -> int:
        return sum(self.category_counts.values())

    def probabilities(self, text: str) -> list[tuple[str, float]]:
        """Every known category with its probability, most likely first."""
        _require_words(text)
        return self._rank(self.pipeline.predict_proba([text])[0])

    def _rank(self, row: Sequence[float]) -> list[tuple[str, float]]:
        # Sort on the rounded value, then the code, so that equal probabilities rank the same every time.
        pairs = [
            (str(category), round(float(p), 4)) for category, p in zip(self.categories, row, strict=True)
        ]
        return sorted(pairs, key=lambda pair: (-pair[1], pair[0]))


def _build_pipeline() -> Pipeline:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import FeatureUnion, Pipeline

    words = TfidfVectorizer(analyzer=_word_features, sublinear_tf=True, min_df=1)
    # Character n-grams on normalised text within each space-separated chunk: robust to typos and to
    # newmm splitting an unknown or misspelt word differently each time.
    chars = TfidfVectorizer(
        analyzer="char_wb",
        preprocessor=normalize_text,
        ngram_range=(2, 4),
        sublinear_tf=True,
        min_df=2,
    )
    classifier = LogisticRegression(C=100.0, max_iter=2000, random_state=RANDOM_STATE)
    return Pipeline(
        [("features", FeatureUnion([("words", words), ("chars", chars)])), ("classify", classifier)]
    )


def train(
    examples: Iterable[tuple[str, str]],
    *,
    min_examples_per_category: int = MIN_EXAMPLES_PER_CATEGORY,
    min_total: int = MIN_TOTAL_EXAMPLES,
) -> Model | None:
    """Train on ``(text, category_code)`` pairs, or return ``None`` when there are too few.

    Categories with fewer than ``min_examples_per_category`` examples are left out of the model (keyword
    rules still cover them). Without at least two categories and ``min_total`` examples left, the model
    would only echo the majority category, so there is none. Examples whose text has no words are skipped.
    The result depends only on the multiset of examples, not on their order.
    """
    usable = sorted((text, category) for text, category in examples if _has_letters(text))
    counts = Counter(category for _, category in usable)
    known = {category for category, count in counts.items() if count >= min_examples_per_category}
    kept = [(text, category) for text, category in usable if category in known]
    if len(known) < 2 or len(kept) < min_total:
        return None
    pipeline = _build_pipeline()
    pipeline.fit([text for text, _ in kept], [category for _, category in kept])
    return Model(
        pipeline=pipeline, category_counts={category: counts[category] for category in sorted(known)}
    )


# --- Suggesting -------------------------------------------------------------------------------------


def suggest(
    text: str,
    *,
    model: Model | None,
    rules: KeywordRules | None,
    min_model_confidence: float = MIN_MODEL_CONFIDENCE,
    min_rule_confidence: float = MIN_RULE_CONFIDENCE,
    max_alternatives: int = MAX_ALTERNATIVES,
) -> Suggestion | None:
    """Suggest a category for a report, or ``None`` when there is nothing to go on.

    The model decides when it exists, unless it is unsure and a rule fires clearly (see the module
    docstring). Without a model, the rules decide; ``None`` means no model and no keyword matched, and
    staff should see "no suggestion" rather than a made-up guess. Raises ``EmptyReportText`` for text
    without words.
    """
    _require_words(text)
    rule_suggestion = rules.suggest(text, max_alternatives=max_alternatives) if rules is not None else None
    if model is None:
        return rule_suggestion

    (category, confidence), *runners_up = model.probabilities(text)
    if (
        confidence < min_model_confidence
        and rule_suggestion is not None
        and rule_suggestion.confidence >= min_rule_confidence
        and rule_suggestion.confidence > confidence
    ):
        ranked = [(category, confidence), *runners_up]
        alternatives = tuple(pair for pair in ranked if pair[0] != rule_suggestion.category)
        return Suggestion(
            category=rule_suggestion.category,
            confidence=rule_suggestion.confidence,
            source="rules",
            alternatives=alternatives[:max_alternatives],
        )
    return Suggestion(
        category=category,
        confidence=confidence,
        source="model",
        alternatives=tuple(runners_up[:max_alternatives]),
    )


# --- Serialisation ----------------------------------------------------------------------------------
#
# Layout: MAGIC, a 4-byte big-endian header length, a JSON header, then the zlib-compressed pickle of
# the scikit-learn pipeline. The header can be read without unpickling, so stale models are rejected
# before any of their bytes are executed, and a task can find which organisations need retraining.

_MAGIC = b"MUANGCLF"
_HEADER_LENGTH_BYTES = 4


def _compatibility() -> dict[str, Any]:
    # Pickles are only guaranteed to load in the scikit-learn version that wrote them, and a different
    # PyThaiNLP dictionary would tokenise differently from training. Retraining takes seconds; a model
    # that silently degrades does not announce itself.
    import pythainlp
    import sklearn

    return {
        "format": MODEL_FORMAT_VERSION,
        "sklearn": sklearn.__version__,
        "pythainlp": pythainlp.__version__,
    }


def dump_model(model: Model) -> bytes:
    """Serialise ``model`` for a database ``BinaryField``."""
    payload = zlib.compress(pickle.dumps(model.pipeline, protocol=pickle.HIGHEST_PROTOCOL), 6)
    header = {
        **_compatibility(),
        "category_counts": dict(model.category_counts),
        "sha256": hashlib.sha256(payload).hexdigest(),
    }
    header_bytes = json.dumps(header, sort_keys=True, ensure_ascii=False).encode()
    return _MAGIC + len(header_bytes).to_bytes(_HEADER_LENGTH_BYTES, "big") + header_bytes + payload


def read_model_header(data: bytes | bytearray | memoryview) -> dict[str, Any]:
    """The JSON header of serialised model bytes (format, library versions, category counts)."""
    header, _ = _split(bytes(data))
    return header


def model_is_current(data: bytes | bytearray | memoryview) -> bool:
    """Whether ``load_model`` would accept these bytes, without unpickling them."""
    try:
        _check_current(read_model_header(data))
    except ModelFormatError:
        return False
    return True


def load_model(data: bytes | bytearray | memoryview) -> Model:
    """Load bytes from ``dump_model``. Accepts the ``memoryview`` that PostgreSQL ``bytea`` comes back as.

    Raises ``StaleModelError`` when another format or library version wrote them, ``ModelFormatError``
    when they are not a model or are corrupted. Only load bytes this application wrote itself: like any
    pickle, the payload can run code, and the checksum detects corruption, not tampering.
    """
    from sklearn.pipeline import Pipeline

    header, payload = _split(bytes(data))
    _check_current(header)
    if hashlib.sha256(payload).hexdigest() != header.get("sha256"):
        raise ModelFormatError("Serialised model is corrupted: checksum mismatch.")
    try:
        pipeline = pickle.loads(zlib.decompress(payload))  # noqa: S301 - bytes we wrote, see docstring
    except Exception as error:
        raise ModelFormatError(f"Serialised model could not be read: {error}") from error
    counts = header.get("category_counts")
    if not isinstance(pipeline, Pipeline) or not isinstance(counts, dict):
        raise ModelFormatError("Serialised model does not hold a scikit-learn pipeline and its categories.")
    return Model(pipeline=pipeline, category_counts=counts)


def _split(data: bytes) -> tuple[dict[str, Any], bytes]:
    start = len(_MAGIC) + _HEADER_LENGTH_BYTES
    if not data.startswith(_MAGIC) or len(data) < start:
        raise ModelFormatError("Not a serialised Muang report classifier.")
    end = start + int.from_bytes(data[len(_MAGIC) : start], "big")
    try:
        header = json.loads(data[start:end])
    except ValueError as error:
        raise ModelFormatError("Serialised model header is unreadable.") from error
    if not isinstance(header, dict):
        raise ModelFormatError("Serialised model header is unreadable.")
    return header, data[end:]


def _check_current(header: Mapping[str, Any]) -> None:
    expected = _compatibility()
    found = {key: header.get(key) for key in expected}
    if found != expected:
        raise StaleModelError(f"Stale report classifier {found}; this code expects {expected}. Retrain it.")


# --- Evaluation -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CategoryScore:
    category: str
    precision: float
    recall: float
    f1: float
    support: int  # held-out examples of this category


@dataclass(frozen=True)
class Evaluation:
    """How a model trained on part of the examples does on the rest."""

    n_train: int
    n_test: int
    accuracy: float
    per_category: tuple[CategoryScore, ...]
    # Off-diagonal cells of the confusion matrix, (actual, predicted, count), most frequent first.
    confusions: tuple[tuple[str, str, int], ...]
    # Mean |accuracy - confidence| over ten confidence bins, weighted by bin size; 0 is perfect.
    expected_calibration_error: float
    train_seconds: float
    # With rules: accuracy of the rules alone (no match counts as wrong), the share of texts they match,
    # and accuracy of ``suggest`` combining model and rules.
    rules_accuracy: float | None = None
    rules_coverage: float | None = None
    combined_accuracy: float | None = None

    def format(self) -> str:
        """A plain-text summary for a management command."""
        lines = [
            f"Trained on {self.n_train} examples in {self.train_seconds:.1f} s, tested on {self.n_test}.",
            f"Model accuracy: {self.accuracy:.1%}   calibration error: {self.expected_calibration_error:.3f}",
        ]
        if self.rules_accuracy is not None:
            lines.append(
                f"Rules alone: {self.rules_accuracy:.1%} (match {self.rules_coverage:.0%} of texts)   "
                f"model + rules: {self.combined_accuracy:.1%}"
            )
        lines += ["", f"{'category':<20}{'precision':>10}{'recall':>8}{'f1':>7}{'n':>6}"]
        lines += [
            f"{s.category:<20}{s.precision:>10.2f}{s.recall:>8.2f}{s.f1:>7.2f}{s.support:>6}"
            for s in self.per_category
        ]
        if self.confusions:
            lines += ["", "Most frequent confusions (actual -> predicted):"]
            lines += [
                f"  {actual} -> {predicted}: {count}" for actual, predicted, count in self.confusions[:10]
            ]
        return "\n".join(lines)


def evaluate(
    examples: Sequence[tuple[str, str]],
    *,
    test_size: float = 0.2,
    seed: int = 0,
    rules: KeywordRules | None = None,
    min_examples_per_category: int = MIN_EXAMPLES_PER_CATEGORY,
    min_total: int = MIN_TOTAL_EXAMPLES,
) -> Evaluation:
    """Train on a stratified split of ``examples`` and score on the held-out ``test_size`` share.

    Every category with at least two examples has about ``test_size`` of them held out (at least one);
    singletons only train. The split depends on ``seed`` alone. Raises ``NotEnoughExamples`` when
    ``train`` would not produce a model from the training part.
    """
    if not 0 < test_size < 1:
        raise ValueError(f"test_size must be between 0 and 1, got {test_size}")
    train_part, test_part = _stratified_split(examples, test_size=test_size, seed=seed)
    started = time.perf_counter()
    model = train(train_part, min_examples_per_category=min_examples_per_category, min_total=min_total)
    train_seconds = time.perf_counter() - started
    if model is None:
        raise NotEnoughExamples(
            f"Too few examples to train: {len(train_part)} in the training split; need {min_total}, "
            f"with {min_examples_per_category} per category in at least two categories."
        )
    test_part = [(text, category) for text, category in test_part if _has_letters(text)]
    if not test_part:
        raise NotEnoughExamples("No held-out examples to test on.")

    texts = [text for text, _ in test_part]
    actual = [category for _, category in test_part]
    ranked = [model._rank(row) for row in model.pipeline.predict_proba(texts)]
    predicted = [row[0][0] for row in ranked]
    confidences = [row[0][1] for row in ranked]

    rules_accuracy = rules_coverage = combined_accuracy = None
    if rules is not None:
        by_rules = [rules.suggest(text) for text in texts]
        combined = [suggest(text, model=model, rules=rules) for text in texts]
        rules_accuracy = _share(
            s is not None and s.category == a for s, a in zip(by_rules, actual, strict=True)
        )
        rules_coverage = _share(s is not None for s in by_rules)
        combined_accuracy = _share(
            s is not None and s.category == a for s, a in zip(combined, actual, strict=True)
        )

    return Evaluation(
        n_train=model.trained_on,
        n_test=len(test_part),
        accuracy=_share(p == a for p, a in zip(predicted, actual, strict=True)),
        per_category=_category_scores(actual, predicted),
        confusions=_confusions(actual, predicted),
        expected_calibration_error=_calibration_error(
            confidences, [p == a for p, a in zip(predicted, actual, strict=True)]
        ),
        train_seconds=round(train_seconds, 3),
        rules_accuracy=rules_accuracy,
        rules_coverage=rules_coverage,
        combined_accuracy=combined_accuracy,
    )


def _stratified_split(
    examples: Sequence[tuple[str, str]], *, test_size: float, seed: int
) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    by_category: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for text, category in examples:
        by_category[category].append((text, category))
    rng = random.Random(seed)  # noqa: S311 - a reproducible split, not a secret
    train_part: list[tuple[str, str]] = []
    test_part: list[tuple[str, str]] = []
    for category in sorted(by_category):
        group = by_category[category]
        rng.shuffle(group)
        n_test = max(1, round(len(group) * test_size)) if len(group) >= 2 else 0
        test_part += group[:n_test]
        train_part += group[n_test:]
    return train_part, test_part


def _share(flags: Iterable[bool]) -> float:
    values = list(flags)
    return round(sum(values) / len(values), 4) if values else 0.0


def _category_scores(actual: Sequence[str], predicted: Sequence[str]) -> tuple[CategoryScore, ...]:
    scores = []
    for category in sorted(set(actual) | set(predicted)):
        true_positive = sum(a == p == category for a, p in zip(actual, predicted, strict=True))
        n_predicted = predicted.count(category)
        support = actual.count(category)
        precision = true_positive / n_predicted if n_predicted else 0.0
        recall = true_positive / support if support else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        scores.append(CategoryScore(category, round(precision, 4), round(recall, 4), round(f1, 4), support))
    return tuple(scores)


def _confusions(actual: Sequence[str], predicted: Sequence[str]) -> tuple[tuple[str, str, int], ...]:
    cells = Counter((a, p) for a, p in zip(actual, predicted, strict=True) if a != p)
    return tuple((a, p, n) for (a, p), n in sorted(cells.items(), key=lambda item: (-item[1], item[0])))


def _calibration_error(confidences: Sequence[float], correct: Sequence[bool], bins: int = 10) -> float:
    binned: dict[int, list[tuple[float, bool]]] = defaultdict(list)
    for confidence, is_correct in zip(confidences, correct, strict=True):
        binned[min(bins - 1, math.floor(confidence * bins))].append((confidence, is_correct))
    total = len(confidences)
    error = sum(
        len(cell) / total * abs(_share(c for _, c in cell) - sum(conf for conf, _ in cell) / len(cell))
        for cell in binned.values()
    )
    return round(error, 4)
