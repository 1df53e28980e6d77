"""Reads for Open311: the organisation's services and public service requests, shaped as GeoReport v2 fields.

Everything here is public: no names, phones, e-mails or LINE ids ever leave; sensitive categories' points are
blurred the same way as on the public map (`muang.reports.selectors.public_point`, deterministic per case).
"""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone

from muang.cases.models import Attachment, Case, CaseCategory, CaseEvent
from muang.cases.tracking import normalize_tracking_code
from muang.core.models import Organization
from muang.reports.demo_text import DEFAULT_KEYWORDS
from muang.reports.models import CategoryQuestion
from muang.reports.questions import questions_of
from muang.reports.selectors import public_point

from .formats import w3c

DEFAULT_WINDOW = dt.timedelta(days=90)
MAX_REQUESTS = 1000


def active_categories(organization: Organization) -> QuerySet[CaseCategory]:
    return (
        CaseCategory.objects.filter(organization=organization, is_active=True)
        .select_related("default_department")
        .order_by("position", "code")
    )


def services(organization: Organization) -> list[dict]:
    categories = list(active_categories(organization))
    with_questions = set(
        CategoryQuestion.objects.filter(
            organization=organization, is_active=True, category__in=categories
        ).values_list("category_id", flat=True)
    )
    return [
        {
            "service_code": c.code,
            "service_name": c.name_th,
            "description": c.name_en,
            "metadata": c.pk in with_questions,
            "type": "realtime",
            "keywords": ",".join(DEFAULT_KEYWORDS.get(c.code, ())),
            "group": c.default_department.name_th,
        }
        for c in categories
    ]


def service_definition(category: CaseCategory) -> dict:
    return {
        "service_code": category.code,
        "attributes": [
            {
                "variable": True,
                "code": q.code,
                "datatype": q.datatype,
                "required": q.required,
                "datatype_description": q.datatype_description,
                "order": q.order,
                "description": q.description,
                "values": [{"key": v.get("key"), "name": v.get("name")} for v in q.values or []],
            }
            for q in questions_of(category)
        ],
    }


@dataclass(frozen=True)
class RequestQuery:
    service_request_ids: Sequence[str] = ()
    service_codes: Sequence[str] = ()
    start: dt.datetime | None = None
    end: dt.datetime | None = None
    statuses: Sequence[str] = ()  # "open" / "closed"


def _rows(organization: Organization) -> QuerySet[Case]:
    public_events = CaseEvent.objects.filter(
        organization_id=organization.pk, case=OuterRef("pk"), is_public=True
    ).exclude(message="")
    public_photos = Attachment.objects.filter(  # what the tracking page shows: never a sensitive category's
        organization_id=organization.pk,
        case=OuterRef("pk"),
        is_public=True,
        case__category__is_sensitive=False,
    )
    return (
        Case.objects.filter(organization=organization)
        .select_related("category", "status", "department")
        .annotate(
            last_note=Subquery(public_events.order_by("-created_at", "-id").values("message")[:1]),
            first_photo=Subquery(public_photos.order_by("created_at", "id").values("file")[:1]),
        )
    )


def service_requests(organization: Organization, query: RequestQuery, *, now: dt.datetime | None = None):
    """The public requests matching the GeoReport v2 filters: ids override everything else; otherwise the
    last 90 days by default, newest first, at most 1000."""
    qs = _rows(organization)
    if query.service_request_ids:
        codes = [c for c in (normalize_tracking_code(i) for i in query.service_request_ids) if c]
        return list(qs.filter(tracking_code__in=codes).order_by("-created_at", "-id")[:MAX_REQUESTS])
    now = now or timezone.now()
    end = query.end or (query.start + DEFAULT_WINDOW if query.start else now)
    start = query.start or end - DEFAULT_WINDOW
    qs = qs.filter(created_at__gte=start, created_at__lte=end)
    if query.service_codes:
        qs = qs.filter(category__code__in=query.service_codes)
    if set(query.statuses) == {"open"}:
        qs = qs.filter(is_open=True)
    elif set(query.statuses) == {"closed"}:
        qs = qs.filter(is_open=False)
    return list(qs.order_by("-created_at", "-id")[:MAX_REQUESTS])


def service_request(organization: Organization, service_request_id: str) -> Case | None:
    code = normalize_tracking_code(service_request_id)
    if code is None:
        return None
    return _rows(organization).filter(tracking_code=code).first()


def request_fields(case: Case, *, site: str) -> dict:
    """One request as GeoReport v2 names it. Never a reporter's name, phone, e-mail or LINE id."""
    lat = lon = None
    if case.location is not None:
        lon, lat = public_point(
            case.pk, case.location.x, case.location.y, sensitive=case.category.is_sensitive
        )
        lon, lat = round(lon, 6), round(lat, 6)
    photo_url = Attachment.file.field.storage.url(case.first_photo) if case.first_photo else None
    media_url = site.rstrip("/") + photo_url if photo_url else None
    return {
        "service_request_id": case.tracking_code,
        "status": "open" if case.is_open else "closed",
        "status_notes": case.last_note or case.status.name_th,
        "service_name": case.category.name_th,
        "service_code": case.category.code,
        "description": case.description,
        "agency_responsible": case.department.name_th,
        "service_notice": None,
        "requested_datetime": w3c(case.created_at),
        "updated_datetime": w3c(case.updated_at),
        "expected_datetime": w3c(case.due_at),
        # A sensitive case's address would undo the blur: only the blurred point is given.
        "address": None if case.category.is_sensitive else (case.address or None),
        "address_id": None,
        "zipcode": None,
        "lat": lat,
        "long": lon,
        "media_url": media_url,
    }
