"""Every template works under the Content-Security-Policy (`script-src 'self'`): no event-handler attribute and no
inline script (data blocks of type application/json or ld+json excepted). Behaviour lives in static files (core's
base.js: `data-autosubmit`, `data-print`)."""

import re
from pathlib import Path

import muang

HANDLER = re.compile(r"<[a-zA-Z][^>]*\son[a-z]+\s*=", re.S)
SCRIPT = re.compile(r"<script\b([^>]*)>", re.S)


def _templates():
    return sorted(Path(muang.__file__).parent.glob("**/templates/**/*.html"))


def test_no_template_has_an_event_handler_attribute_or_an_inline_script():
    offenders = []
    for path in _templates():
        text = path.read_text(encoding="utf-8")
        offenders += [f"{path}: {m.group(0)[:80]}" for m in HANDLER.finditer(text)]
        for m in SCRIPT.finditer(text):
            attrs = m.group(1)
            if "src=" not in attrs and "application/json" not in attrs and "application/ld+json" not in attrs:
                offenders.append(f"{path}: {m.group(0)[:80]}")
    assert len(_templates()) > 100
    assert offenders == []
