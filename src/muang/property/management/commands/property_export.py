"""`manage.py property_export ORG OUT.geojson|OUT.xlsx`: the registry as GeoJSON (parcels) or Excel."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from muang.core.access import SYSTEM
from muang.core.models import Organization
from muang.property.registry.services.exports import parcels_geojson_chunks, registry_xlsx


class Command(BaseCommand):
    help = "Export the property registry to GeoJSON (parcels) or Excel (every table)."

    def add_arguments(self, parser):
        parser.add_argument("organization", help="organisation slug")
        parser.add_argument("output", type=Path, help="a .geojson or .xlsx path")

    def handle(self, *args, **options):
        organization = Organization.objects.filter(slug=options["organization"]).first()
        if organization is None:
            raise CommandError(f"no organisation {options['organization']}")
        out: Path = options["output"]
        if out.suffix == ".geojson":
            with out.open("w", encoding="utf-8") as f:
                for chunk in parcels_geojson_chunks(actor=SYSTEM, organization=organization):
                    f.write(chunk)
        elif out.suffix == ".xlsx":
            out.write_bytes(registry_xlsx(actor=SYSTEM, organization=organization))
        else:
            raise CommandError("the output must end in .geojson or .xlsx")
        self.stdout.write(f"wrote {out}")
