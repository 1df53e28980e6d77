"""`POST /line/<organisation slug>/webhook`: LINE's signed calls for one organisation's LINE Official Account."""

import logging

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from muang.core.line import InvalidSignature, parse_webhook
from muang.core.models import LineChannel
from muang.core.views.pages import machine_endpoint

from .conversation import Incoming, line_event_process

logger = logging.getLogger("muang.reports.line")


@machine_endpoint("LINE signs each call: the X-Line-Signature over the raw body, with the channel secret")
@csrf_exempt  # LINE cannot send a CSRF token: the signature over the raw body authenticates the call
@require_POST
def webhook(request: HttpRequest, slug: str) -> HttpResponse:
    channel = (
        LineChannel.objects.select_related("organization")
        .filter(organization__slug=slug, organization__is_active=True, is_active=True)
        .first()
    )
    if channel is None:
        return JsonResponse({"detail": "No active LINE channel for this organisation."}, status=404)
    try:
        events = parse_webhook(
            body=request.body,
            signature=request.headers.get("X-Line-Signature", ""),
            channel_secret=channel.channel_secret,
        )
    except InvalidSignature as e:
        logger.warning("LINE webhook for %s refused: %s", slug, e)
        return HttpResponseBadRequest(str(e))
    except (ValueError, KeyError, TypeError) as e:  # signed, but not a webhook body LINE would send
        logger.warning("LINE webhook for %s: unreadable body: %s", slug, e)
        return HttpResponseBadRequest("The body is not a LINE webhook payload.")
    base_url = request.build_absolute_uri("/")
    processed = 0
    for event in events:
        incoming = Incoming.from_event(event)
        if incoming is None:
            continue
        processed += line_event_process(
            organization=channel.organization, channel=channel, event=incoming, base_url=base_url
        )
    return JsonResponse({"processed": processed})
