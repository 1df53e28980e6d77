from django.urls import path

from muang.ems import alert_views, band_views, views

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
    # The care centre's board of wristband alerts.
    path("care/", alert_views.care_board, name="care_board"),
    path("care/alerts/", alert_views.care_board_alerts, name="care_board_alerts"),
    path("care/alerts/<int:alert_id>/", alert_views.care_alert, name="care_alert"),
    path(
        "care/alerts/<int:alert_id>/acknowledge/", alert_views.care_alert_acknowledge, name="care_alert_ack"
    ),
    path("care/alerts/<int:alert_id>/close/", alert_views.care_alert_close, name="care_alert_close"),
    path("care/alerts/<int:alert_id>/incident/", alert_views.care_alert_incident, name="care_alert_incident"),
    # The bands given to people, their rules and alert history; the on-call list.
    path("care/bands/", band_views.band_list, name="bands"),
    path("care/bands/new/", band_views.band_new, name="band_new"),
    path("care/bands/<int:band_id>/", band_views.band_detail, name="band"),
    path("care/bands/<int:band_id>/rules/", band_views.band_rules, name="band_rules"),
    path("care/bands/<int:band_id>/replace/", band_views.band_replace, name="band_replace"),
    path("care/bands/<int:band_id>/unregister/", band_views.band_unregister, name="band_unregister"),
    path("care/on-call/", band_views.on_call, name="on_call"),
    path("care/on-call/<int:on_call_id>/remove/", band_views.on_call_remove, name="on_call_remove"),
    path("care/on-call/<int:on_call_id>/move/", band_views.on_call_move, name="on_call_move"),
]
