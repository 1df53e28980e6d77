"""The road network an organisation's units are ranked over.

Import OpenStreetMap roads (a real deployment):

    # 1. the province's extract, cut to the district (osmium, from Debian's osmium-tool)
    osmium extract -b 101.95,16.40,102.25,16.70 thailand-latest.osm.pbf -o chumphae.osm
    # 2. osm2pgrouting (Debian's osm2pgrouting) into a schema of Muang's database; it writes `ways` (with cost_s,
    #    reverse_cost_s in seconds, source, target, the_geom) and `ways_vertices_pgr`
    psql -c 'CREATE SCHEMA IF NOT EXISTS osm'
    osm2pgrouting --f chumphae.osm --conf /usr/share/osm2pgrouting/mapconfig.xml \\
        --dbname muang --schema osm --clean
    # 3. copy the edges inside the organisation's boundary into its network (replaces it)
    manage.py ems_roads chumphae --import-schema osm

Or generate the demo's plausible grid around a point:

    manage.py ems_roads chumphae --grid 40 --lat 16.54 --lon 102.10
"""

from django.core.management.base import BaseCommand, CommandError

from muang.core.access import SYSTEM
from muang.core.models import Organization
from muang.ems.services.roads import road_grid_generate, road_network_import_osm2pgrouting


class Command(BaseCommand):
    help = "Import an osm2pgrouting schema (--import-schema) or generate a grid (--grid N) as the EMS road network."

    def add_arguments(self, parser):
        parser.add_argument("organization", help="the organisation's slug")
        parser.add_argument(
            "--import-schema", help="the schema osm2pgrouting wrote `ways` and `ways_vertices_pgr` to"
        )
        parser.add_argument("--grid", type=int, help="generate a N×N grid instead")
        parser.add_argument("--lat", type=float, default=16.54)
        parser.add_argument("--lon", type=float, default=102.10)
        parser.add_argument("--spacing", type=float, default=150.0, help="metres between junctions (grid)")
        parser.add_argument("--seed", type=int, default=13)

    def handle(self, *args, **options):
        organization = Organization.objects.filter(slug=options["organization"]).first()
        if organization is None:
            raise CommandError(f"no organisation {options['organization']!r}")
        if bool(options["import_schema"]) == bool(options["grid"]):
            raise CommandError("give either --import-schema or --grid")
        try:
            if options["grid"]:
                count = road_grid_generate(
                    actor=SYSTEM,
                    organization=organization,
                    lat=options["lat"],
                    lon=options["lon"],
                    size=options["grid"],
                    spacing_m=options["spacing"],
                    seed=options["seed"],
                )
            else:
                schema = options["import_schema"]
                count = road_network_import_osm2pgrouting(
                    actor=SYSTEM,
                    organization=organization,
                    ways_table=f"{schema}.ways",
                    vertices_table=f"{schema}.ways_vertices_pgr",
                )
        except ValueError as e:
            raise CommandError(str(e)) from e
        self.stdout.write(f"{count} edges")
