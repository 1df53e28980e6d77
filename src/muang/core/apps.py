from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from muang.core.contract import AppContract, DemoLoader, MenuEntry, Mount, PeriodicTask


class CoreConfig(AppConfig):
    name = "muang.core"
    label = "core"
    verbose_name = _("Core: organisations, staff and audit")

    def ready(self) -> None:
        from muang.core import checks, registry  # noqa: F401 (registers the system checks)

        registry.apply_settings_defaults()

    def contract(self) -> AppContract:
        from muang.core import permissions
        from muang.core.permissions import CorePerm

        return AppContract(
            urls=[Mount("", "muang.core.urls")],
            api=["muang.core.api.router"],
            menu=[
                MenuEntry(_("Home"), "home", order=0),
                MenuEntry(_("API tokens"), "tokens", CorePerm.TOKEN_MANAGE, order=90, group="system"),
                MenuEntry(_("Administration"), "admin:index", CorePerm.ORG_EDIT, order=91, group="system"),
                MenuEntry(
                    _("API documentation"),
                    "api-v1:openapi-view",
                    CorePerm.TOKEN_MANAGE,
                    order=92,
                    group="system",
                ),
            ],
            public_menu=[MenuEntry(_("Staff sign-in"), "login", order=90)],
            permissions=[CorePerm],
            scopes=permissions.SCOPES,
            grants=permissions.GRANTS,
            periodic_tasks=[PeriodicTask("muang.core.tasks.deliver_notifications", 30)],
            demo=[DemoLoader("core.organizations", "muang.core.demo.load_demo")],
            vendor_static={
                "vendor/htmx": "htmx.org/dist",
                "vendor/leaflet": "leaflet/dist",
                "vendor/leaflet.markercluster": "leaflet.markercluster/dist",
                "vendor/swagger-ui": "swagger-ui-dist",  # the API docs page (muang.core.api_docs)
                "vendor/uplot": "uplot/dist",  # time-series charts (telemetry, air and water levels)
            },
        )
