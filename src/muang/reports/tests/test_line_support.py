"""Helpers for the LINE webhook tests: signed webhook bodies, a fake LINE content host, two towns."""

import base64
import hashlib
import hmac
import itertools
import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from django.test import Client

from muang.cases.tests.conftest import Town, make_town
from muang.cases.tests.factories import CaseCategoryFactory
from muang.core.models import LineChannel
from muang.testing.line_server import recording

SECRET = "8c570fa6dd201bb328f1c1eac23a96d8"
TOKEN = "test-channel-access-token"
USER = "U4af4980629e6e0f5a3f2bd4f5f0e6ad0"
_ids = itertools.count(1)


def sign(secret: str, body: bytes) -> str:
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def _event(kind: str, user: str, **fields) -> dict:
    n = next(_ids)
    return {
        "type": kind,
        "webhookEventId": f"01TEST{n:020d}",
        "deliveryContext": {"isRedelivery": False},
        "timestamp": 1763700000000 + n,
        "source": {"type": "user", "userId": user},
        "replyToken": f"reply{n:027d}",
        "mode": "active",
        **fields,
    }


def text(value: str, user: str = USER) -> dict:
    n = next(_ids)
    return _event(
        "message", user, message={"type": "text", "id": str(10_000 + n), "text": value, "quoteToken": "q"}
    )


def location(lat: float, lon: float, user: str = USER, address: str = "หน้าวัด") -> dict:
    return _event(
        "message",
        user,
        message={
            "type": "location",
            "id": str(20_000 + next(_ids)),
            "latitude": lat,
            "longitude": lon,
            "address": address,
        },
    )


def image(message_id: str, user: str = USER) -> dict:
    return _event(
        "message",
        user,
        message={"type": "image", "id": message_id, "quoteToken": "q", "contentProvider": {"type": "line"}},
    )


def postback(data: str, user: str = USER) -> dict:
    return _event("postback", user, postback={"data": data})


def body_of(*events: dict) -> bytes:
    return json.dumps(
        {"destination": "Uxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "events": list(events)}, ensure_ascii=False
    ).encode()


def deliver(client: Client, slug: str, body: bytes, *, secret: str = SECRET, signature: str | None = None):
    headers = {"HTTP_X_LINE_SIGNATURE": sign(secret, body) if signature is None else signature}
    return client.post(f"/line/{slug}/webhook", data=body, content_type="application/json", **headers)


@dataclass
class ContentServer:
    """api-data.line.me for tests: GET /v2/bot/message/<id>/content answers the recorded JPEG (or the bytes
    given in `bodies` for that id)."""

    url: str = ""
    requests: list[tuple[str, dict]] = field(default_factory=list)
    missing: set[str] = field(default_factory=set)
    bodies: dict[str, bytes] = field(default_factory=dict)


def start_content_server() -> tuple[ContentServer, ThreadingHTTPServer]:
    rec = recording("line_content_200")
    jpeg = base64.b64decode(rec["response"]["body_base64"])
    state = ContentServer()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            state.requests.append((self.path, {k.lower(): v for k, v in self.headers.items()}))
            message_id = self.path.split("/")[-2]
            if message_id in state.missing:
                status, data, ctype = 404, json.dumps(rec["not_found"]["body"]).encode(), "application/json"
            else:
                status, data = 200, state.bodies.get(message_id, jpeg)
                ctype = rec["response"]["headers"]["content-type"]
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return state, server


def line_town() -> Town:
    """A town with a LINE channel, a street-light category (works) and a road category (health, for variety)."""
    town = make_town()
    CaseCategoryFactory(organization=town.org, code="road", name_th="ถนนชำรุด", default_department=town.health)
    town.category.name_th = "ไฟส่องสว่างชำรุด"
    town.category.save(update_fields=["name_th"])
    LineChannel.objects.create(
        organization=town.org, channel_id="2000000001", channel_secret=SECRET, access_token=TOKEN
    )
    return town


def inside(town: Town) -> tuple[float, float]:
    point = town.org.boundary.point_on_surface
    return point.y, point.x
