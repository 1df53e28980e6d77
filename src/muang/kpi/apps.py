from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

from muang.core.contract import AppContract, DemoLoader, MenuEntry, Mount, PeriodicTask


def _sync_catalogue(sender, **kwargs) -> None:
    """After every migrate (and flush): the frameworks, and one indicator per installed app's KPI source."""
    from muang.kpi.catalogue import sync_catalogue

    sync_catalogue()


class KpiConfig(AppConfig):
    name = "muang.kpi"
    label = "kpi"
    verbose_name = _("The city's numbers (KPIs)")

    def ready(self) -> None:
        post_migrate.connect(_sync_catalogue, sender=self, dispatch_uid="muang.kpi.sync_catalogue")

    def contract(self) -> AppContract:
        from muang.core.permissions import CorePerm
        from muang.kpi import permissions
        from muang.kpi.permissions import KpiPerm

        return AppContract(
            urls=[Mount("kpi/", "muang.kpi.urls")],
            api=["muang.kpi.api.router"],
            menu=[
                MenuEntry(_("City dashboard"), "kpi:city", KpiPerm.KPI_VIEW, order=5, group="overview"),
                MenuEntry(
                    _("Local governments compared"),
                    "kpi:rollup",
                    CorePerm.ROLLUP_VIEW,
                    order=6,
                    group="overview",
                ),
                # The platform operator's page: every province side by side (kpi.selectors.sees_the_country).
                MenuEntry(
                    _("The country's local governments compared"),
                    "kpi:national",
                    order=7,
                    group="overview",
                    operator=True,
                ),
            ],
            permissions=[KpiPerm],
            scopes=permissions.SCOPES,
            grants=permissions.GRANTS,
            file_readers={"kpi-evidence": "muang.kpi.selectors.read_evidence"},
            # The monthly values, published when the organisation chooses (the opendata app).
            open_datasets=["muang.kpi.opendata.KPI_VALUES"],
            # Once a day, the month that is over: what is missing of it (ON CONFLICT DO NOTHING, a daily claim).
            periodic_tasks=[PeriodicTask("muang.kpi.tasks.snapshot_closed_month", 6 * 3600)],
            demo=[
                DemoLoader(
                    "kpi.snapshots",
                    "muang.kpi.demo.load_demo_kpis",
                    # After every app's demo data: its numbers are measured from it.
                    after=(
                        "core.organizations",
                        "billing.payments",
                        "reports.reports",
                        "property.bills",
                        "lighting.poles",
                        "environment.stations",
                    ),
                )
            ],
        )
