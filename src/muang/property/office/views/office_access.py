"""What every tax office page (/tax/) shares: who may open it, the year being worked on, form errors from
the services, and the uploads kept between a dry run and the confirmed import."""

from __future__ import annotations

import hashlib
import secrets
import tempfile
from pathlib import Path

from django.conf import settings
from django.http import HttpRequest

from muang.core.models import Membership
from muang.core.views.pages import holds, staff_page
from muang.property.models import TaxYear
from muang.property.permissions import PropertyPerm

# Signed-in staff with `property.view` in their active organisation; passes actor and membership. Domain errors
# the view does not handle become pages: no permission → 403, not found (another organisation's objects) → 404.
office_view = staff_page(holds(PropertyPerm.PROPERTY_VIEW))


def chosen_year(request: HttpRequest, membership: Membership) -> int:
    """The tax year asked for (?year=, C.E.), else the organisation's latest, else this calendar year."""
    raw = request.GET.get("year") or request.POST.get("year") or ""
    if raw.isdigit() and 2000 <= int(raw) <= 2200:
        return int(raw)
    latest = (
        TaxYear.objects.filter(organization=membership.organization)
        .order_by("-year")
        .values_list("year", flat=True)
    ).first()
    if latest:
        return latest
    from django.utils import timezone

    return timezone.localdate().year


# --- uploads between the dry run and the import ----------------------------------------------------------------
# The file is kept on the server's disk, named by a random token that only the session knows, with the
# organisation and the file's digest beside it: the confirmation imports exactly what the dry run checked,
# into the organisation it was checked for, and nobody else's session can point at it.

STAGING_SESSION_KEY = "muang_property_staged"
STAGING_MAX_AGE_SECONDS = 6 * 3600


def _staging_dir() -> Path:
    base = (
        getattr(settings, "MUANG_IMPORT_STAGING_DIR", None)
        or Path(tempfile.gettempdir()) / "muang-import-staging"
    )
    path = Path(base)
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def _sweep(directory: Path) -> None:
    import time

    limit = time.time() - STAGING_MAX_AGE_SECONDS
    for old in directory.glob("*.upload"):
        try:
            if old.stat().st_mtime < limit:
                old.unlink()
        except OSError:
            pass


def stage_upload(request: HttpRequest, *, purpose: str, organization_id: int, data: bytes, meta: dict) -> str:
    """Keep an upload for the confirmation step; returns the token to put in the confirmation form."""
    directory = _staging_dir()
    _sweep(directory)
    token = secrets.token_urlsafe(24)
    (directory / f"{token}.upload").write_bytes(data)
    staged = request.session.get(STAGING_SESSION_KEY, {})
    staged = {k: v for k, v in staged.items() if (directory / f"{k}.upload").exists()}
    staged[token] = {
        "purpose": purpose,
        "organization_id": organization_id,
        "sha256": hashlib.sha256(data).hexdigest(),
        **meta,
    }
    request.session[STAGING_SESSION_KEY] = staged
    return token


def staged_upload(
    request: HttpRequest, *, purpose: str, organization_id: int, token: str
) -> tuple[bytes, dict] | None:
    """The upload a dry run kept, if this session staged it for this purpose and organisation."""
    meta = request.session.get(STAGING_SESSION_KEY, {}).get(token)
    if not meta or meta["purpose"] != purpose or meta["organization_id"] != organization_id:
        return None
    path = _staging_dir() / f"{token}.upload"
    try:
        data = path.read_bytes()
    except OSError:
        return None
    if hashlib.sha256(data).hexdigest() != meta["sha256"]:
        return None
    return data, meta


def drop_upload(request: HttpRequest, token: str) -> None:
    staged = request.session.get(STAGING_SESSION_KEY, {})
    staged.pop(token, None)
    request.session[STAGING_SESSION_KEY] = staged
    (_staging_dir() / f"{token}.upload").unlink(missing_ok=True)
