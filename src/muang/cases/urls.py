"""The case desk's pages (staff, session login), mounted at /work/cases/ by the cases contract."""

from django.urls import path

from . import views

app_name = "cases"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("map.geojson", views.queue_map, name="map"),
    path("bulk", views.bulk, name="bulk"),
    path("export", views.export, name="export"),
    path("new", views.case_new, name="new"),
    path("<str:code>/", views.case_page, name="case"),
    path("<str:code>/category", views.case_category, name="category"),
    path("<str:code>/forward", views.case_forward, name="forward"),
    path("<str:code>/invite", views.case_invite, name="invite"),
    path("<str:code>/duplicate", views.case_duplicate, name="duplicate"),
    path("<str:code>/assign", views.case_assign, name="assign"),
    path("<str:code>/status", views.case_status, name="status"),
    path("<str:code>/note", views.case_note, name="note"),
]
