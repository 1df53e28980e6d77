from django.urls import path

from muang.care import allowance_views, views, views_counts, views_staff, views_visits

app_name = "care"

urlpatterns = [
    path("", views.people_list, name="list"),
    path("people/<int:person_id>/", views.person_page, name="person"),
    path("map/", views.people_map, name="map"),
    path("map/data/", views.map_data, name="map-data"),
    path("import/", views.people_import_page, name="import"),
    path("export/", views.people_export, name="export"),
    path("allowances/", allowance_views.runs_page, name="allowance-runs"),
    path("allowances/runs/<int:run_id>/", allowance_views.run_page, name="allowance-run"),
    path("allowances/runs/<int:run_id>/files/<slug:fmt>/", allowance_views.run_file, name="allowance-file"),
    path("counts/", views_counts.care_counts, name="counts"),
    # Staff forms (the register's writes that were API-only).
    path("people/new/", views_staff.person_new, name="person-new"),
    path("people/<int:person_id>/edit/", views_staff.person_edit, name="person-edit"),
    path("people/<int:person_id>/enrol/", views_staff.enrol, name="enrol"),
    path("people/<int:person_id>/care-plan/", views_staff.care_plan_new, name="care-plan-new"),
    path("people/<int:person_id>/teleconsultation/", views_staff.teleconsultation_new, name="tele-new"),
    # The caregiver's phone pages (one scope for the service worker: /care/visits/).
    path("visits/", views_visits.visits_today, name="visits"),
    path("visits/people/<int:person_id>/", views_visits.visit_form, name="visit-form"),
    path("visits/submit/", views_visits.visit_submit, name="visit-submit"),
    path("visits/sw.js", views_visits.service_worker, name="visit-sw"),
]
