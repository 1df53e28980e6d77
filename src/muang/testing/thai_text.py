"""What a Thai page may show in Latin letters, and how the page walks find the rest.

Every label a user reads is Thai (with the English switch through Django i18n). The page walks (the IoT pages in
Chromium, `iot/tests/browser/test_pages_walk_browser.py`; every staff and public page with the test client,
`core/tests/test_thai_pages_walk.py`) take a page's visible text, without what is shown as a literal and without
the language switch, and report each Latin word not in `LATIN_ALLOWED` or the test data's own names and codes.
"""

import re
from html.parser import HTMLParser

# Words a Thai page shows as they are: units, standards, formats, product and utility names (LED, Ft, MEA/PEA are
# written so in Thai too), and the tokens a staff member types in a device profile's definition (types and byte
# order). Each is what a Thai officer reads in Latin letters on a Thai form or sign, never a label in English.
LATIN_ALLOWED = {
    # units and measures
    "PM", "AQI", "kWh", "Wh", "kW", "hPa", "mm", "cm", "km", "UTC",
    # standards, protocols and file formats
    "LoRaWAN", "MQTT", "JSON", "CSV", "GeoJSON", "Excel", "xlsx", "DevEUI", "EUI", "API", "NGSI", "LD", "WGS",
    "ID", "TALQ",
    # products, services and utilities
    "LINE", "ChirpStack", "Leaflet", "OpenStreetMap", "uPlot", "LED", "Ft", "MEA", "PEA", "Muang",
    # what staff type in a device profile's byte layout
    "u8", "u16", "s16", "u32", "f32", "big", "little", "endian", "float", "int", "bool",
    # file formats and sizes staff upload and download, and the identifiers of devices and files
    "PDF", "Word", "XLSX", "JPEG", "PNG", "KB", "MB", "zip", "Shapefile", "EPSG", "UTM", "IMEI", "SMS", "QR",
    "crs", "prj",  # where a map file names its coordinate system (GeoJSON's member, a Shapefile's .prj)
    # medical and care terms written so in Thai practice (Barthel ADL groups, LTC, EMS levels and the CBD
    # dispatch criteria of the สพฉ.) and the units of a home visit's vital signs
    "ADL", "LTC", "ALS", "BLS", "FR", "CBD", "mg", "dL", "mmHg",
    "EMS",  # the emergency medical service (การแพทย์ฉุกเฉิน), so named beside the Thai by the สพฉ.
    # the indicator frameworks' names (ISO 37120, U4SSC, depa's smart-city criteria, KPI)
    "ISO", "depa", "KPI",
    # the bank files' reference fields and banks (Ref1/Ref2 of a bill payment, กรุงไทย's code)
    "Ref", "KTB",
}  # fmt: skip

# Names that are Latin as a whole in Thai usage (a licence, a standard, a bank's service, a product): removed
# before the words are counted, so that their words ("Open", "Service") stay English anywhere else.
LATIN_PHRASES = (
    "Creative Commons Attribution", "Creative Commons CC0", "Open Data Commons Attribution", "Open Data Commons",
    "Open311 GeoReport", "Open311", "DCAT-AP", "JSON-LD", "Turtle", "CKAN", "Indian 1975",
    "Thai QR", "LINE OA", "Bill Payment", "Direct Credit", "Biller ID",
    # Thai government usage: the one-stop service centre (ศูนย์บริการร่วม) and online services
    "One Stop Service", "E-Service",
    # the ITU's smart-city indicators, and the terms of the NHSO's long-term care and the MoPH's telemedicine
    # programmes, which their Thai manuals write so beside the Thai
    "U4SSC", "Care Plan", "Telemedicine",
)  # fmt: skip

WORD = re.compile(r"[A-Za-z]{2,}")
_MASK = re.compile(r"[xX]+\Z")  # the hidden digits of a masked national ID (x-xxxx-xxxxx-45-5)

# Shown as a literal (codes, keys, file columns), not a label; and the language switch, whose "English" is the
# other language's own name, marked lang="en". The same selector for Chromium (`VISIBLE_TEXT`) and the parser.
LITERAL_SELECTOR = 'code, kbd, samp, script, style, [lang="en"]'
LITERAL_TAGS = frozenset({"code", "kbd", "samp", "script", "style", "template"})

