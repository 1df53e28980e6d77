from django.urls import path

from muang.environment import views

app_name = "environment"

urlpatterns = [
    path("", views.index, name="index"),
    path("staff/", views.staff, name="staff"),
    path("<slug:slug>/", views.public, name="public"),
]
