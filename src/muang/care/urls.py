from django.urls import path

from muang.care import allowance_views, views

app_name = "care"

urlpatterns = [
    path("", views.people_list, name="list"),
    path("people/<int:person_id>/", views.person_page, name="person"),
    path("map/", views.people_map, name="map"),
    path("map/data/", views.map_data, name="map-data"),
    path("import/", views.people_import_page, name="import"),
    path("export/", views.people_export, name="export"),
    path("allowances/", allowance_views.runs_page, name="allowance-runs"),
    path("allowances/runs/<int:run_id>/", allowance_views.run_page, name="allowance-run"),
    path("allowances/runs/<int:run_id>/files/<slug:fmt>/", allowance_views.run_file, name="allowance-file"),
]
