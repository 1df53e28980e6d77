"""The billing back office (/billing/): bills and the counter, receipts, bank statements, arrears, letters."""

from django.urls import path
from django.views.generic import RedirectView

from muang.core.views.pages import public_page

from .views import arrears, bank, bills

INDEX_REASON = "only a redirect to the bills list, which checks who may read it"

app_name = "billing"

urlpatterns = [
    # /billing/ (named in the README): the bills list is the back office's front page.
    path("", public_page(INDEX_REASON)(RedirectView.as_view(pattern_name="billing:bills")), name="index"),
    path("bills/", bills.bill_list, name="bills"),
    path("bills/notices.pdf", bills.bill_notices_batch, name="notices-batch"),
    path("bills/<str:number>/", bills.bill_page, name="bill"),
    path("bills/<str:number>/notice.pdf", bills.bill_notice_pdf, name="notice"),
    path("bills/<str:number>/pay", bills.bill_pay, name="pay"),
    path("bills/<str:number>/cancel", bills.bill_cancel, name="cancel"),
    path("bills/<str:number>/notified", bills.bill_notified, name="notified"),
    path("bills/<str:number>/extend", bills.bill_extend, name="extend"),
    path("bills/<str:number>/objections", bills.objection_file, name="objection"),
    path("bills/<str:number>/objections/<int:objection_id>/decide", bills.objection_decide, name="decide"),
    path("bills/<str:number>/refunds", bills.refund_record, name="refund"),
    path("receipts/<str:number>/", bills.receipt_page, name="receipt"),
    path("receipts/<str:number>/pdf", bills.receipt_pdf, name="receipt-pdf"),
    path("bank/", bank.bank_index, name="bank"),
    path("bank/<int:statement_id>/", bank.statement_report, name="statement"),
    path("bank/<int:statement_id>/lines/<int:line_no>/resolve", bank.line_resolve, name="resolve"),
    path("arrears/", arrears.arrears_page, name="arrears"),
    path("arrears/arrears.xlsx", arrears.arrears_xlsx, name="arrears-xlsx"),
    path("arrears/arrears.geojson", arrears.arrears_geojson, name="arrears-geojson"),
    path("arrears/letters", arrears.letters_issue, name="letters-issue"),
    path("letters/", arrears.letters_page, name="letters"),
    path("letters/letters.pdf", arrears.letters_pdf, name="letters-pdf"),
    path("letters/<int:letter_id>/received", arrears.letter_received, name="letter-received"),
]
