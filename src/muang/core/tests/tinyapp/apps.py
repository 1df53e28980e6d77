from django.apps import AppConfig

from muang.core.contract import AppContract, DemoLoader, KpiSource, MenuEntry, Mount, PeriodicTask


class GlanceConfig(AppConfig):
    name = "muang.core.tests.tinyapp"
    label = "glance"
    verbose_name = "The organisation at a glance"

    def contract(self) -> AppContract:
        from muang.core.tests.tinyapp import permissions
        from muang.core.tests.tinyapp.permissions import GlancePerm

        return AppContract(
            urls=[Mount("glance/", "muang.core.tests.tinyapp.urls")],
            api=["muang.core.tests.tinyapp.api.router"],
            menu=[MenuEntry("At a glance", "glance:page", GlancePerm.GLANCE_VIEW, order=60)],
            permissions=[GlancePerm],
            scopes=permissions.SCOPES,
            grants=permissions.GRANTS,
            periodic_tasks=[PeriodicTask("muang.core.tests.tinyapp.tasks.glance_refresh", 60)],
            demo=[
                DemoLoader(
                    "glance.demo",
                    "muang.core.tests.tinyapp.selectors.load_demo",
                    after=("core.organizations",),
                    before=("reports.reports",),
                )
            ],
            open_datasets=["muang.core.tests.tinyapp.selectors.DEPARTMENTS"],
            kpi_sources=[
                KpiSource(
                    "glance.departments",
                    "Departments",
                    "count",
                    "muang.core.tests.tinyapp.selectors.departments",
                )
            ],
        )
