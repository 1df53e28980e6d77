from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from muang.core.contract import AppContract, DemoLoader, Direction, KpiSource, MenuEntry, Mount, PeriodicTask


class EservicesConfig(AppConfig):
    name = "muang.eservices"
    label = "eservices"
    verbose_name = _("E-services: the one-stop counter")

    def contract(self) -> AppContract:
        from muang.eservices import permissions
        from muang.eservices.permissions import EservicePerm

        return AppContract(
            urls=[Mount("eservices/", "muang.eservices.urls")],
            api=["muang.eservices.api.router"],
            menu=[
                MenuEntry(
                    _("Applications"),
                    "eservices:applications",
                    EservicePerm.APPLICATION_VIEW,
                    order=45,
                    group="services",
                )
            ],
            public_menu=[MenuEntry(_("E-services"), "eservices:index", order=45)],
            permissions=[EservicePerm],
            scopes=permissions.SCOPES,
            grants=permissions.GRANTS,
            periodic_tasks=[
                # s.10 of the Licensing Facilitation Act: a late application's applicant hears every 7 days.
                PeriodicTask("muang.eservices.tasks.notify_late_applications", 6 * 3600),
                # A paid fee turns the approved application into its licence.
                PeriodicTask("muang.eservices.tasks.settle_paid_applications", 10 * 60),
                PeriodicTask("muang.eservices.tasks.remind_licence_renewals", 24 * 3600),
            ],
            demo=[
                DemoLoader(
                    "eservices.catalogue",
                    "muang.eservices.demo.load_demo_catalogue",
                    after=("core.organizations",),
                ),
                DemoLoader(
                    "eservices.applications",
                    "muang.eservices.demo.load_demo_applications",
                    after=("eservices.catalogue", "property.bills"),
                ),
            ],
            kpi_sources=[
                KpiSource(
                    "eservices.decided_on_time",
                    _("Applications decided within the manual's time"),
                    "%",
                    "muang.eservices.kpis.decided_on_time",
                    bulk="muang.eservices.kpis.decided_on_time_bulk",
                ),
                KpiSource(
                    "eservices.median_days",
                    _("Median days from application to decision"),
                    "days",
                    "muang.eservices.kpis.median_days",
                    direction=Direction.DOWN,
                    bulk="muang.eservices.kpis.median_days_bulk",
                ),
                KpiSource(
                    "eservices.fees_billed",
                    _("E-service fees billed"),
                    "THB",
                    "muang.eservices.kpis.fees_billed",
                    bulk="muang.eservices.kpis.fees_billed_bulk",
                ),
                KpiSource(
                    "eservices.fees_collected",
                    _("E-service fees collected"),
                    "THB",
                    "muang.eservices.kpis.fees_collected",
                    bulk="muang.eservices.kpis.fees_collected_bulk",
                ),
            ],
        )
