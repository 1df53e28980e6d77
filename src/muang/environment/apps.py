import os

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from muang.core.contract import AppContract, DemoLoader, Direction, KpiSource, MenuEntry, Mount


class EnvironmentConfig(AppConfig):
    name = "muang.environment"
    label = "environment"
    verbose_name = _("Air quality and water levels")

    def contract(self) -> AppContract:
        from muang.environment import permissions
        from muang.environment.permissions import EnvPerm

        return AppContract(
            # Open data (the opendata app): what an organisation may publish, without personal data.
            open_datasets=[
                "muang.environment.opendata.AIR_QUALITY",
                "muang.environment.opendata.WATER_LEVELS",
            ],
            urls=[Mount("env/", "muang.environment.urls")],
            # The city dashboard's number, with the air stations as its map layer (environment/kpis.py).
            kpi_sources=[
                KpiSource(
                    "environment.pm25_days",
                    _("Days with PM2.5 above the standard"),
                    "days",
                    "muang.environment.kpis.pm25_days",
                    Direction.DOWN,
                    places="muang.environment.kpis.station_places",
                    bulk="muang.environment.kpis.pm25_days_bulk",
                ),
            ],
            api=["muang.environment.api.router"],
            menu=[
                MenuEntry(_("Air and water"), "environment:staff", EnvPerm.ENV_VIEW, order=60, group="city")
            ],
            public_menu=[MenuEntry(_("Air and water"), "environment:index", order=60)],
            public_home_panels=["muang.environment.views.home_panel"],
            permissions=[EnvPerm],
            scopes=permissions.SCOPES,
            grants=permissions.GRANTS,
            # Each batch of readings: the stations' averages, levels and, on a change of band, the LINE pushes.
            telemetry_listeners=["muang.environment.services.stations_telemetry_received"],
            # "เตือน 12" / "เลิกเตือน" in an organisation's LINE conversation (the reports app's webhook).
            line_commands=["muang.environment.line.line_command"],
            # Public stations as NGSI-LD `AirQualityObserved` / `FloodMonitoring` at /ngsi-ld/v1 (environment/ngsi.py).
            ngsi_entity_types=[
                "muang.environment.ngsi.AIR_QUALITY_OBSERVED",
                "muang.environment.ngsi.FLOOD_MONITORING",
            ],
            demo=[
                DemoLoader(
                    "environment.stations",
                    "muang.environment.demo.load_demo_environment",
                    after=("iot.devices",),
                )
            ],
            vendor_static={},
            settings={
                # Hysteresis of a new air station (µg/m³ of PM2.5 under a band's lower bound before it leaves it).
                "MUANG_ENV_AIR_HYSTERESIS": float(os.environ.get("MUANG_ENV_AIR_HYSTERESIS", "2.0")),
                # Hysteresis of a new water gauge (metres under a level before its status falls back).
                "MUANG_ENV_WATER_HYSTERESIS": float(os.environ.get("MUANG_ENV_WATER_HYSTERESIS", "0.10")),
            },
        )
