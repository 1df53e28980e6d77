from django.urls import path

from muang.ems import views

app_name = "ems"

urlpatterns = [
    path("", views.board, name="board"),
    path("board/lists/", views.board_lists, name="board_lists"),
    path("board/map.json", views.board_map, name="board_map"),
    path("incidents/new/", views.incident_new, name="incident_new"),
    path("incidents/export/", views.incidents_export, name="export"),
    path("incidents/<int:incident_id>/", views.incident_detail, name="incident"),
    path("incidents/<int:incident_id>/dispatch/", views.incident_dispatch, name="dispatch"),
    path("incidents/<int:incident_id>/step/", views.incident_step, name="step"),
    path("incidents/<int:incident_id>/care/", views.incident_care, name="care"),
    path("incidents/<int:incident_id>/handover.pdf", views.incident_pdf, name="handover_pdf"),
    path("units/<int:unit_id>/status/", views.unit_status, name="unit_status"),
]
