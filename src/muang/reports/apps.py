import os

from django.apps import AppConfig
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from muang.core.contract import AppContract, DemoLoader, MenuEntry, Mount, PeriodicTask


class ReportsConfig(AppConfig):
    name = "muang.reports"
    label = "reports"
    verbose_name = _("Citizen reports")

    def ready(self) -> None:
        from muang.cases import notify

        # The case services' notify step reaches LINE reporters through reports' LINE accounts, and links to
        # the public tracking page (ADR 0012). A plug-in, not a receiver: the services call the step.
        notify.register(
            reach="muang.reports.notify.line_reach", public_page="muang.reports.notify.tracking_path"
        )

    def contract(self) -> AppContract:
        from muang.reports import permissions

        return AppContract(
            # Open data (the opendata app): what an organisation may publish, without personal data.
            open_datasets=["muang.reports.opendata.CASES"],
            urls=[
                Mount("", "muang.reports.urls"),  # /r/ (citizens), /reports/ (public)
                Mount("line/", "muang.reports.line.urls"),  # LINE Messaging API webhooks
                Mount("open311/v2/", "muang.reports.open311.urls"),  # GeoReport v2
            ],
            # The case desk (muang.cases.desk) suggests categories with the Thai classifier and shows what the
            # citizen answered, with their public page.
            category_suggesters=["muang.reports.suggestion.suggest_for_desk"],
            case_panels=["muang.reports.panels.intake_panel"],
            # Report a problem, follow a report, the city's figures.
            public_home_panels=["muang.reports.views.public.home_panel"],
            public_menu=[
                MenuEntry(_("Report a problem"), "reports:new", order=10),
                MenuEntry(_("Map of reports"), "reports:map", order=20),
                MenuEntry(_("Statistics"), "reports:stats", order=30),
            ],
            scopes=permissions.SCOPES,
            # Checks every 15 minutes; sends once per day from MUANG_DIGEST_HOUR (guarded by core.DailyRun).
            periodic_tasks=[PeriodicTask("muang.reports.tasks.send_overdue_digest", 15 * 60)],
            demo=[
                DemoLoader(
                    "reports.reports", "muang.reports.demo.load_demo_reports", after=("core.organizations",)
                )
            ],
            settings={
                # The hour (Asia/Bangkok) from which the daily overdue digest goes to department heads.
                "MUANG_DIGEST_HOUR": int(os.environ.get("MUANG_DIGEST_HOUR", "7")),
                # How many demo citizen reports `make run` files (once).
                "MUANG_DEMO_REPORTS": int(os.environ.get("MUANG_DEMO_REPORTS", "2000")),
                # The public figures (home page, statistics) are aggregates over every case: computed at most
                # this often per web process (seconds). Tests see every change at once.
                "MUANG_PUBLIC_FIGURES_SECONDS": int(
                    os.environ.get("MUANG_PUBLIC_FIGURES_SECONDS", "0" if settings.TESTING else "300")
                ),
            },
        )
