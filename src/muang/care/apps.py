from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from muang.core.contract import (
    AppContract,
    DemoLoader,
    Direction,
    KpiSource,
    MenuEntry,
    Mount,
    PeriodicTask,
)


class CareConfig(AppConfig):
    name = "muang.care"
    label = "care"
    verbose_name = _("Smart health: people cared for")

    def contract(self) -> AppContract:
        from muang.care import permissions
        from muang.care.permissions import CarePerm
        from muang.core.permissions import CorePerm

        return AppContract(
            urls=[Mount("care/", "muang.care.urls")],
            api=["muang.care.api.router", "muang.care.allowances_api.router", "muang.care.api_visits.router"],
            menu=[
                MenuEntry(_("People cared for"), "care:list", CarePerm.CARE_VIEW, order=48, group="health"),
                MenuEntry(_("Visits for today"), "care:visits", CarePerm.CARE_VIEW, order=49, group="health"),
                MenuEntry(
                    _("People cared for: counts"),
                    "care:counts",
                    CorePerm.ROLLUP_VIEW,
                    order=50,
                    group="overview",
                ),
            ],
            file_readers={"care-visits": "muang.care.visit_selectors.read_visit_photo"},
            settings={"MUANG_CARE_VISIT_NEAR_METRES": 200},
            permissions=[CarePerm],
            scopes=permissions.SCOPES,
            grants=permissions.GRANTS,
            # Health records (PDPA s.26): the system administrator does not get them wholesale.
            restricted=permissions.RESTRICTED,
            demo=[
                DemoLoader("care.people", "muang.care.demo.load_demo_care", after=("core.organizations",)),
                DemoLoader(
                    "care.allowances",
                    "muang.care.allowance_demo.load_demo_allowances",
                    after=("care.people",),
                ),
                DemoLoader("care.visits", "muang.care.demo_visits.load_demo_visits", after=("care.people",)),
            ],
            # This month's home visits planned from the care plans (idempotent: one per plan and day).
            periodic_tasks=[PeriodicTask("muang.care.tasks.plan_visits_this_month", 6 * 3600)],
            kpi_sources=[
                KpiSource(
                    "care.socially_active",
                    _("People socially active (ADL 12–20)"),
                    "count",
                    "muang.care.kpis.socially_active",
                    bulk="muang.care.kpis.socially_active_bulk",
                ),
                KpiSource(
                    "care.home_bound",
                    _("People home-bound (ADL 5–11)"),
                    "count",
                    "muang.care.kpis.home_bound",
                    direction=Direction.DOWN,
                    bulk="muang.care.kpis.home_bound_bulk",
                ),
                KpiSource(
                    "care.bed_bound",
                    _("People bed-bound (ADL 0–4)"),
                    "count",
                    "muang.care.kpis.bed_bound",
                    direction=Direction.DOWN,
                    bulk="muang.care.kpis.bed_bound_bulk",
                ),
                KpiSource(
                    "care.dependent_with_plan",
                    _("Dependent people with a care plan"),
                    "%",
                    "muang.care.kpis.dependent_with_plan",
                    bulk="muang.care.kpis.dependent_with_plan_bulk",
                ),
                KpiSource(
                    "care.allowances_paid_on_time",
                    _("Allowance months paid by the 10th"),
                    "%",
                    "muang.care.kpis.allowances_paid_on_time",
                    bulk="muang.care.kpis.allowances_paid_on_time_bulk",
                ),
                KpiSource(
                    "care.visits_done",
                    _("Home visits done against planned"),
                    "%",
                    "muang.care.kpis.visits_done_against_planned",
                    bulk="muang.care.kpis.visits_done_against_planned_bulk",
                ),
            ],
        )
