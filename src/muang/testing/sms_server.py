"""A local stand-in for the SMS gateway (ThaiBulkSMS API v2): records each form it gets and answers with recorded
responses (see muang.testing.line_server)."""

from urllib.parse import parse_qs

from muang.testing.line_server import FakeService, recording, start_recorded_server

FakeSms = FakeService
__all__ = ["FakeSms", "recording", "start_fake_sms"]


def _form(raw: bytes) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(raw.decode(), keep_blank_values=True).items()}


def start_fake_sms():
    return start_recorded_server("thaibulksms_sms_201", _form)