# A page's visible text in Chromium (what `innerText` shows, without the literals above).
VISIBLE_TEXT = f"""() => {{
    const body = document.body.cloneNode(true);
    body.querySelectorAll('{LITERAL_SELECTOR}').forEach((e) => e.remove());
    return body.innerText;
}}"""

_VOID = frozenset(
    {
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "param",
        "source",
        "track",
        "wbr",
    }
)
_BUTTON_INPUTS = frozenset({"submit", "button", "reset"})
# Elements whose end tag an author may leave out: the next sibling of the same kind ends the one before.
_OPTIONAL_END = frozenset({"li", "option", "p", "td", "th", "tr", "dt", "dd"})


class _VisibleText(HTMLParser):
    """The text a reader sees: the body's text and the document's title, the captions of input buttons, and
    (when asked) the attributes a reader meets (placeholder, title, aria-label); without the literals, hidden
    elements and the other language's name."""

    def __init__(self, *, attributes: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.attributes = attributes
        self.parts: list[str] = []
        self._stack: list[tuple[str, bool]] = []  # (tag, whether it starts a skipped subtree)
        self._skipping = 0

    def _skipped(self, tag: str, a: dict[str, str]) -> bool:
        return tag in LITERAL_TAGS or a.get("lang", "").lower().startswith("en") or "hidden" in a

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag in _VOID:
            if not self._skipping and not self._skipped(tag, a):
                if tag == "input" and a.get("type", "").lower() in _BUTTON_INPUTS:
                    self.parts.append(a.get("value", ""))
                self._attributes(a)
            return
        if tag in _OPTIONAL_END and self._stack and self._stack[-1][0] == tag:
            self.handle_endtag(tag)
        skip = self._skipped(tag, a)
        self._stack.append((tag, skip))
        if skip:
            self._skipping += 1
        elif not self._skipping:
            self._attributes(a)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in _VOID:
            self.handle_endtag(tag)

    def _attributes(self, a: dict[str, str]) -> None:
        if self.attributes:
            self.parts += [a[k] for k in ("placeholder", "title", "aria-label") if a.get(k)]

    def handle_endtag(self, tag: str) -> None:
        # Close up to the matching open element (those left open inside it, like <li> or <option>, end with it).
        for i in range(len(self._stack) - 1, -1, -1):
            if self._stack[i][0] == tag:
                for _tag, skip in self._stack[i:]:
                    self._skipping -= skip
                del self._stack[i:]
                return

    def handle_data(self, data: str) -> None:
        if self._skipping:
            return
        open_tags = [t for t, _skip in self._stack]
        if "head" in open_tags and "title" not in open_tags:
            return
        self.parts.append(data)


def visible_text(html: str, *, attributes: bool = False) -> str:
    """The text of a server-rendered page a reader sees (see `_VisibleText`), one part a line."""
    parser = _VisibleText(attributes=attributes)
    parser.feed(html)
    parser.close()
    return "\n".join(p.strip() for p in parser.parts if p.strip())


def english_words(text: str, allowed: set[str] | frozenset[str], phrases: tuple[str, ...] = ()) -> list[str]:
    """The Latin words of `text` that are not allowed (as written or in capitals) nor part of one of the
    `phrases`, sorted, once each."""
    for phrase in phrases:
        text = text.replace(phrase, " ")
    return sorted(
        {
            w
            for w in WORD.findall(text)
            if w not in allowed and w.upper() not in allowed and not _MASK.match(w)
        }
    )


def latin_words(*values: str) -> set[str]:
    """The Latin words in the test data's own names and codes: a page shows them as they are."""
    return set(WORD.findall(" ".join(values)))


def in_context(text: str, word: str, width: int = 30) -> list[str]:
    """Each place `word` stands in `text`, with up to `width` characters either side (for failure messages)."""
    pattern = rf".{{0,{width}}}(?<![A-Za-z]){re.escape(word)}(?![A-Za-z]).{{0,{width}}}"
    return [m.group(0) for m in re.finditer(pattern, text)]
