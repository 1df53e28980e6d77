from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from muang.core.contract import AppContract, DemoLoader, Direction, KpiSource, MenuEntry, Mount, PeriodicTask


class EmsConfig(AppConfig):
    name = "muang.ems"
    label = "ems"
    verbose_name = _("Emergency medical services")

    def contract(self) -> AppContract:
        from muang.ems import permissions
        from muang.ems.permissions import EmsPerm

        return AppContract(
            urls=[
                Mount("ems/", "muang.ems.urls"),
                # Traccar's OsmAnd protocol for wristbands and the units' trackers (osmand_views.py).
                Mount("osmand/", "muang.ems.osmand_urls"),
            ],
            api=["muang.ems.api.router"],
            menu=[
                MenuEntry(_("Dispatch board"), "ems:board", EmsPerm.EMS_VIEW, order=70, group="health"),
                MenuEntry(
                    _("New EMS call"), "ems:incident_new", EmsPerm.EMS_DISPATCH, order=71, group="health"
                ),
                MenuEntry(
                    _("Care centre alerts"), "ems:care_board", EmsPerm.ALERTS, order=72, group="health"
                ),
                # The bands given to people and the on-call list (linked from the wristbands page).
                MenuEntry(_("Wristbands"), "ems:bands", EmsPerm.WRISTBANDS, order=73, group="health"),
            ],
            permissions=[EmsPerm],
            scopes=permissions.SCOPES,
            grants=permissions.GRANTS,
            restricted=permissions.RESTRICTED,
            file_readers={"ems-wristband": "muang.ems.selectors.read_wristband_photo"},
            # A unit's tracker (a device of the IoT core reporting lat/lon) moves the unit.
            # A wristband's readings raise its alerts (services.wristbands).
            telemetry_listeners=[
                "muang.ems.services.units.on_telemetry",
                "muang.ems.services.wristbands.on_telemetry",
            ],
            # Alerts nobody took in 60 s escalate; daytime "no movement" (timers are rows: tasks.py).
            periodic_tasks=[PeriodicTask("muang.ems.tasks.run_alert_timers", 5)],
            demo=[
                DemoLoader("ems.ems", "muang.ems.demo.load_demo_ems", after=("core.organizations",)),
                # Wristbands for the care register's people, the on-call list, the units' trackers.
                DemoLoader(
                    "ems.wristbands",
                    "muang.ems.demo.load_demo_wristbands",
                    after=("ems.ems", "care.people", "iot.devices"),
                ),
            ],
            demo_logins=["muang.ems.demo.login_lines"],
            kpi_sources=[
                KpiSource(
                    "ems.response_minutes",
                    _("EMS response time (call to scene)"),
                    "minutes",
                    "muang.ems.kpis.response_minutes",
                    direction=Direction.DOWN,
                    bulk="muang.ems.kpis.response_minutes_bulk",
                ),
                KpiSource(
                    "ems.red_within_8_minutes",
                    _("Red EMS incidents reached within 8 minutes"),
                    "%",
                    "muang.ems.kpis.red_within_8_minutes",
                    bulk="muang.ems.kpis.red_within_8_minutes_bulk",
                ),
            ],
        )
