"""A local SMTP server for tests (RFC 5321, the part a client sending one message uses): it records every message
it accepts, and can be told to refuse a recipient. Python's socketserver, no dependency (aiosmtpd is not
installed); Django's SMTP backend talks to it exactly as to a real server.

    state, server = start_smtp_sink()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = state.host, state.port
    ...
    state.messages[0]["Subject"], state.messages[0].get_content()
    server.shutdown()
"""

import email
import email.policy
import socketserver
import threading
from dataclasses import dataclass, field
from email.message import EmailMessage


@dataclass
class SmtpSink:
    host: str = "127.0.0.1"
    port: int = 0
    messages: list[EmailMessage] = field(default_factory=list)
    envelopes: list[tuple[str, list[str]]] = field(default_factory=list)  # (MAIL FROM, RCPT TO...)
    refuse: set[str] = field(default_factory=set)  # recipients answered 550


def _address(argument: str) -> str:
    start, end = argument.find("<"), argument.find(">")
    return argument[start + 1 : end] if start != -1 and end > start else argument.split(":", 1)[-1].strip()


def start_smtp_sink() -> tuple[SmtpSink, socketserver.ThreadingTCPServer]:
    state = SmtpSink()

    class Handler(socketserver.StreamRequestHandler):
        def reply(self, line: str) -> None:
            self.wfile.write(line.encode() + b"\r\n")
            self.wfile.flush()

        def handle(self) -> None:
            self.reply("220 muang-test ESMTP")
            sender, recipients = "", []
            while True:
                raw = self.rfile.readline()
                if not raw:
                    return
                line = raw.decode("utf-8", "replace").rstrip("\r\n")
                verb, _, argument = line.partition(" ")
                verb = verb.upper()
                if verb == "EHLO":
                    self.reply("250-muang-test")
                    self.reply("250-8BITMIME")
                    self.reply("250 SMTPUTF8")
                elif verb == "HELO":
                    self.reply("250 muang-test")
                elif verb == "MAIL":
                    sender, recipients = _address(argument), []
                    self.reply("250 OK")
                elif verb == "RCPT":
                    recipient = _address(argument)
                    if recipient in state.refuse:
                        self.reply("550 5.1.1 no such user here")
                    else:
                        recipients.append(recipient)
                        self.reply("250 OK")
                elif verb == "DATA":
                    self.reply("354 end with <CRLF>.<CRLF>")
                    lines = []
                    while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                        lines.append(chunk[1:] if chunk.startswith(b"..") else chunk)
                    message = email.message_from_bytes(b"".join(lines), policy=email.policy.default)
                    state.messages.append(message)
                    state.envelopes.append((sender, recipients))
                    self.reply("250 OK queued")
                elif verb in ("RSET", "NOOP"):
                    self.reply("250 OK")
                elif verb == "QUIT":
                    self.reply("221 bye")
                    return
                else:
                    self.reply("502 command not implemented")

    class Server(socketserver.ThreadingTCPServer):
        allow_reuse_address = True
        daemon_threads = True

    server = Server((state.host, 0), Handler)
    state.port = server.server_address[1]
    threading.Thread(target=server.serve_forever, daemon=True, name="smtp-sink").start()
    return state, server
