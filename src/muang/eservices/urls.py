from django.urls import path

from muang.eservices import views

app_name = "eservices"

urlpatterns = [
    path("", views.index, name="index"),
    path("staff/applications/", views.applications, name="applications"),
    path("staff/applications/<str:reference>/", views.application_detail, name="application"),
    path(
        "staff/applications/<str:reference>/documents/<int:document_id>",
        views.application_document,
        name="application-document",
    ),
    path("staff/counter/<slug:code>/", views.counter, name="counter"),
    path("verify/<str:code>/", views.verify, name="verify"),
    path("<slug:slug>/", views.catalogue, name="catalogue"),
    path("<slug:slug>/services/<slug:code>/", views.manual, name="manual"),
    path("<slug:slug>/services/<slug:code>/apply/", views.apply, name="apply"),
    path("<slug:slug>/sign-in/", views.sign_in, name="sign-in"),
    path("<slug:slug>/sign-in/code/", views.code, name="code"),
    path("<slug:slug>/sign-out", views.sign_out, name="sign-out"),
    path("<slug:slug>/my/", views.my_applications, name="my"),
    path("<slug:slug>/my/<str:reference>/", views.mine, name="mine"),
    path("<slug:slug>/my/<str:reference>/licence.pdf", views.licence_pdf, name="licence"),
]
