"""The staff pages of devices, profiles and alarms (session login), mounted at /iot/ by the iot contract."""

from django.urls import path
from django.views.generic import RedirectView

from muang.core.views.pages import public_page

from .views import alarms, devices, profiles

app_name = "iot"

urlpatterns = [
    path(
        "",
        public_page("only a redirect to the device list, which checks who may read it")(
            RedirectView.as_view(pattern_name="iot:devices")
        ),
        name="index",
    ),
    path("devices/", devices.device_list, name="devices"),
    path("devices/new", devices.device_new, name="device-new"),
    path("devices/<int:device_id>/", devices.device_page, name="device"),
    path("devices/<int:device_id>/chart.json", devices.device_chart, name="device-chart"),
    path("devices/<int:device_id>/edit", devices.device_edit, name="device-edit"),
    path("devices/<int:device_id>/retire", devices.device_retire, name="device-retire"),
    path("devices/<int:device_id>/credential", devices.device_rotate, name="device-rotate"),
    path("profiles/", profiles.profile_list, name="profiles"),
    path("profiles/new", profiles.profile_new, name="profile-new"),
    path("profiles/<int:profile_id>/", profiles.profile_page, name="profile"),
    path("profiles/<int:profile_id>/edit", profiles.profile_edit, name="profile-edit"),
    path("profiles/<int:profile_id>/rules/new", profiles.rule_new, name="rule-new"),
    path("profiles/<int:profile_id>/rules/<int:rule_id>/edit", profiles.rule_edit, name="rule-edit"),
    path("profiles/<int:profile_id>/rules/<int:rule_id>/delete", profiles.rule_delete, name="rule-delete"),
    path("alarms/", alarms.alarm_list, name="alarms"),
    path("alarms/<int:alarm_id>/", alarms.alarm_page, name="alarm"),
    path("alarms/<int:alarm_id>/acknowledge", alarms.alarm_acknowledge, name="alarm-ack"),
    path("alarms/<int:alarm_id>/clear", alarms.alarm_clear, name="alarm-clear"),
]
