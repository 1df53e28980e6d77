from django.urls import path

from muang.opendata import views

app_name = "opendata"

urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("catalog.ttl", views.catalogue_turtle, name="catalog-ttl"),
    path("catalog.jsonld", views.catalogue_jsonld, name="catalog-jsonld"),
    path("organization/<slug:slug>", views.publisher, name="publisher"),
    path("dataset/<slug:name>/", views.dataset, name="dataset"),
    path("dataset/<slug:name>/<slug:fmt>", views.download, name="download"),
    path("staff/", views.staff, name="staff"),
    path("staff/proposal.pdf", views.proposal, name="proposal"),
    path("staff/proposal.docx", views.proposal_docx, name="proposal-docx"),
    path("staff/<str:code>/", views.staff_dataset, name="staff-dataset"),
]
