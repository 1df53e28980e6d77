"""Formula indicators: a figure computed from other indicators' figures of the same month, in a tiny arithmetic
language parsed here (never Python's eval of an administrator's text).

    formula   := sum
    sum       := product (("+" | "-") product)*
    product   := unary (("*" | "/") unary)*
    unary     := "-" unary | atom
    atom      := NUMBER | CODE | "(" sum ")"
    NUMBER    := digits, with an optional decimal part ("100", "0.5")
    CODE      := an indicator's code: lower-case words joined by dots ("cases.resolved_within_sla")

Arithmetic is in `Decimal`. A figure that is missing for the month (no snapshot, or a month with nothing to
measure) makes the result missing, and so does a division by zero: a formula never invents a figure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, DivisionByZero, InvalidOperation

from django.utils.translation import gettext as _

MAX_LENGTH = 500
MAX_DEPTH = 30

TOKEN = re.compile(
    r"\s*(?:(?P<number>\d+(?:\.\d+)?)|(?P<code>[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+)|(?P<op>[-+*/()]))"
)


class FormulaError(ValueError):
    """The formula cannot be read: `message` says why, `position` where (0-based, in characters)."""

    def __init__(self, message: str, position: int | None = None):
        super().__init__(message)
        self.message = message
        self.position = position


@dataclass(frozen=True)
class Number:
    value: Decimal


@dataclass(frozen=True)
class Ref:
    code: str


@dataclass(frozen=True)
class Negate:
    operand: object


@dataclass(frozen=True)
class Binary:
    op: str
    left: object
    right: object


@dataclass(frozen=True)
class Formula:
    text: str
    tree: object

    @property
    def references(self) -> frozenset[str]:
        return frozenset(_refs(self.tree))

    def evaluate(self, values: dict[str, Decimal | None]) -> Decimal | None:
        """The result for one organisation's month, from its figures by indicator code (missing: None)."""
        try:
            result = _eval(self.tree, values)
        except (DivisionByZero, InvalidOperation):
            return None
        if result is None or not result.is_finite():
            return None
        return result.quantize(Decimal("0.0001"))


def _refs(node):
    if isinstance(node, Ref):
        yield node.code
    elif isinstance(node, Negate):
        yield from _refs(node.operand)
    elif isinstance(node, Binary):
        yield from _refs(node.left)
        yield from _refs(node.right)


def _eval(node, values) -> Decimal | None:
    if isinstance(node, Number):
        return node.value
    if isinstance(node, Ref):
        value = values.get(node.code)
        return None if value is None else Decimal(value)
    if isinstance(node, Negate):
        value = _eval(node.operand, values)
        return None if value is None else -value
    left, right = _eval(node.left, values), _eval(node.right, values)
    if left is None or right is None:
        return None
    if node.op == "+":
        return left + right
    if node.op == "-":
        return left - right
    if node.op == "*":
        return left * right
    if right == 0:
        return None
    return left / right


def _tokens(text: str) -> list[tuple[str, str, int]]:
    tokens, position = [], 0
    while position < len(text):
        if text[position:].strip() == "":
            break
        match = TOKEN.match(text, position)
        if match is None:
            start = position + len(text[position:]) - len(text[position:].lstrip())
            raise FormulaError(
                _(
                    "The formula cannot contain “%(text)s” (position %(position)s): use indicator codes, numbers, + - * / and brackets."
                )
                % {"text": text[start : start + 10], "position": start + 1},
                start,
            )
        kind = match.lastgroup
        tokens.append((kind, match[kind], match.start(kind)))
        position = match.end()
    return tokens


def parse(text: str) -> Formula:
    """Read a formula, or raise FormulaError saying what is wrong where."""
    text = (text or "").strip()
    if not text:
        raise FormulaError(_("Write the formula."))
    if len(text) > MAX_LENGTH:
        raise FormulaError(_("A formula has at most %(n)s characters.") % {"n": MAX_LENGTH})
    tokens = _tokens(text)
    parser = _Parser(tokens, len(text))
    tree = parser.sum(0)
    if parser.index < len(tokens):
        _kind, value, position = tokens[parser.index]
        raise FormulaError(
            _("Unexpected “%(text)s” at position %(position)s.") % {"text": value, "position": position + 1},
            position,
        )
    return Formula(text, tree)


class _Parser:
    def __init__(self, tokens, length: int):
        self.tokens, self.index, self.length = tokens, 0, length

    def _peek(self):
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def _take(self):
        token = self._peek()
        self.index += 1
        return token

    def sum(self, depth: int):
        node = self.product(depth)
        while (token := self._peek()) and token[0] == "op" and token[1] in "+-":
            self._take()
            node = Binary(token[1], node, self.product(depth))
        return node

    def product(self, depth: int):
        node = self.unary(depth)
        while (token := self._peek()) and token[0] == "op" and token[1] in "*/":
            self._take()
            node = Binary(token[1], node, self.unary(depth))
        return node

    def unary(self, depth: int):
        if depth > MAX_DEPTH:
            raise FormulaError(_("The formula nests too deeply."))
        token = self._peek()
        if token and token == ("op", "-", token[2]):
            self._take()
            return Negate(self.unary(depth + 1))
        return self.atom(depth)

    def atom(self, depth: int):
        token = self._take()
        if token is None:
            raise FormulaError(_("The formula ends too early."), self.length)
        kind, value, position = token
        if kind == "number":
            return Number(Decimal(value))
        if kind == "code":
            return Ref(value)
        if value == "(":
            node = self.sum(depth + 1)
            closing = self._take()
            if closing is None or closing[1] != ")":
                raise FormulaError(
                    _("A bracket opened at position %(position)s is not closed.")
                    % {"position": position + 1},
                    position,
                )
            return node
        raise FormulaError(
            _("Unexpected “%(text)s” at position %(position)s.") % {"text": value, "position": position + 1},
            position,
        )


def evaluation_order(formulas: dict[str, Formula]) -> list[str]:
    """The formula indicators' codes in an order where each comes after the formulas it uses; FormulaError on a
    cycle (a formula that uses itself, directly or through others)."""
    order: list[str] = []
    state: dict[str, str] = {}

    def visit(code: str, path: list[str]) -> None:
        if state.get(code) == "done":
            return
        if state.get(code) == "visiting":
            cycle = " → ".join([*path[path.index(code) :], code])
            raise FormulaError(_("The formulas use each other in a circle: %(cycle)s.") % {"cycle": cycle})
        state[code] = "visiting"
        for ref in sorted(formulas[code].references):
            if ref in formulas:
                visit(ref, [*path, code])
        state[code] = "done"
        order.append(code)

    for code in sorted(formulas):
        visit(code, [])
    return order
