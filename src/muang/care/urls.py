from django.urls import path

from muang.care import views

app_name = "care"

urlpatterns = [
    path("", views.people_list, name="list"),
    path("people/<int:person_id>/", views.person_page, name="person"),
    path("map/", views.people_map, name="map"),
    path("map/data/", views.map_data, name="map-data"),
    path("import/", views.people_import_page, name="import"),
    path("export/", views.people_export, name="export"),
]
