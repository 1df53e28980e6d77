from django.urls import path

from muang.kpi import views

app_name = "kpi"

urlpatterns = [
    path("", views.city, name="city"),
    path("departments/<slug:code>/", views.department, name="department"),
    path("schools/", views.schools, name="schools"),
    path("school/<str:code>/", views.school, name="school"),
    path("export.xlsx", views.export_xlsx, name="export-xlsx"),
    path("export.pdf", views.export_pdf, name="export-pdf"),
    path("values/", views.values, name="values"),
    path("values/<int:entry_id>/decide/", views.decide, name="decide"),
    path("manage/", views.manage, name="manage"),
    path("rollup/", views.rollup, name="rollup"),
    path("national/", views.national, name="national"),
    path("places/<str:code>.geojson", views.places, name="places"),
    path("public/<slug:slug>/", views.public, name="public"),
]
