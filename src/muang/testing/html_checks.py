"""Checks of rendered HTML that every page should pass: each form control has a label, and ids are unique.

A control counts as labelled by a `<label for=…>`, a `<label>` around it, `aria-label`, `aria-labelledby` or
`title`; hidden inputs and buttons (labelled by their text) need none. Used by page tests with the HTML the test
client got, so no browser is needed.
"""

from collections import Counter
from html.parser import HTMLParser

_UNLABELLED_TYPES = {"hidden", "submit", "button", "reset", "image"}


class _Controls(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: list[str] = []
        self.label_for: set[str] = set()
        self.controls: list[tuple[dict[str, str], bool]] = []  # (attributes, inside a <label>)
        self._label_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if "id" in a:
            self.ids.append(a["id"])
        if tag == "label":
            self._label_depth += 1
            if a.get("for"):
                self.label_for.add(a["for"])
        elif tag in ("input", "select", "textarea"):
            if tag == "input" and a.get("type", "text").lower() in _UNLABELLED_TYPES:
                return
            self.controls.append(({"tag": tag, **a}, self._label_depth > 0))

    def handle_endtag(self, tag: str) -> None:
        if tag == "label" and self._label_depth:
            self._label_depth -= 1


def _parse(html: str) -> _Controls:
    parser = _Controls()
    parser.feed(html)
    parser.close()
    return parser


def unlabelled_controls(html: str) -> list[str]:
    """A description (tag, name, id) of each form control nobody could name aloud."""
    parser = _parse(html)
    missing = []
    for attrs, wrapped in parser.controls:
        if wrapped or attrs.get("aria-label") or attrs.get("aria-labelledby") or attrs.get("title"):
            continue
        if attrs.get("id") and attrs["id"] in parser.label_for:
            continue
        missing.append(f"<{attrs['tag']} name={attrs.get('name', '')!r} id={attrs.get('id', '')!r}>")
    return missing


def duplicate_ids(html: str) -> list[str]:
    return sorted(i for i, n in Counter(_parse(html).ids).items() if n > 1)
