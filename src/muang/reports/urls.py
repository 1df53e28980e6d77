"""URLs of citizen reports: the citizen's web intake and tracking (/r/), public pages (/reports/). The staff's
case desk (/work/cases/) belongs to cases (muang.cases.urls)."""

from django.urls import path

from .views import citizen, public

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
]
