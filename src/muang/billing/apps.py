from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BillingConfig(AppConfig):
    name = "muang.billing"
    label = "billing"
    verbose_name = _("Bills, payments and receipts")
