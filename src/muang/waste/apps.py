from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from muang.core.contract import AppContract, DemoLoader, Direction, KpiSource, MenuEntry, Mount, PeriodicTask


class WasteConfig(AppConfig):
    name = "muang.waste"
    label = "waste"
    verbose_name = _("Waste fees and collection")

    def contract(self) -> AppContract:
        from muang.waste import permissions
        from muang.waste.permissions import WastePerm

        return AppContract(
            urls=[
                Mount("waste/", "muang.waste.urls"),
                # The household's own bills, signed in as the taxpayer self-service does (ADR 0010).
                Mount("my-tax/<slug:slug>/waste/", "muang.waste.household_urls"),
            ],
            api=["muang.waste.api.router"],
            menu=[
                MenuEntry(
                    _("Waste fees"), "waste:accounts", WastePerm.WASTE_VIEW, order=52, group="services"
                ),
                MenuEntry(
                    _("Today's collection round"),
                    "waste:crew",
                    WastePerm.WASTE_CREW,
                    order=54,
                    group="services",
                ),
            ],
            permissions=[WastePerm],
            scopes=permissions.SCOPES,
            grants=permissions.GRANTS,
            # Bin-fill sensors on stops: a full bin raises the stop's priority.
            telemetry_listeners=["muang.waste.services.collection.on_telemetry"],
            # On a case's page: the route and crew a missed-collection report was handed to.
            case_panels=["muang.waste.panels.missed_panel"],
            periodic_tasks=[
                # Citizens' missed-collection reports to the route's crew: idempotent, one row per case.
                PeriodicTask("muang.waste.tasks.dispatch_missed_collections", 60),
            ],
            demo=[
                DemoLoader(
                    "waste.accounts",
                    "muang.waste.demo.load_demo_waste",
                    after=("property.tax_map", "reports.reports", "billing.payments"),
                )
            ],
            kpi_sources=[
                KpiSource(
                    "waste.collection_rate",
                    _("Waste fees collected on time"),
                    "%",
                    "muang.waste.kpis.collection_rate",
                    bulk="muang.waste.kpis.collection_rate_bulk",
                ),
                KpiSource(
                    "waste.arrears",
                    _("Waste fees in arrears"),
                    "THB",
                    "muang.waste.kpis.arrears",
                    Direction.DOWN,
                    bulk="muang.waste.kpis.arrears_bulk",
                ),
            ],
        )
