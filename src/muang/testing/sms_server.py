"""A local stand-in for the SMS gateway (ThaiBulkSMS API v2): records each request and answers with recorded
responses. Tests point `MUANG_SMS_API_BASE` (or `SmsAdapter(base_url=...)`) at it, so the adapter makes real
HTTP requests over a socket; only the far end is replaced."""

import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

from muang.testing.line_server import recording

__all__ = ["FakeSms", "recording", "start_fake_sms"]


@dataclass
class SeenForm:
    method: str
    path: str
    headers: dict[str, str]
    form: dict[str, str]


@dataclass
class FakeSms:
    url: str
    requests: list[SeenForm] = field(default_factory=list)
    answers: list[tuple[int, dict]] = field(default_factory=list)

    def answer_with(self, *answers: tuple[int, dict]) -> None:
        self.answers.extend(answers)


def start_fake_sms() -> tuple[FakeSms, ThreadingHTTPServer]:
    import json

    ok = recording("thaibulksms_sms_201")["response"]
    state = FakeSms(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get("Content-Length", 0))
            raw = self.rfile.read(length).decode()
            form = {k: v[0] for k, v in parse_qs(raw, keep_blank_values=True).items()}
            headers = {k.lower(): v for k, v in self.headers.items()}
            state.requests.append(SeenForm("POST", self.path, headers, form))
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
