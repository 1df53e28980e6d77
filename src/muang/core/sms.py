"""The one adapter to an SMS gateway (outbound): ThaiBulkSMS API v2, the gateway most Thai local governments
already buy credit from.

Protocol (ThaiBulkSMS developer documentation, "Send SMS"):

    POST {MUANG_SMS_API_BASE}/sms
    Authorization: Basic base64(<API key>:<API secret>)
    Content-Type: application/x-www-form-urlencoded
    Accept: application/json

    msisdn=66812345678&message=…&sender=<registered sender name>&force=standard|corporate

    201 {"remaining_credit": …, "total_use_credit": 1, "credit_type": "standard",
         "phone_number_list": [{"number": "66812345678", "message_id": "…", "used_credit": 1}],
         "bad_phone_number_list": []}
    4xx/5xx {"error": {"code": 401, "name": "ERROR_UNAUTHORIZED", "description": "…"}}

A number the gateway refuses comes back in ``bad_phone_number_list`` with status 201: that is a permanent
failure. 429, 5xx and network errors are worth another try; every other 4xx is not. The gateway has no
idempotency key, so a retry after a timeout may, rarely, deliver twice (harmless for the one-time codes).

Configured by settings (environment variables ``MUANG_SMS_*``, see README "Configuration"); without an
API key and secret there is no adapter and the outbox gives SMS up as undeliverable.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import requests
from django.conf import settings

SEND_PATH = "/sms"
_NON_DIGITS = re.compile(r"\D")
_THAI_MOBILE = re.compile(r"^0[689]\d{8}$")


class SmsDeliveryError(Exception):
    def __init__(self, message: str, *, retryable: bool, status: int | None = None):
        super().__init__(message)
        self.retryable = retryable
        self.status = status


@dataclass(frozen=True)
class SmsSent:
    message_id: str
    used_credit: int
    remaining_credit: float | None


def thai_mobile_local(phone: str) -> str | None:
    """A Thai mobile number in its 10-digit local form (0812345678), from 081-234-5678, +66 81 234 5678,
    66812345678…; None when the text holds no Thai mobile number (landlines cannot receive SMS)."""
    digits = _NON_DIGITS.sub("", phone or "")
    if digits.startswith("66") and len(digits) == 11:
        digits = "0" + digits[2:]
    return digits if _THAI_MOBILE.match(digits) else None


def thai_msisdn(phone: str) -> str | None:
    """The international form the gateway wants (66812345678), or None."""
    local = thai_mobile_local(phone)
    return "66" + local[1:] if local else None


def mask_thai_mobile(local: str) -> str:
    """0812345678 → 08x-xxx-5678: enough for the owner to recognise the number, not for others to use it."""
    return f"{local[:2]}x-xxx-{local[-4:]}"


class SmsAdapter:
    def __init__(
        self,
        *,
        api_key: str,
        api_secret: str,
        sender: str = "",
        credit_type: str = "standard",
        base_url: str | None = None,
        timeout: float = 10.0,
    ):
        self._auth = (api_key, api_secret)
        self._sender = sender
        self._credit_type = credit_type
        self._url = (base_url or settings.MUANG_SMS_API_BASE).rstrip("/") + SEND_PATH
        self._timeout = timeout

    @classmethod
    def from_settings(cls) -> SmsAdapter | None:
        if not (settings.MUANG_SMS_API_KEY and settings.MUANG_SMS_API_SECRET):
            return None
        return cls(
            api_key=settings.MUANG_SMS_API_KEY,
            api_secret=settings.MUANG_SMS_API_SECRET,
            sender=settings.MUANG_SMS_SENDER,
            credit_type=settings.MUANG_SMS_CREDIT_TYPE,
        )

    def send(self, *, to: str, text: str) -> SmsSent:
        msisdn = thai_msisdn(to)
        if msisdn is None:
            raise SmsDeliveryError(f"not a Thai mobile number: {to!r}", retryable=False)
        form = {"msisdn": msisdn, "message": text, "force": self._credit_type}
        if self._sender:
            form["sender"] = self._sender
        try:
            response = requests.post(
                self._url,
                data=form,
                auth=self._auth,
                headers={"Accept": "application/json"},
                timeout=self._timeout,
            )
        except requests.RequestException as e:  # refused, timeout, TLS: worth another try later
            raise SmsDeliveryError(f"SMS gateway unreachable: {type(e).__name__}: {e}", retryable=True) from e
        try:
            body = response.json()
        except ValueError:
            body = {}
        if response.status_code >= 400 or not isinstance(body, dict):
            error = body.get("error", {}) if isinstance(body, dict) else {}
            detail = error.get("description") or error.get("name") or response.text[:300]
            retryable = response.status_code == 429 or response.status_code >= 500
            raise SmsDeliveryError(
                f"SMS gateway answered {response.status_code}: {detail}",
                retryable=retryable,
                status=response.status_code,
            )
        bad = body.get("bad_phone_number_list") or []
        if bad:
            reason = bad[0].get("message", "bad phone number")
            raise SmsDeliveryError(f"SMS gateway refused {msisdn}: {reason}", retryable=False)
        sent = body.get("phone_number_list") or []
        if not sent:
            raise SmsDeliveryError(
                "SMS gateway accepted nothing", retryable=True, status=response.status_code
            )
        return SmsSent(
            message_id=str(sent[0].get("message_id", "")),
            used_credit=int(sent[0].get("used_credit", 0) or 0),
            remaining_credit=body.get("remaining_credit"),
        )
