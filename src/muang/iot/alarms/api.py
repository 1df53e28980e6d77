"""/api/v1: the engineering head declares a profile's alarm rules; staff read the organisation's alarms and their
timeline, acknowledge and clear them."""

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from muang.cases.selectors import get_category_for, get_department_of
from muang.core.access import get_organization_for
from muang.core.api import actor
from muang.core.errors import NotFound
from muang.core.pagination import paginated
from muang.iot.alarms import selectors
from muang.iot.alarms.schemas import AlarmClearIn, AlarmEventOut, AlarmOut, AlarmRuleIn, AlarmRuleOut
from muang.iot.alarms.services import alarm_acknowledge, alarm_clear, alarm_rule_create
from muang.iot.permissions import IotPerm
from muang.iot.selectors import profiles_of

router = Router(tags=["iot"])
ALARMS = "/organizations/{slug}/iot/alarms"


@router.get(ALARMS, response=list[AlarmOut])
@paginated()
def alarms_list(
    request: HttpRequest,
    slug: str,
    status: str | None = Query(None, pattern="^(active|cleared)$"),
    acknowledged: bool | None = None,
    severity: str | None = Query(None, pattern="^(critical|major|minor|warning)$"),
    type: str | None = Query(None, max_length=40),  # the query parameter is called `type`
    device: int | None = None,
):
    """Newest first; `status` active or cleared, `acknowledged` true or false, `severity`, `type`, `device`."""
    a = actor(request)
    organization = get_organization_for(a, slug, IotPerm.ALARM_VIEW)
    return selectors.alarms_of(
        actor=a,
        organization=organization,
        status=status,
        acknowledged=acknowledged,
        severity=severity,
        alarm_type=type,
        device_id=device,
    )


@router.get(ALARMS + "/{alarm_id}", response=AlarmOut)
def alarms_get(request: HttpRequest, slug: str, alarm_id: int):
    a = actor(request)
    organization = get_organization_for(a, slug, IotPerm.ALARM_VIEW)
    return selectors.get_alarm_for(actor=a, organization=organization, alarm_id=alarm_id)


@router.get(ALARMS + "/{alarm_id}/events", response=list[AlarmEventOut])
def alarms_events(request: HttpRequest, slug: str, alarm_id: int):
    """The alarm's timeline: created, severity changed, acknowledged, cleared, case opened, case reopened."""
    a = actor(request)
    organization = get_organization_for(a, slug, IotPerm.ALARM_VIEW)
    alarm = selectors.get_alarm_for(actor=a, organization=organization, alarm_id=alarm_id)
    return list(selectors.alarm_events(actor=a, alarm=alarm))


@router.post(ALARMS + "/{alarm_id}/acknowledge", response=AlarmOut)
def alarms_acknowledge(request: HttpRequest, slug: str, alarm_id: int):
    """Staff have seen it (409 if already acknowledged); it stays active until it clears."""
    a = actor(request)
    organization = get_organization_for(a, slug, IotPerm.ALARM_ACT)
    alarm = selectors.get_alarm_for(actor=a, organization=organization, alarm_id=alarm_id)
    return alarm_acknowledge(actor=a, alarm=alarm)


@router.post(ALARMS + "/{alarm_id}/clear", response=AlarmOut)
def alarms_clear(request: HttpRequest, slug: str, alarm_id: int, payload: AlarmClearIn):
    """Clear by hand with a reason (409 if already cleared); the device's next faulty reading raises it again."""
    a = actor(request)
    organization = get_organization_for(a, slug, IotPerm.ALARM_ACT)
    alarm = selectors.get_alarm_for(actor=a, organization=organization, alarm_id=alarm_id)
    return alarm_clear(actor=a, alarm=alarm, reason=payload.reason)


RULES = "/organizations/{slug}/iot/profiles/{profile_id}/alarm-rules"


def _profile(a, organization, profile_id: int):
    profile = profiles_of(actor=a, organization=organization).filter(pk=profile_id).first()
    if profile is None:
        raise NotFound(_("No profile %(id)s.") % {"id": profile_id})
    return profile


@router.get(RULES, response=list[AlarmRuleOut])
def alarm_rules_list(request: HttpRequest, slug: str, profile_id: int):
    a = actor(request)
    organization = get_organization_for(a, slug, IotPerm.IOT_VIEW)
    return list(selectors.alarm_rules_of(actor=a, profile=_profile(a, organization, profile_id)))


@router.post(RULES, response={201: AlarmRuleOut})
def alarm_rules_create(request: HttpRequest, slug: str, profile_id: int, payload: AlarmRuleIn):
    """A rule, validated against the profile's keys (422 naming the field)."""
    a = actor(request)
    organization = get_organization_for(a, slug, IotPerm.IOT_MANAGE)
    data = payload.dict()
    category_code, department_code = data.pop("case_category"), data.pop("case_department")
    category = department = None
    if category_code:
        category = get_category_for(
            actor=a, organization=organization, code=category_code, field="case_category"
        )
    if department_code:
        department = get_department_of(
            actor=a, organization=organization, code=department_code, field="case_department"
        )
    rule = alarm_rule_create(
        actor=a,
        organization=organization,
        profile=_profile(a, organization, profile_id),
        case_category=category,
        case_department=department,
        **data,
    )
    return Status(201, rule)
