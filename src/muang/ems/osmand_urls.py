from django.urls import path

from muang.ems import osmand_views

app_name = "osmand"

urlpatterns = [path("<slug:slug>", osmand_views.receive, name="receive")]
