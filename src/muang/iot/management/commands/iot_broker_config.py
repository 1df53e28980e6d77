"""Write the private Mosquitto broker's files from the devices (scripts/mqtt.sh calls it)."""

from pathlib import Path

from django.core.management.base import BaseCommand

from muang.iot.mqtt.broker import write_broker_config


class Command(BaseCommand):
    help = "Write mosquitto.conf, the password file and the ACL from the live devices; --reload signals the broker."

    def add_arguments(self, parser):
        parser.add_argument("--dir", default=None, help="default: .data/mqtt")
        parser.add_argument("--reload", action="store_true", help="make a running broker re-read the files")

    def handle(self, *args, **options):
        conf = write_broker_config(Path(options["dir"]) if options["dir"] else None, reload=options["reload"])
        self.stdout.write(str(conf))
