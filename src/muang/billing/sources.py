"""What a bill, or a line of a bill, is for: its source reference, defined once.

Billing is shared by every app that charges money, so it never imports their models. A bill names its origin
with a *source reference*: the app that owns the origin, the kind of thing billed in that app, and the key of
the row, written ``<app>:<kind>:<key>`` (``property:owner:42``, ``property:parcel:7``, later
``waste:household:310`` or ``eservice:application:AB-12``). Stored in ``Bill.source_ref`` and
``BillLine.source_ref`` as that text, because the tax map joins bill lines by it in SQL; every other piece of
code builds and reads it only through :class:`SourceKind` and :class:`SourceRef` (ADR 0011).

The app part and the kind are lower-case words (letters, digits, hyphens); the key is 1–40 letters, digits,
dots, underscores or hyphens: no colon, so a reference always splits the same way.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

MAX_LENGTH = 100  # Bill.source_ref and BillLine.source_ref
_NAME = re.compile(r"[a-z][a-z0-9-]{0,29}")
_KEY = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,39}")


class InvalidSourceRef(ValueError):
    """Text that is not ``<app>:<kind>:<key>``."""


@dataclass(frozen=True, order=True)
class SourceKind:
    """A kind of thing an app bills for: ``SourceKind("property", "owner")``."""

    app: str
    name: str
    # A permission of the owning app that, besides billing's `bill.issue`, lets a staff member sync the bills of
    # this kind and no other (`bills_sync`): e.g. `eservice.charge.create` for miscellaneous charges. Not part
    # of the kind's identity (a kind parsed from text has none).
    issue_perm: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        for part in (self.app, self.name):
            if not _NAME.fullmatch(part):
                raise InvalidSourceRef(f"not a lower-case word: {part!r}")

    @property
    def prefix(self) -> str:
        """``property:owner:``, for prefix filters (``source_ref__startswith``) and SQL joins."""
        return f"{self.app}:{self.name}:"

    def ref(self, key: int | str) -> SourceRef:
        return SourceRef(self, str(key))

    def owns(self, ref: SourceRef | str) -> bool:
        """Whether ``ref`` (or its text) is one of this kind's references."""
        parsed = SourceRef.parse_or_none(ref) if isinstance(ref, str) else ref
        return parsed is not None and parsed.kind == self

    def __str__(self) -> str:
        return f"{self.app}:{self.name}"


@dataclass(frozen=True, order=True)
class SourceRef:
    """One billed thing: ``SourceRef(SourceKind("property", "owner"), "42")`` ↔ ``"property:owner:42"``."""

    kind: SourceKind
    key: str

    def __post_init__(self) -> None:
        if not _KEY.fullmatch(self.key):
            raise InvalidSourceRef(f"not a source key: {self.key!r}")

    @classmethod
    def parse(cls, text: str) -> SourceRef:
        """``"property:owner:42"`` → the reference; :class:`InvalidSourceRef` for anything else."""
        if not isinstance(text, str) or len(text) > MAX_LENGTH:
            raise InvalidSourceRef(f"not a source reference: {text!r}")
        parts = text.split(":")
        if len(parts) != 3:
            raise InvalidSourceRef(f"not <app>:<kind>:<key>: {text!r}")
        app, name, key = parts
        return cls(SourceKind(app, name), key)

    @classmethod
    def parse_or_none(cls, text: str) -> SourceRef | None:
        """The reference, or None for an empty or malformed text (bills issued without a source)."""
        try:
            return cls.parse(text)
        except InvalidSourceRef:
            return None

    @property
    def int_key(self) -> int | None:
        """The key as a row id, when it is one."""
        return int(self.key) if self.key.isdigit() else None

    def __str__(self) -> str:
        return f"{self.kind.prefix}{self.key}"


def validate_source_ref(text: str) -> str:
    """``text`` unchanged if it is empty or a well-formed reference; :class:`InvalidSourceRef` otherwise."""
    if text:
        SourceRef.parse(text)
    return text


# --- where a billed thing is ---------------------------------------------------------------------------------

# (actor, organization, references of that app) → (lon, lat) per reference it can place; it checks the actor's
# right to read its own registry and returns nothing for what the actor may not see.
Locator = Callable[[Any, Any, Sequence[SourceRef]], Mapping[SourceRef, tuple[float, float]]]
_LOCATORS: dict[str, Locator] = {}


def register_locator(app: str, locator: Locator) -> None:
    """Called by an app (in its ``AppConfig.ready``) that can place the things it bills for on the map."""
    _LOCATORS[app] = locator


def locate(actor, organization, refs: Sequence[SourceRef]) -> dict[SourceRef, tuple[float, float]]:
    """Points of the references whose app registered a locator (each app asked once, with its own refs)."""
    by_app: dict[str, list[SourceRef]] = {}
    for ref in refs:
        by_app.setdefault(ref.kind.app, []).append(ref)
    out: dict[SourceRef, tuple[float, float]] = {}
    for app, app_refs in sorted(by_app.items()):
        if (locator := _LOCATORS.get(app)) is not None:
            out.update(locator(actor, organization, app_refs))
    return out
