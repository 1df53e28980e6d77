from django.urls import path

from . import views

app_name = "line"

urlpatterns = [
    path("<slug:slug>/webhook", views.webhook, name="webhook"),
]
