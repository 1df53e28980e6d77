from django.urls import path

from muang.ngsi import views

app_name = "ngsi"

urlpatterns = [
    path("entities", views.entities, name="entities"),
    path("entities/<str:entity_id>", views.entity, name="entity"),
    path("types", views.types, name="types"),
]
