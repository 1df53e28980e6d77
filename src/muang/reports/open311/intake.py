"""`POST requests`: an Open311 client files a citizen's report through `case_submit`.

Parsing and checking the GeoReport v2 fields happens here; every refusal is an `Open311Error` with the HTTP
status and a description saying exactly what is wrong, which the view turns into the error array.
"""

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.http import QueryDict
from django.utils.translation import gettext as _

from muang.cases.models import Case, CaseCategory, Channel
from muang.cases.services import case_submit
from muang.core.errors import InvalidInput
from muang.core.form_errors import error_lines
from muang.core.jurisdiction import ReportOutsideArea, locate_organization
from muang.core.models import ApiToken, Organization
from muang.core.services import api_token_authenticate
from muang.core.validation import clean_phone, point_from
from muang.reports.permissions import ReportScope
from muang.reports.questions import AnswerProblem, Problem, check_answers, choice_keys, max_length

MAX_IDEMPOTENCY_KEY = 40
MAX_ADDRESS = 300  # Case.address
MAX_NAME = 200  # Case.contact_name (first_name and last_name together)
# The service's field names as the GeoReport v2 client sent them.
OPEN311_NAMES = {
    "contact_phone": "phone",
    "contact_email": "email",
    "contact_name": "first_name/last_name",
    "address": "address_string",
    "location": "lat/long",
}


class Open311Error(Exception):
    def __init__(self, status: int, *descriptions: str):
        super().__init__("; ".join(descriptions))
        self.status = status
        self.descriptions = [str(d) for d in descriptions]


@dataclass
class Submission:
    category: CaseCategory
    lat: str
    lon: str
    description: str
    address: str = ""
    contact_name: str = ""
    contact_phone: str = ""
    contact_email: str = ""
    attributes: dict = field(default_factory=dict)
    idempotency_key: str = ""


def authenticate(api_key: str, organization: Organization) -> ApiToken:
    """The caller's token: 401 for none / unknown / revoked / expired, 403 for another organisation's or one
    without the `reports:submit` scope."""
    if not api_key:
        raise Open311Error(401, _("api_key is required to create a service request."))
    token = api_token_authenticate(api_key)
    if token is None:
        raise Open311Error(401, _("Invalid api_key: unknown, revoked or expired."))
    if token.organization_id != organization.pk:
        raise Open311Error(
            403, _("This api_key is not valid for jurisdiction_id %(j)s.") % {"j": organization.slug}
        )
    if ReportScope.REPORTS_SUBMIT not in token.scopes:
        raise Open311Error(403, _("This api_key lacks the scope “reports:submit”."))
    return token


def _number(value: str, name: str) -> Decimal:
    try:
        return Decimal(value)
    except InvalidOperation as e:
        raise Open311Error(400, _("%(name)s must be a number.") % {"name": name}) from e


def _attributes(data: QueryDict, category: CaseCategory) -> dict:
    """`attribute[code]` (and `attribute[code][]` for multi-value lists), checked against the category's questions."""
    answers, problems = check_answers(data, category)
    if problems:
        raise Open311Error(400, *(_attribute_problem(p) for p in problems))
    return answers


def _attribute_problem(p: AnswerProblem) -> str:
    name, question = p.field, p.question
    if p.problem == Problem.REQUIRED:
        return _("%(name)s is required: %(q)s") % {"name": name, "q": question.description}
    if p.problem == Problem.NOT_A_CHOICE:
        keys = ", ".join(sorted(choice_keys(question)))
        return _("%(name)s must be one of %(keys)s.") % {"name": name, "keys": keys}
    if p.problem == Problem.NOT_A_NUMBER:
        return _("%(name)s must be a number.") % {"name": name}
    if p.problem == Problem.NOT_A_DATETIME:
        return _("%(name)s must be a W3C date and time.") % {"name": name}
    return _("%(name)s may be at most %(max)d characters.") % {"name": name, "max": max_length(question)}


def parse_submission(data: QueryDict, organization: Organization, *, idempotency_key: str = "") -> Submission:
    problems = []
    service_code = data.get("service_code", "").strip()
    if not service_code:
        problems.append(_("service_code is required."))
    lat, lon = data.get("lat", "").strip(), data.get("long", "").strip()
    if not (lat and lon):
        if data.get("address_string", "").strip() or data.get("address_id", "").strip():
            problems.append(
                _("lat and long are required: this server cannot geocode address_string or address_id.")
            )
        else:
            problems.append(_("A location is required: send lat and long."))
    description = data.get("description", "").strip()
    if not description:
        problems.append(_("description is required."))
    if problems:
        raise Open311Error(400, *problems)
    category = CaseCategory.objects.filter(
        organization=organization, code=service_code, is_active=True
    ).first()
    if category is None:
        raise Open311Error(
            400,
            _("service_code %(code)s is not a service of %(j)s.")
            % {"code": service_code, "j": organization.slug},
        )
    _number(lat, "lat"), _number(lon, "long")
    if len(idempotency_key) > MAX_IDEMPOTENCY_KEY:
        raise Open311Error(400, _("The idempotency key may be at most 40 characters."))
    name = " ".join(p for p in (data.get("first_name", "").strip(), data.get("last_name", "").strip()) if p)
    address = data.get("address_string", "").strip()
    if len(address) > MAX_ADDRESS:
        problems.append(_("address_string may be at most %(max)d characters.") % {"max": MAX_ADDRESS})
    if len(name) > MAX_NAME:
        problems.append(_("first_name and last_name may be at most %(max)d characters.") % {"max": MAX_NAME})
    try:
        phone = clean_phone(data.get("phone", ""), field="phone")
    except InvalidInput as e:
        problems.append(f"phone: {e.detail}")
    if problems:
        raise Open311Error(400, *problems)
    return Submission(
        category=category,
        lat=lat,
        lon=lon,
        description=description,
        address=address,
        contact_name=name,
        contact_phone=phone,
        contact_email=data.get("email", "").strip(),
        attributes=_attributes(data, category),
        idempotency_key=idempotency_key,
    )


def open311_request_submit(
    *, token: ApiToken, organization: Organization, submission: Submission
) -> tuple[Case, bool]:
    """Route the point (it must lie in the jurisdiction) and file the case; (case, created)."""
    try:
        point = point_from(lat=float(submission.lat), lon=float(submission.lon))
        route = locate_organization(point)
    except (InvalidInput, ReportOutsideArea) as e:
        raise Open311Error(400, e.detail) from e
    if route.organization.pk != organization.pk:
        raise Open311Error(
            400,
            _("This location is served by %(org)s (jurisdiction_id %(slug)s), not %(here)s.")
            % {"org": route.organization.name_th, "slug": route.organization.slug, "here": organization.slug},
        )
    key = f"open311:{token.prefix}:{submission.idempotency_key}" if submission.idempotency_key else ""
    try:
        return case_submit(
            organization=organization,
            category=submission.category,
            channel=Channel.OPEN311,
            description=submission.description,
            location=point,
            address=submission.address,
            attributes=submission.attributes,
            contact_name=submission.contact_name,
            contact_phone=submission.contact_phone,
            contact_email=submission.contact_email,
            idempotency_key=key,
        )
    except InvalidInput as e:
        descriptions = error_lines(e, OPEN311_NAMES)
        raise Open311Error(400, *descriptions) from e
