"""Local stand-ins for the outside HTTP services we cannot reach here (api.line.me, the SMS gateway): each
records the requests it gets and answers with recorded responses.

Tests point the adapter's base URL (`MUANG_LINE_API_BASE`, `MUANG_SMS_API_BASE`, or `base_url=`) at it, so the
real client makes real HTTP requests over a socket; only the far end is replaced.
"""

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

RECORDINGS = Path(__file__).parent / "recordings"


def recording(name: str) -> dict:
    """A recorded exchange: {"request": {...}, "response": {"status": ..., "body": ...}}."""
    return json.loads((RECORDINGS / f"{name}.json").read_text())


@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str]
    body: Any  # as `start_recorded_server`'s parser read it

    @property
    def form(self) -> Any:  # the SMS gateway's requests are forms
        return self.body


@dataclass
class FakeService:
    url: str
    requests: list[Seen] = field(default_factory=list)
    answers: list[tuple[int, dict]] = field(default_factory=list)

    def answer_with(self, *answers: tuple[int, dict]) -> None:
        self.answers.extend(answers)


FakeLine = FakeService


def start_recorded_server(
    default: str, parse: Callable[[bytes], Any]
) -> tuple[FakeService, ThreadingHTTPServer]:
    """A server answering every POST with the queued answers, then with the recording `default`."""
    ok = recording(default)["response"]
    state = FakeService(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get("Content-Length", 0))
            body = parse(self.rfile.read(length))
            state.requests.append(
                Seen("POST", self.path, {k.lower(): v for k, v in self.headers.items()}, body)
            )
            status, payload = state.answers.pop(0) if state.answers else (ok["status"], ok["body"])
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):  # keep test output clean
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return state, server


def start_fake_line() -> tuple[FakeService, ThreadingHTTPServer]:
    return start_recorded_server("line_push_200", lambda raw: json.loads(raw or b"{}"))
