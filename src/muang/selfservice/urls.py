"""Taxpayer self-service under /my-tax/ (mounted in muang.urls)."""

from django.urls import path

from . import views

app_name = "selfservice"

urlpatterns = [
    path("", views.choose, name="choose"),
    path("<slug:slug>/", views.sign_in, name="sign-in"),
    path("<slug:slug>/code/", views.code, name="code"),
    path("<slug:slug>/code/resend", views.resend, name="resend"),
    path("<slug:slug>/sign-out", views.sign_out, name="sign-out"),
    path("<slug:slug>/home/", views.home, name="home"),
    path("<slug:slug>/properties/", views.properties, name="properties"),
    path("<slug:slug>/assessments/<int:year>/", views.assessment, name="assessment"),
    path("<slug:slug>/bills/<str:number>/", views.bill, name="bill"),
    path("<slug:slug>/bills/<str:number>/notice.pdf", views.notice_pdf, name="notice"),
    path("<slug:slug>/bills/<str:number>/qr.png", views.qr_png, name="qr"),
    path("<slug:slug>/bills/<str:number>/objection/", views.objection_new, name="objection-new"),
    path("<slug:slug>/objections/<int:objection_id>/", views.objection_done, name="objection"),
    path("<slug:slug>/receipts/<str:number>.pdf", views.receipt_pdf, name="receipt"),
    path("<slug:slug>/use-change/new/", views.use_change_new, name="use-change-new"),
    path("<slug:slug>/use-change/<str:reference>/", views.use_change_done, name="use-change"),
]
