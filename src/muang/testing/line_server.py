"""A local stand-in for api.line.me: records each request and answers with recorded LINE responses.

Tests point `MUANG_LINE_API_BASE` (or `LineAdapter(base_url=...)`) at it, so the real SDK makes real HTTP
requests over a socket; only the far end is replaced.
"""

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

RECORDINGS = Path(__file__).parent / "recordings"


def recording(name: str) -> dict:
    """A recorded exchange: {"request": {...}, "response": {"status": ..., "body": ...}}."""
    return json.loads((RECORDINGS / f"{name}.json").read_text())


@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str]
    body: dict


@dataclass
class FakeLine:
    url: str
    requests: list[Seen] = field(default_factory=list)
    answers: list[tuple[int, dict]] = field(default_factory=list)

    def answer_with(self, *answers: tuple[int, dict]) -> None:
        self.answers.extend(answers)


def start_fake_line() -> tuple[FakeLine, ThreadingHTTPServer]:
    ok = recording("line_push_200")["response"]
    state = FakeLine(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get("Content-Length", 0))
            body = json.loads(self.rfile.read(length) or b"{}")
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
