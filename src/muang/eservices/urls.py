from django.urls import path

from muang.eservices import views

app_name = "eservices"

urlpatterns = [
    path("", views.index, name="index"),
    path("staff/applications/", views.applications, name="applications"),
    path("staff/counter/<slug:code>/", views.counter, name="counter"),
    path("verify/<str:code>/", views.verify, name="verify"),
    path("<slug:slug>/", views.catalogue, name="catalogue"),
    path("<slug:slug>/services/<slug:code>/", views.manual, name="manual"),
    path("<slug:slug>/services/<slug:code>/apply/", views.apply, name="apply"),
    path("<slug:slug>/my/<str:token>/", views.mine, name="mine"),
    path("<slug:slug>/my/<str:token>/licence.pdf", views.licence_pdf, name="licence"),
]
