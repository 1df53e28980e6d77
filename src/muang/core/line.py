"""The one adapter to LINE's Messaging API (outbound), and webhook signature checking (inbound).

Protocol types and HTTP come from line-bot-sdk; this module decides what is retryable. Push messages carry
an `X-Line-Retry-Key`, so a retry after a timeout never delivers twice (LINE answers 409 for a key it has
already accepted).
"""

from dataclasses import dataclass

from django.conf import settings

# line-bot-sdk (its generated models and aiohttp: seconds of import time and tens of MB) is imported where a
# message is sent or a webhook checked, not by every web worker that imports the outbox (issue 11).


class LineDeliveryError(Exception):
    def __init__(self, message: str, *, retryable: bool, status: int | None = None):
        super().__init__(message)
        self.retryable = retryable
        self.status = status


@dataclass(frozen=True)
class Delivered:
    message_ids: list[str]
    duplicate: bool = False  # LINE had already accepted this retry key


class LineAdapter:
    def __init__(self, *, access_token: str, base_url: str | None = None, timeout: float = 10.0):
        from linebot.v3.messaging import Configuration

        host = base_url or settings.MUANG_LINE_API_BASE
        self._config = Configuration(access_token=access_token, host=host)
        # Content downloads live on a separate host in production; a test server answers both.
        data_host = "https://api-data.line.me" if host.rstrip("/") == "https://api.line.me" else host
        self._data_config = Configuration(access_token=access_token, host=data_host)
        self._timeout = timeout

    def push(self, *, to: str, messages: list[dict], retry_key: str) -> Delivered:
        from linebot.v3.messaging import PushMessageRequest

        request = PushMessageRequest.from_dict({"to": to, "messages": messages})
        return self._send(
            lambda api: api.push_message(request, x_line_retry_key=retry_key, _request_timeout=self._timeout)
        )

    def reply(self, *, reply_token: str, messages: list[dict]) -> Delivered:
        from linebot.v3.messaging import ReplyMessageRequest

        request = ReplyMessageRequest.from_dict({"replyToken": reply_token, "messages": messages})
        return self._send(lambda api: api.reply_message(request, _request_timeout=self._timeout))

    def get_message_content(self, message_id: str) -> bytes:
        """The bytes of an image (video, audio) a user sent, from LINE's data host (api-data.line.me).

        LINE keeps the content for a limited time only; a missing message is a non-retryable 404.
        """
        from linebot.v3.messaging import ApiClient, ApiException, MessagingApiBlob

        try:
            with ApiClient(self._data_config) as client:
                return bytes(
                    MessagingApiBlob(client).get_message_content(message_id, _request_timeout=self._timeout)
                )
        except ApiException as e:
            retryable = e.status == 429 or (e.status or 0) >= 500
            raise LineDeliveryError(
                f"LINE answered {e.status}: {e.body}", retryable=retryable, status=e.status
            ) from e
        except Exception as e:  # connection refused, timeout, TLS
            raise LineDeliveryError(f"LINE unreachable: {type(e).__name__}: {e}", retryable=True) from e

    def _send(self, call) -> Delivered:
        from linebot.v3.messaging import ApiClient, ApiException, MessagingApi

        try:
            with ApiClient(self._config) as client:
                response = call(MessagingApi(client))
        except ApiException as e:
            if e.status == 409:  # this retry key was already accepted: the message went out before
                return Delivered(message_ids=[], duplicate=True)
            retryable = e.status == 429 or (e.status or 0) >= 500
            raise LineDeliveryError(
                f"LINE answered {e.status}: {e.body}", retryable=retryable, status=e.status
            ) from e
        except Exception as e:  # connection refused, timeout, TLS: worth another try later
            raise LineDeliveryError(f"LINE unreachable: {type(e).__name__}: {e}", retryable=True) from e
        sent = getattr(response, "sent_messages", None) or []
        return Delivered(message_ids=[m.id for m in sent])


def parse_webhook(*, body: bytes, signature: str, channel_secret: str) -> list:
    """Verify `X-Line-Signature` (HMAC-SHA256 of the raw body with the channel secret, base64) and parse events.

    Raises InvalidSignature for a wrong or missing signature or a body that is not UTF-8 JSON.
    """
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as e:
        raise InvalidSignature("the body is not UTF-8") from e
    if not signature:
        raise InvalidSignature("X-Line-Signature is missing")
    from linebot.v3 import WebhookParser
    from linebot.v3.exceptions import InvalidSignatureError

    try:
        return WebhookParser(channel_secret).parse(text, signature)
    except InvalidSignatureError as e:
        raise InvalidSignature("X-Line-Signature does not match the body") from e


class InvalidSignature(Exception):
    pass
