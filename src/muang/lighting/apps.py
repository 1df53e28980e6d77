from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from muang.core.contract import AppContract, DemoLoader, KpiSource, MenuEntry, Mount, PeriodicTask


class LightingConfig(AppConfig):
    name = "muang.lighting"
    label = "lighting"
    verbose_name = _("Street lighting")

    def contract(self) -> AppContract:
        from muang.lighting import permissions
        from muang.lighting.permissions import LightingPerm

        return AppContract(
            # Open data (the opendata app): what an organisation may publish, without personal data.
            open_datasets=["muang.lighting.opendata.STREETLIGHTS"],
            urls=[Mount("lighting/", "muang.lighting.urls")],
            # The city dashboard's numbers; availability's map layer is where poles were out (lighting/kpis.py).
            kpi_sources=[
                KpiSource(
                    "lighting.lamp_availability",
                    _("Street lamps lit when they should be"),
                    "%",
                    "muang.lighting.kpis.lamp_availability",
                    places="muang.lighting.kpis.dark_places",
                    bulk="muang.lighting.kpis.lamp_availability_bulk",
                ),
                KpiSource(
                    "lighting.energy_saved",
                    _("Energy saved by dimming the street lamps"),
                    "kWh",
                    "muang.lighting.kpis.energy_saved",
                    bulk="muang.lighting.kpis.energy_saved_bulk",
                ),
            ],
            api=["muang.lighting.api.router"],
            menu=[
                MenuEntry(
                    _("Street lighting"), "lighting:map", LightingPerm.LIGHTING_VIEW, order=46, group="city"
                )
            ],
            permissions=[LightingPerm],
            scopes=permissions.SCOPES,
            grants=permissions.GRANTS,
            # Each committed batch of device readings: the poles' state (TALQ / Streetlight names) and faults.
            telemetry_listeners=["muang.lighting.services.state.on_telemetry"],
            # A citizen's report of a dark street light near a pole with an open fault joins the fault's case.
            case_joiners=["muang.lighting.selectors.fault_case_near"],
            # On a repair case's page: the poles of its fault and their state.
            case_panels=["muang.lighting.panels.fault_panel"],
            case_attributes=["lighting_fault", "pole"],
            # Poles as NGSI-LD `Streetlight` entities at /ngsi-ld/v1 (the ngsi app; lighting/ngsi.py).
            ngsi_entity_types=["muang.lighting.ngsi.STREETLIGHT"],
            periodic_tasks=[
                # Silent controllers and faults waiting for confirmation: one pass, idempotent.
                PeriodicTask("muang.lighting.tasks.sweep_faults", 60),
                # The groups' schedules to their controllers; a pole's send is under its row lock, re-checked.
                PeriodicTask("muang.lighting.tasks.send_schedule_commands", 60),
            ],
            demo=[
                DemoLoader("lighting.poles", "muang.lighting.demo.load_demo_lighting", after=("iot.devices",))
            ],
        )
