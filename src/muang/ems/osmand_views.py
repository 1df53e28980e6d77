"""POST or GET /osmand/<organisation slug>: Traccar's OsmAnd protocol (see osmand.py). 200 {"status":
"stored" | "duplicate"}, as Traccar answers a known tracker; refusals are problem+json naming the parameter."""

import logging

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from muang.api import on_domain_error
from muang.core.errors import InvalidInput, MuangError
from muang.core.views.pages import machine_endpoint
from muang.ems import osmand
from muang.ems.services.tracking import osmand_receive

logger = logging.getLogger("muang.ems.osmand")
REASON = (
    "a tracker speaking Traccar's OsmAnd protocol, which carries no secret: identified by its id registered in "
    "the organisation; positions off the organisation's map, future times and replays are refused"
)


FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")


def _position(request: HttpRequest) -> osmand.Position:
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > settings.MUANG_IOT_MAX_PAYLOAD:
        raise InvalidInput.for_field("body", _("The body is too large."))
    if request.GET:
        return osmand.parse_parameters(request.GET.dict())
    if request.method == "POST" and request.content_type in FORMS:
        return osmand.parse_parameters(request.POST.dict())
    if len(request.body) > settings.MUANG_IOT_MAX_PAYLOAD:
        raise InvalidInput.for_field("body", _("The body is too large."))
    if request.body.lstrip()[:1] == b"{":
        return osmand.parse_json(request.body)
    return osmand.parse_parameters({})  # nothing to read: "give the tracker's id"


@machine_endpoint(REASON)
@csrf_exempt  # a tracker sends no CSRF token
@require_http_methods(["GET", "POST"])
def receive(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        outcome = osmand_receive(slug=slug, position=_position(request))
    except MuangError as e:
        logger.info("osmand: position for %s refused (%s): %s", slug, e.status, e.detail)
        return on_domain_error(request, e)
    return JsonResponse({"status": outcome.status})
