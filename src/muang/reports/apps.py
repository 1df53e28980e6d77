from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "muang.reports"
    label = "reports"
    verbose_name = _("Citizen reports")

    def ready(self) -> None:
        from muang.cases.signals import case_status_changed

        from .notify import on_case_status_changed

        case_status_changed.connect(on_case_status_changed, dispatch_uid="reports.notify_reporter_of_status")
