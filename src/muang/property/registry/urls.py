"""URLs of the staff tax map (/tax/map/) and its field-survey mode (/tax/map/survey/)."""

from django.urls import path

from .views import map as tax_map
from .views import survey

app_name = "property-map"

urlpatterns = [
    path("", tax_map.map_page, name="map"),
    path("parcels.geojson", tax_map.parcels_data, name="parcels"),
    path("clusters.geojson", tax_map.clusters_data, name="clusters"),
    path("buildings.geojson", tax_map.buildings_data, name="buildings"),
    path("signboards.geojson", tax_map.signboards_data, name="signboards"),
    path("search", tax_map.search, name="search"),
    path("parcels/<str:code>/", tax_map.card, name="card"),
    path("photos/<int:photo_id>", tax_map.photo, name="photo"),
    path("survey/", survey.survey_page, name="survey"),
    path("survey/nearby", survey.survey_nearby, name="survey-nearby"),
    path("survey/<str:code>/", survey.survey_parcel, name="survey-parcel"),
]
