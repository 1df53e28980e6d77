"""The household's waste-fee pages, beside the taxpayer's under /my-tax/ (mounted by the waste app's contract)."""

from django.urls import path

from muang.waste import household

app_name = "waste-household"

urlpatterns = [
    path("", household.household, name="home"),
    path("sign-in/", household.sign_in, name="sign-in"),
    path("bills/<str:number>/", household.household_bill, name="bill"),
    path("bills/<str:number>/qr.png", household.household_qr, name="qr"),
    path("receipts/<str:number>.pdf", household.household_receipt, name="receipt"),
]
