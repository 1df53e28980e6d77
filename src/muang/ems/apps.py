from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from muang.core.contract import AppContract, DemoLoader, Direction, KpiSource, MenuEntry, Mount


class EmsConfig(AppConfig):
    name = "muang.ems"
    label = "ems"
    verbose_name = _("Emergency medical services")

    def contract(self) -> AppContract:
        from muang.ems import permissions
        from muang.ems.permissions import EmsPerm

        return AppContract(
            urls=[Mount("ems/", "muang.ems.urls")],
            api=["muang.ems.api.router"],
            menu=[
                MenuEntry(_("Dispatch board"), "ems:board", EmsPerm.EMS_VIEW, order=70, group="health"),
                MenuEntry(
                    _("New EMS call"), "ems:incident_new", EmsPerm.EMS_DISPATCH, order=71, group="health"
                ),
            ],
            permissions=[EmsPerm],
            scopes=permissions.SCOPES,
            grants=permissions.GRANTS,
            # A unit's tracker (a device of the IoT core reporting lat/lon) moves the unit.
            telemetry_listeners=["muang.ems.services.units.on_telemetry"],
            demo=[
                DemoLoader("ems.ems", "muang.ems.demo.load_demo_ems", after=("core.organizations",)),
            ],
            demo_logins=["muang.ems.demo.login_lines"],
            kpi_sources=[
                KpiSource(
                    "ems.response_minutes",
                    _("EMS response time (call to scene)"),
                    "minutes",
                    "muang.ems.kpis.response_minutes",
                    Direction.DOWN,
                ),
                KpiSource(
                    "ems.red_within_8_minutes",
                    _("Red EMS incidents reached within 8 minutes"),
                    "%",
                    "muang.ems.kpis.red_within_8_minutes",
                ),
            ],
        )
