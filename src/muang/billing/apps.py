from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from muang.core.contract import AppContract, DemoLoader, MenuEntry, Mount


class BillingConfig(AppConfig):
    name = "muang.billing"
    label = "billing"
    verbose_name = _("Bills, payments and receipts")

    def contract(self) -> AppContract:
        from muang.billing import permissions
        from muang.billing.permissions import BillingPerm

        return AppContract(
            urls=[Mount("billing/", "muang.billing.urls")],
            api=["muang.billing.api.router"],
            menu=[MenuEntry(_("Bills and payments"), "billing:bills", BillingPerm.BILL_VIEW, order=30)],
            member_permissions="muang.billing.access.membership_billing_permissions",
            permissions=[BillingPerm],
            grants=permissions.GRANTS,
            demo=[
                # Pays some of whatever bills the demo organisations have: at the counter and by a bank file.
                DemoLoader(
                    "billing.payments",
                    "muang.billing.demo.load_demo_billing_payments",
                    after=("core.organizations",),
                )
            ],
        )
