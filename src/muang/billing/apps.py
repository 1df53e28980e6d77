from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from muang.core.contract import AppContract, DemoLoader, Direction, KpiSource, MenuEntry, Mount


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
            menu=[
                MenuEntry(
                    _("Bills and payments"), "billing:bills", BillingPerm.BILL_VIEW, order=30, group="revenue"
                )
            ],
            permissions=[BillingPerm],
            grants=permissions.GRANTS,
            kpi_sources=[
                KpiSource(
                    "billing.collected_share",
                    _("Share of the amount falling due that was collected"),
                    "%",
                    "muang.billing.kpis.collected_share",
                    bulk="muang.billing.kpis.collected_share_bulk",
                ),
                KpiSource(
                    "billing.arrears",
                    _("Arrears"),
                    "THB",
                    "muang.billing.kpis.arrears",
                    Direction.DOWN,
                    bulk="muang.billing.kpis.arrears_bulk",
                ),
            ],
            demo=[
                # Pays some of whatever bills the demo organisations have: at the counter and by a bank file.
                DemoLoader(
                    "billing.payments",
                    "muang.billing.demo.load_demo_billing_payments",
                    after=("core.organizations",),
                )
            ],
        )
