import os

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from muang.core.contract import AppContract, DemoLoader, MenuEntry, Mount, PeriodicTask


class OpenDataConfig(AppConfig):
    name = "muang.opendata"
    label = "opendata"
    verbose_name = _("Open data")

    def contract(self) -> AppContract:
        from muang.opendata import permissions
        from muang.opendata.permissions import OpenDataPerm

        return AppContract(
            # The public catalogue, downloads and DCAT-AP at /open-data/; the CKAN action API for harvesters.
            urls=[
                Mount("open-data/", "muang.opendata.urls"),
                Mount("api/3/action/", "muang.opendata.ckan_urls"),
            ],
            menu=[
                MenuEntry(_("Open data"), "opendata:staff", OpenDataPerm.MANAGE, order=80, group="overview")
            ],
            public_menu=[MenuEntry(_("Open data"), "opendata:catalogue", order=80)],
            permissions=[OpenDataPerm],
            grants=permissions.GRANTS,
            # Each published dataset's files, rebuilt when its update frequency says they are due.
            periodic_tasks=[PeriodicTask("muang.opendata.tasks.refresh_datasets", 900)],
            settings={
                # Datasets a page of /open-data/catalog.ttl and .jsonld (ckanext-dcat's default: 100).
                "MUANG_OPENDATA_CATALOG_PAGE": int(os.environ.get("MUANG_OPENDATA_CATALOG_PAGE", "100")),
            },
            demo=[
                DemoLoader(
                    "opendata.publications",
                    "muang.opendata.demo.load_demo_opendata",
                    after=("lighting.poles", "environment.stations", "reports.reports", "property.tax_map"),
                )
            ],
        )
