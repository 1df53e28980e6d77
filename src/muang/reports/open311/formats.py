"""GeoReport v2 documents as JSON or XML, chosen by the URL suffix (`.json` / `.xml`).

The XML shapes follow the specification's examples: a root element, one child per item (`<service>`,
`<request>`, `<error>`...), scalar fields as elements, lists as a wrapper with singular children
(`<attributes><attribute>`, `<values><value>`, `<endpoints><endpoint>`, `<formats><format>`).
"""

import datetime as dt
import json
from typing import Any
from xml.etree import ElementTree as ET

from django.http import HttpResponse

from muang.core.thai_dates import BANGKOK

JSON_TYPE = "application/json; charset=utf-8"
XML_TYPE = "text/xml; charset=utf-8"
LIST_CHILDREN = {
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
}


def w3c(moment: dt.datetime | None) -> str | None:
    """A W3C datetime with the offset, in Thai time: 2026-11-21T16:05:00+07:00."""
    if moment is None:
        return None
    return moment.astimezone(BANGKOK).isoformat(timespec="seconds")


def _scalar(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _fill(element: ET.Element, name: str, value: Any) -> None:
    child = ET.SubElement(element, name)
    if isinstance(value, dict):
        for key, inner in value.items():
            _fill(child, key, inner)
    elif isinstance(value, list | tuple):
        item_name = LIST_CHILDREN.get(name, "item")
        for inner in value:
            _fill(child, item_name, inner)
    else:
        child.text = _scalar(value)


def to_xml(root: str, item: str | None, document: Any) -> bytes:
    """`document` is a list of dicts (each becomes `<item>`) or one dict (its fields go under `<root>`)."""
    element = ET.Element(root)
    if isinstance(document, list):
        for entry in document:
            _fill(element, item or "item", entry)
    else:
        for key, value in document.items():
            _fill(element, key, value)
    return ET.tostring(element, encoding="utf-8", xml_declaration=True)


def render(fmt: str, document: Any, *, root: str, item: str | None = None, status: int = 200) -> HttpResponse:
    if fmt == "xml":
        return HttpResponse(to_xml(root, item, document), content_type=XML_TYPE, status=status)
    body = json.dumps(document, ensure_ascii=False)
    return HttpResponse(body.encode(), content_type=JSON_TYPE, status=status)


def error(fmt: str, status: int, *descriptions: str) -> HttpResponse:
    """The specification's error array: [{"code": 400, "description": "..."}] / <errors><error>..."""
    document = [{"code": status, "description": str(d)} for d in descriptions]
    return render(fmt, document, root="errors", item="error", status=status)
