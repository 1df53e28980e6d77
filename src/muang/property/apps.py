import os

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from muang.core.contract import AppContract, DemoLoader, MenuEntry, Mount, PeriodicTask


class PropertyConfig(AppConfig):
    name = "muang.property"
    label = "property"
    verbose_name = _("Tax map and property registry")

    def ready(self) -> None:
        from muang.billing.sources import register_locator
        from muang.property.assessment import charges
        from muang.property.registry import sources

        charges.register()  # the penalty and surcharge rules of the tax bills, for billing's dues
        register_locator("property", sources.locate)  # where the parcels of a bill's lines are

    def contract(self) -> AppContract:
        from muang.property import permissions
        from muang.property.permissions import PropertyPerm

        return AppContract(
            # Open data (the opendata app): what an organisation may publish, without personal data.
            open_datasets=["muang.property.opendata.PARCELS"],
            urls=[
                Mount(
                    "tax/map/", "muang.property.registry.urls"
                ),  # before /tax/: the staff tax map and survey
                Mount("tax/", "muang.property.office.urls"),  # the tax office
            ],
            api=["muang.property.registry.api.router", "muang.property.assessment.api.router"],
            menu=[
                MenuEntry(
                    _("Tax office"),
                    "property-office:overview",
                    PropertyPerm.PROPERTY_VIEW,
                    order=20,
                    group="revenue",
                ),
                MenuEntry(
                    _("Tax map"), "property-map:map", PropertyPerm.PROPERTY_VIEW, order=40, group="revenue"
                ),
            ],
            permissions=[PropertyPerm],
            grants=permissions.GRANTS,
            # Signboard and survey photos (/files/signboards/..., /files/parcels/...): registry readers only.
            file_readers={
                "signboards": "muang.property.registry.selectors.read_photo",
                "parcels": "muang.property.registry.selectors.read_photo",
            },
            # Locks and re-checks each run: safe to repeat.
            periodic_tasks=[PeriodicTask("muang.property.tasks.fail_stale_assessment_runs", 5 * 60)],
            demo=[
                # Parcels, buildings, signboards, owners; the year's assessment.
                DemoLoader(
                    "property.tax_map",
                    "muang.property.demo.load_demo_property",
                    after=("core.organizations",),
                ),
                # Its bills, as issued in February (and April for signboards), before anyone pays.
                DemoLoader(
                    "property.bills",
                    "muang.property.demo_bills.load_demo_bills",
                    after=("property.tax_map",),
                    before=("billing.payments",),
                ),
            ],
            settings={
                "MUANG_DEMO_PARCELS": int(
                    os.environ.get("MUANG_DEMO_PARCELS", "2000")
                ),  # per demo organisation
                # Where an uploaded import waits between its dry run and the import (empty: the system's temp).
                "MUANG_IMPORT_STAGING_DIR": os.environ.get("MUANG_IMPORT_STAGING_DIR", ""),
            },
        )
