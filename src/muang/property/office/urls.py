"""The tax office pages under /tax/ (the tax map lives at /tax/map/, included before this module)."""

from django.urls import path

from .views import office, parcel_import, tables

app_name = "property-office"

urlpatterns = [
    path("", office.overview, name="overview"),
    path("assessment/", office.assessment_page, name="assessment"),
    path("assessment/start", office.assessment_start, name="assessment-start"),
    path("assessment/runs/<int:run_id>/progress", office.run_progress, name="run-progress"),
    path("assessment/runs/<int:run_id>/abandon", office.run_abandon, name="run-abandon"),
    path("assessment/runs/<int:run_id>/bills", office.bills_issue, name="bills-issue"),
    path("assessment/signboard-bills", office.signboard_bills_issue, name="signboard-bills-issue"),
    path("assessment/taxpayers/", office.taxpayers, name="taxpayers"),
    path("assessment/taxpayers/<int:owner_id>/", office.taxpayer_sheet, name="sheet"),
    path("years/", tables.years, name="years"),
    path("years/<int:year>/", tables.year, name="year"),
    path("years/<int:year>/settings", tables.year_settings, name="year-settings"),
    path("years/<int:year>/prices/<str:table>", tables.price_set, name="price-set"),
    path("years/<int:year>/import", tables.table_import, name="table-import"),
    path("parcels/import/", parcel_import.parcel_import, name="parcel-import"),
    path("exports/registry.xlsx", office.export_registry_xlsx, name="export-registry-xlsx"),
    path("exports/parcels.geojson", office.export_parcels_geojson, name="export-parcels-geojson"),
    path("exports/assessments.xlsx", office.export_assessments_xlsx, name="export-assessments-xlsx"),
    path("exports/assessments.geojson", office.export_assessments_geojson, name="export-assessments-geojson"),
]
