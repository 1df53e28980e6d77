"""URLs of citizen reports: the citizen's web intake and tracking (/r/), public pages (/reports/), staff (/work/)."""

from django.urls import path

from .views import citizen, public, staff

app_name = "reports"

urlpatterns = [
    path("r/", citizen.report_new, name="new"),
    path("r/place/", citizen.report_place, name="place"),
    path("r/nearby/", citizen.report_nearby, name="nearby"),
    path("r/track/", citizen.report_lookup, name="lookup"),
    path("r/<str:code>", citizen.report_track, name="track"),
    path("r/<str:code>/rate", citizen.report_rate, name="rate"),
    path("r/<str:code>/reopen", citizen.report_reopen, name="reopen"),
    path("r/<str:code>/mine", citizen.report_claim, name="claim"),
    path("reports/", public.public_list, name="list"),
    path("reports/map/", public.public_map, name="map"),
    path("reports/map.geojson", public.public_map_data, name="map-data"),
    path("reports/stats/", public.public_stats, name="stats"),
    path("work/cases/", staff.queue, name="staff-queue"),
    path("work/cases/map.geojson", staff.queue_map, name="staff-map"),
    path("work/cases/bulk", staff.bulk, name="staff-bulk"),
    path("work/cases/export", staff.export, name="staff-export"),
    path("work/cases/new", staff.case_new, name="staff-new"),
    path("work/cases/<str:code>/", staff.case_page, name="staff-case"),
    path("work/cases/<str:code>/category", staff.case_category, name="staff-category"),
    path("work/cases/<str:code>/forward", staff.case_forward, name="staff-forward"),
    path("work/cases/<str:code>/invite", staff.case_invite, name="staff-invite"),
    path("work/cases/<str:code>/duplicate", staff.case_duplicate, name="staff-duplicate"),
    path("work/cases/<str:code>/assign", staff.case_assign, name="staff-assign"),
    path("work/cases/<str:code>/status", staff.case_status, name="staff-status"),
    path("work/cases/<str:code>/note", staff.case_note, name="staff-note"),
]
