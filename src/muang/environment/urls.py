from django.urls import path

from muang.environment import views

app_name = "environment"

urlpatterns = [
    path("", views.index, name="index"),
    path("staff/", views.staff, name="staff"),
    path("staff/stations/new", views.station_new, name="station-new"),
    path("staff/stations/<int:station_id>/", views.station_edit, name="station-edit"),
    path("<slug:slug>/", views.public, name="public"),
]
