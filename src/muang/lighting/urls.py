from django.urls import path

from muang.lighting import views

app_name = "lighting"

urlpatterns = [
    path("", views.pole_map, name="map"),
    path("map.geojson", views.map_data, name="map-data"),
    path("dashboard", views.dashboard, name="dashboard"),
    path("import", views.pole_import, name="import"),
    path("export", views.pole_export, name="export"),
    path("poles/<int:pole_id>/", views.pole_card, name="pole"),
    path("schedules/<int:group_id>/", views.schedule_edit, name="schedule"),
    path("tariffs", views.tariffs, name="tariffs"),
]
