from django.urls import path

from muang.opendata import ckan

app_name = "ckan"

urlpatterns = [path("<str:name>", ckan.action, name="action")]
