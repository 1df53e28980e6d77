"""Following stations from the organisation's LINE account (AppContract.line_commands, asked by the LINE
conversation of the reports app before its own steps):

    เตือน / alert                      how to follow, and the public stations with their numbers
    เตือน 12 / alert 12                follow station 12
    เตือน 12 3 / alert 12 3            follow every station within 3 km of station 12
    เตือน ทั้งหมด / alert all           follow every station of the organisation
    เลิกเตือน [12] / stop alerts [12]  stop following (everything, or station 12)

A web follow would need LINE Login, which this platform cannot offer offline: the public page shows these words.
"""

from __future__ import annotations

import datetime as dt

from django.utils import translation
from django.utils.translation import gettext as _

from muang.core.errors import InvalidInput
from muang.core.models import Citizen, Organization
from muang.environment.models import Follow, Station
from muang.environment.services import follow_start, follow_stop

FOLLOW_WORDS = frozenset({"เตือน", "แจ้งเตือน", "alert", "alerts"})
STOP_WORDS = frozenset({"เลิกเตือน", "หยุดเตือน", "unalert"})
ALL_WORDS = frozenset({"ทั้งหมด", "all"})
MAX_LISTED = 20


def _text(value: str) -> dict:
    return {"type": "text", "text": value[:5000]}


def line_command(
    *, organization: Organization, citizen: Citizen | None, line_user_id: str, text: str, now: dt.datetime
) -> list[dict] | None:
    words = text.casefold().replace("กม.", " ").replace("km", " ").split()
    if not words:
        return None
    if words[:2] in (["stop", "alert"], ["stop", "alerts"]):
        words = ["unalert", *words[2:]]
    if words[0] not in FOLLOW_WORDS | STOP_WORDS or len(words) > 3:
        return None
    with translation.override(getattr(citizen, "preferred_language", None) or "th"):
        if words[0] in STOP_WORDS:
            return [_stop(organization, line_user_id, words[1:])]
        return [_follow(organization, citizen, line_user_id, words[1:])]


def _station(organization: Organization, word: str) -> Station | None:
    if not word.isdigit():
        return None
    return Station.objects.filter(organization=organization, pk=int(word), is_public=True).first()


def _help(organization: Organization) -> dict:
    stations = list(
        Station.objects.filter(organization=organization, is_public=True).order_by("kind", "name")[
            :MAX_LISTED
        ]
    )
    lines = [
        _(
            'To get a LINE message when the air or the water at a station turns bad, send "alert" and its number:'
        )
    ]
    lines += [f"{s.pk} · {s.name}" for s in stations]
    lines.append(
        _('"alert 12": one station; "alert 12 3": every station within 3 km of it; "alert all": all.')
    )
    lines.append(_('"stop alerts": no more messages.'))
    return _text("\n".join(lines))


def _follow(organization: Organization, citizen: Citizen | None, line_user_id: str, args: list[str]) -> dict:
    if not args:
        return _help(organization)
    if args[0] in ALL_WORDS:
        follow_start(organization=organization, line_user_id=line_user_id, citizen=citizen)
        return _text(_("You will hear of every station of %(org)s.") % {"org": organization.name_th})
    station = _station(organization, args[0])
    if station is None:
        return _help(organization)
    radius_m = None
    if len(args) > 1:
        try:
            radius_m = round(float(args[1]) * 1000)
        except ValueError:
            return _help(organization)
    try:
        follow_start(
            organization=organization,
            line_user_id=line_user_id,
            citizen=citizen,
            station=station,
            radius_m=radius_m,
        )
    except InvalidInput as e:
        return _text(e.detail)
    if radius_m:
        return _text(
            _("You will hear of every station within %(km)s km of %(station)s.")
            % {"km": f"{radius_m / 1000:g}", "station": station.name}
        )
    return _text(_("You will hear when the level at %(station)s changes.") % {"station": station.name})


def _stop(organization: Organization, line_user_id: str, args: list[str]) -> dict:
    station = _station(organization, args[0]) if args else None
    stopped = follow_stop(organization=organization, line_user_id=line_user_id, station=station)
    if not stopped:
        return _text(_("You were not following any station here."))
    left = Follow.objects.filter(organization=organization, line_user_id=line_user_id).count()
    if station is not None and left:
        return _text(_("No more messages about %(station)s.") % {"station": station.name})
    return _text(_("No more alerts from %(org)s.") % {"org": organization.name_th})
