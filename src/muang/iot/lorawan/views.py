"""The network servers' webhooks (see `events` for the bodies, `services` for what is written):

    POST /lorawan/chirpstack/<organisation slug>?event=up|status|join|log|ack|txack
    POST /lorawan/tts/<organisation slug>/<uplink-message|join-accept|downlink-…|service-data|location-solved>

Authenticated by the organisation's secret in `X-Muang-Secret` (or `Authorization: Bearer …`), which the
operator sets as a custom header in the integration. 200 {"status": "stored"|"duplicate"|"accepted"}; refusals are
problem+json: 401 (secret; counted, nothing stored), 404 (organisation, or a DevEUI it does not have), 400
(unreadable JSON, unknown event), 413 (body too large), 422 naming the field. ChirpStack treats a non-2xx as a
failed call and does not retry: a refusal is final, so it says exactly what was wrong.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from muang.api import on_domain_error
from muang.core.errors import InvalidInput, MuangError
from muang.core.models import Organization
from muang.core.views.pages import machine_endpoint
from muang.iot.lorawan import events, services
from muang.iot.services.ingest import PayloadTooLarge

logger = logging.getLogger("muang.iot.lorawan")
SECRET_HEADER = "X-Muang-Secret"  # noqa: S105 (a header name)
REASON = "a network server: the organisation's secret in X-Muang-Secret, compared in constant time"


def _problem(request: HttpRequest, error: MuangError) -> HttpResponse:
    response = on_domain_error(request, error)  # the API's problem+json, the same document everywhere
    if error.status == 401:
        response["WWW-Authenticate"] = f'Bearer realm="muang", header="{SECRET_HEADER}"'
    return response


def _secret(request: HttpRequest) -> str:
    secret = request.headers.get(SECRET_HEADER, "")
    if not secret:
        scheme, _sep, value = request.headers.get("Authorization", "").partition(" ")
        secret = value.strip() if scheme.lower() == "bearer" else ""
    return secret


def _authenticated_body(request: HttpRequest, slug: str) -> tuple[Organization, dict]:
    organization = services.authenticate_webhook(slug=slug, secret=_secret(request))
    limit = settings.MUANG_LORAWAN_MAX_BODY
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > limit or len(request.body) > limit:
        raise PayloadTooLarge(_("The body is larger than %(n)s bytes.") % {"n": limit})
    return organization, events.parse_json(request.body)


def _answer(outcome) -> JsonResponse:
    if outcome is None:
        return JsonResponse({"status": "accepted"})
    return JsonResponse({"status": outcome.status, "readings": outcome.rows})


@machine_endpoint(REASON)
@csrf_exempt  # a network server sends no CSRF token: the secret header authenticates the call
@require_POST
def chirpstack(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        organization, body = _authenticated_body(request, slug)
        event = events.chirpstack_event(request.GET.get("event", ""), body)
        outcome = services.lorawan_event_process(organization=organization, event=event)
    except MuangError as e:
        if e.status != 401:
            logger.info("lorawan: chirpstack call for %s refused (%s): %s", slug, e.status, e.detail)
        return _problem(request, e)
    return _answer(outcome)


def _tts_downlink(request: HttpRequest) -> tuple[str, str] | None:
    """The push URL and API key The Things Stack sends with each webhook, for this device's downlinks."""
    push_url = request.headers.get("X-Downlink-Push", "")
    api_key = request.headers.get("X-Downlink-Apikey", "")
    if not (push_url and api_key):
        return None
    if not push_url.startswith(("https://", "http://")) or len(push_url) > 1000:
        raise InvalidInput.for_field(
            "X-Downlink-Push", _("X-Downlink-Push is an http(s) URL of at most 1000 characters.")
        )
    if len(api_key) > 1000:
        raise InvalidInput.for_field("X-Downlink-Apikey", _("X-Downlink-Apikey is at most 1000 characters."))
    return push_url, api_key


@machine_endpoint(REASON)
@csrf_exempt  # a network server sends no CSRF token: the secret header authenticates the call
@require_POST
def tts(request: HttpRequest, slug: str, event: str) -> HttpResponse:
    try:
        organization, body = _authenticated_body(request, slug)
        parsed = events.tts_event(event, body)
        downlink = _tts_downlink(request)
        outcome = services.lorawan_event_process(
            organization=organization, event=parsed, tts_downlink=downlink
        )
    except MuangError as e:
        if e.status != 401:
            logger.info("lorawan: tts call for %s refused (%s): %s", slug, e.status, e.detail)
        return _problem(request, e)
    return _answer(outcome)
