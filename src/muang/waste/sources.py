"""The waste app's bill source references (billing/sources.py): ``waste:account:<period>.<account id>``.

The period comes first so that billing's sync compares one month (``202603.``) or one fee year of yearly bills
(``Y202510.``: the year starting in October 2025, see ``waste.services.billing``) at a time: a monthly key is six
digits before the dot, a yearly one a ``Y`` and its first month, so the two never share a prefix."""

from __future__ import annotations

from muang.billing.sources import SourceKind, SourceRef

ACCOUNT = SourceKind("waste", "account")


def period_prefix(period_key: str) -> str:
    return f"{period_key}."


def account_ref(period_key: str, account_id: int) -> SourceRef:
    return ACCOUNT.ref(f"{period_key}.{account_id}")


def account_id_of(ref: SourceRef | str | None) -> int | None:
    """The account id of a waste bill's source (None for anything else)."""
    parsed = SourceRef.parse_or_none(ref) if isinstance(ref, str) else ref
    if parsed is None or not ACCOUNT.owns(parsed):
        return None
    _period, _dot, account = parsed.key.partition(".")
    return int(account) if account.isdigit() else None
