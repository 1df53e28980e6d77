from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from muang.core.contract import AppContract, DemoLoader, Direction, KpiSource, MenuEntry, Mount, PeriodicTask


class CasesConfig(AppConfig):
    name = "muang.cases"
    label = "cases"
    verbose_name = _("Cases: the shared workflow")

    def contract(self) -> AppContract:
        from muang.cases import permissions

        return AppContract(
            # The case desk: the staff queue, the case page, filing a case for a caller.
            urls=[Mount("work/cases/", "muang.cases.urls")],
            api=["muang.cases.api.router"],
            menu=[
                MenuEntry(
                    _("Citizen reports"),
                    "cases:queue",
                    permissions.CasePerm.CASE_VIEW,
                    order=10,
                    group="services",
                )
            ],
            permissions=[permissions.CasePerm],
            scopes=permissions.SCOPES,
            grants=permissions.GRANTS,
            # Marks what it escalated: safe to repeat.
            # Case photos (/files/cases/...): public ones to anyone, the rest to staff who may see the case.
            file_readers={"cases": "muang.cases.selectors.read_photo"},
            periodic_tasks=[PeriodicTask("muang.cases.tasks.escalate_overdue_cases", 15 * 60)],
            # The Thai public holidays of 2569-2570 in every demo organisation's calendar, before anything that
            # counts working days (cases' service levels, e-services' time limits) is seeded.
            demo=[
                DemoLoader(
                    "cases.holidays",
                    "muang.cases.demo.load_demo_holidays",
                    after=("core.organizations",),
                    before=("reports.reports", "eservices.applications"),
                )
            ],
            kpi_sources=[
                KpiSource(
                    "cases.resolved_within_sla",
                    _("Cases resolved within their service level"),
                    "%",
                    "muang.cases.kpis.resolved_within_sla",
                    bulk="muang.cases.kpis.resolved_within_sla_bulk",
                    places="muang.cases.kpis.resolved_places",
                ),
                KpiSource(
                    "cases.median_days_to_resolve",
                    _("Median days to resolve a case"),
                    "days",
                    "muang.cases.kpis.median_days_to_resolve",
                    direction=Direction.DOWN,
                    bulk="muang.cases.kpis.median_days_to_resolve_bulk",
                ),
                KpiSource(
                    "cases.satisfaction",
                    _("Citizens' rating of resolved cases"),
                    "stars",
                    "muang.cases.kpis.satisfaction",
                    bulk="muang.cases.kpis.satisfaction_bulk",
                ),
            ],
        )
