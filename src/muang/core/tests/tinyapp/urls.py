from django.urls import path

from muang.core.tests.tinyapp import views

app_name = "glance"

urlpatterns = [path("", views.page, name="page")]
