"""Device profiles: the list, a profile's page (keys, decoder, interval, alarm rules), and for the engineering
head: add and edit profiles, add, edit and delete alarm rules."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from muang.cases.permissions import CasePerm
from muang.cases.selectors import case_categories_of
from muang.core.access import Actor
from muang.core.errors import MuangError, NotFound
from muang.core.models import Department, Membership
from muang.core.views.pages import holds, staff_page
from muang.iot import selectors
from muang.iot.alarms import services as alarm_services
from muang.iot.alarms.rules import describe
from muang.iot.alarms.selectors import alarm_rules_of
from muang.iot.forms import AlarmRuleForm, ProfileForm
from muang.iot.models import AlarmRule, DeviceProfile
from muang.iot.permissions import IotPerm
from muang.iot.services import devices as services

from . import add_service_errors

view_page = staff_page(holds(IotPerm.IOT_VIEW))
manage_page = staff_page(holds(IotPerm.IOT_MANAGE))


@view_page
@require_GET
def profile_list(request: HttpRequest, actor: Actor, membership: Membership) -> HttpResponse:
    org = membership.organization
    profiles = selectors.profiles_of(actor=actor, organization=org).annotate(device_count=Count("devices"))
    return render(
        request,
        "iot/web/profile_list.html",
        {"profiles": list(profiles), "can_manage": actor.has_perm(org, IotPerm.IOT_MANAGE)},
    )


def _profile(actor: Actor, membership: Membership, profile_id: int) -> DeviceProfile:
    profile = (
        selectors.profiles_of(actor=actor, organization=membership.organization).filter(pk=profile_id).first()
    )
    if profile is None:  # another organisation's profile is simply not found
        raise NotFound(_("No profile %(id)s.") % {"id": profile_id})
    return profile


@view_page
@require_GET
def profile_page(request: HttpRequest, actor: Actor, membership: Membership, profile_id: int) -> HttpResponse:
    profile = _profile(actor, membership, profile_id)
    parsed = profile.parsed
    rules = [(rule, describe(rule)) for rule in alarm_rules_of(actor=actor, profile=profile)]
    return render(
        request,
        "iot/web/profile.html",
        {
            "profile": profile,
            "keys": list(parsed.keys.values()),
            "decoder_kind": parsed.spec["kind"],
            "json_keys": sorted(parsed.json_map.items()),
            "fields": parsed.fields,
            "rules": rules,
            "device_count": profile.devices.count(),
            "can_manage": actor.has_perm(membership.organization, IotPerm.IOT_MANAGE),
        },
    )


def _profile_form_page(request, form, profile=None, status=200) -> HttpResponse:
    return render(request, "iot/web/profile_form.html", {"form": form, "profile": profile}, status=status)


@manage_page
@require_http_methods(["GET", "POST"])
def profile_new(request: HttpRequest, actor: Actor, membership: Membership) -> HttpResponse:
    form = ProfileForm(request.POST or None, initial={"report_interval": 300, "decoder_kind": "json"})
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                profile = services.device_profile_create(
                    actor=actor,
                    organization=membership.organization,
                    name=data["name"],
                    keys=data["keys"],
                    decoder=data["decoder"],
                    report_interval=data["report_interval"],
                )
            except MuangError as e:
                add_service_errors(form, e)
            else:
                messages.success(request, _("Saved."))
                return redirect("iot:profile", profile_id=profile.pk)
        return _profile_form_page(request, form, status=422)
    return _profile_form_page(request, form)


@manage_page
@require_http_methods(["GET", "POST"])
def profile_edit(request: HttpRequest, actor: Actor, membership: Membership, profile_id: int) -> HttpResponse:
    profile = _profile(actor, membership, profile_id)
    if request.method == "POST":
        form = ProfileForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.device_profile_update(
                    actor=actor,
                    profile=profile,
                    name=data["name"],
                    keys=data["keys"],
                    decoder=data["decoder"],
                    report_interval=data["report_interval"],
                )
            except MuangError as e:
                add_service_errors(form, e)
            else:
                messages.success(request, _("Saved."))
                return redirect("iot:profile", profile_id=profile.pk)
        return _profile_form_page(request, form, profile, status=422)
    return _profile_form_page(request, ProfileForm(initial=ProfileForm.initial_for(profile)), profile)


def _rule_choices(actor: Actor, membership: Membership, profile: DeviceProfile) -> dict:
    org = membership.organization
    return {
        "keys": list(profile.parsed.keys),
        "categories": list(case_categories_of(actor=actor, organization=org))
        if actor.has_perm(org, CasePerm.CASE_VIEW)
        else [],
        "departments": list(Department.objects.filter(organization=org, is_active=True).order_by("name_th")),
    }


def _rule_data(form: AlarmRuleForm, choices: dict) -> dict:
    data = dict(form.cleaned_data)
    data["case_category"] = next((c for c in choices["categories"] if c.code == data["case_category"]), None)
    data["case_department"] = next(
        (d for d in choices["departments"] if d.code == data["case_department"]), None
    )
    return data


def _rule(profile: DeviceProfile, rule_id: int) -> AlarmRule:
    rule = AlarmRule.objects.filter(
        organization_id=profile.organization_id, profile=profile, pk=rule_id
    ).first()
    if rule is None:
        raise NotFound(_("No alarm rule %(id)s.") % {"id": rule_id})
    return rule


def _rule_page(request, form, profile, rule=None, status=200) -> HttpResponse:
    return render(
        request, "iot/web/rule_form.html", {"form": form, "profile": profile, "rule": rule}, status=status
    )


@manage_page
@require_http_methods(["GET", "POST"])
def rule_new(request: HttpRequest, actor: Actor, membership: Membership, profile_id: int) -> HttpResponse:
    profile = _profile(actor, membership, profile_id)
    choices = _rule_choices(actor, membership, profile)
    form = AlarmRuleForm(request.POST or None, **choices)
    if request.method == "POST":
        if form.is_valid():
            data = _rule_data(form, choices)
            data.pop("is_active")
            try:
                alarm_services.alarm_rule_create(
                    actor=actor, organization=membership.organization, profile=profile, **data
                )
            except MuangError as e:
                add_service_errors(form, e)
            else:
                messages.success(request, _("Saved."))
                return redirect("iot:profile", profile_id=profile.pk)
        return _rule_page(request, form, profile, status=422)
    return _rule_page(request, form, profile)


@manage_page
@require_http_methods(["GET", "POST"])
def rule_edit(
    request: HttpRequest, actor: Actor, membership: Membership, profile_id: int, rule_id: int
) -> HttpResponse:
    profile = _profile(actor, membership, profile_id)
    rule = _rule(profile, rule_id)
    choices = _rule_choices(actor, membership, profile)
    if request.method == "POST":
        form = AlarmRuleForm(request.POST, **choices)
        if form.is_valid():
            try:
                alarm_services.alarm_rule_update(actor=actor, rule=rule, **_rule_data(form, choices))
            except MuangError as e:
                add_service_errors(form, e)
            else:
                messages.success(request, _("Saved."))
                return redirect("iot:profile", profile_id=profile.pk)
        return _rule_page(request, form, profile, rule, status=422)
    return _rule_page(
        request, AlarmRuleForm(initial=AlarmRuleForm.initial_for(rule), **choices), profile, rule
    )


@manage_page
@require_POST
def rule_delete(
    request: HttpRequest, actor: Actor, membership: Membership, profile_id: int, rule_id: int
) -> HttpResponse:
    profile = _profile(actor, membership, profile_id)
    rule = _rule(profile, rule_id)
    try:
        alarm_services.alarm_rule_delete(actor=actor, rule=rule)
    except MuangError as e:
        messages.error(request, e.detail)
    else:
        messages.success(request, _("The alarm rule is deleted."))
    return redirect("iot:profile", profile_id=profile.pk)
