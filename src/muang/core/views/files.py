"""`/files/<name>`: the private uploads (case photos, survey and signboard photos, taxpayers' documents), each
served only after the app that owns it has said that this reader may see it (`muang.core.uploads`)."""

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from muang.core import uploads
from muang.core.access import Actor
from muang.core.errors import AccessDenied, NotFound
from muang.core.services import api_token_authenticate
from muang.core.views.pages import forbidden, public_page
from muang.core.workspace import actor_from_request


def _reader(request: HttpRequest) -> Actor:
    """An integration with its API token (URLs in API answers point here), or whoever the session is."""
    scheme, _sep, secret = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer" and secret:
        token = api_token_authenticate(secret.strip())
        if token is not None:
            return Actor(
                token=token, ip_address=request.META.get("REMOTE_ADDR"), request_id=getattr(request, "id", "")
            )
    return actor_from_request(request)


@public_page(
    "each file's own app decides on every read who may see it (AppContract.file_readers: a public case photo "
    "to anyone, the rest to staff with the right permission or the taxpayer who filed it); unknown: 404"
)
@require_safe
def private_file(request: HttpRequest, name: str) -> HttpResponse:
    try:
        visibility = uploads.check_read(request, _reader(request), name)
        return uploads.image_response(uploads.private_storage(), name, visibility)
    except NotFound as e:
        raise Http404(e.detail) from e
    except AccessDenied:
        return forbidden(request)
