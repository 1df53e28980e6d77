"""Simulate the demo's devices: `manage.py iot_simulate [--interval 5] [--once] [--seed 2569]` (`make run` starts
it after the broker and the ingest consumer; `make stop` stops it). Reads the credentials the IoT demo loader
wrote to MUANG_DATA/iot-demo.json; logs one line per cycle."""

import os
import signal
import threading

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from muang.iot.demo import SEED, credentials_path, read_credentials
from muang.iot.simulator import SimDevice, Simulator, http_poster


class Command(BaseCommand):
    help = "Publish simulated telemetry from the demo devices (MQTT and LoRaWAN webhooks)."

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=5.0, help="seconds between cycles (default 5)")
        parser.add_argument("--once", action="store_true", help="one cycle, then stop")
        parser.add_argument("--seed", type=int, default=SEED)
        parser.add_argument("--haze", choices=("auto", "on", "off"), default="auto")
        parser.add_argument(
            "--url", default=None, help="the web server (default: http://$MUANG_HOST:$MUANG_PORT)"
        )
        parser.add_argument("--mqtt-port", type=int, default=settings.MUANG_MQTT_PORT)

    @staticmethod
    def default_url() -> str:
        return f"http://{os.environ.get('MUANG_HOST', '127.0.0.1')}:{os.environ.get('MUANG_PORT', '8000')}"

    def handle(self, *args, **options):
        if options["interval"] <= 0:
            raise CommandError("--interval must be positive")
        data = read_credentials()
        if not data["devices"]:
            raise CommandError(f"no demo devices in {credentials_path()}: run `manage.py load_demo` first")
        devices = [SimDevice(**{k: d[k] for k in SimDevice.__dataclass_fields__}) for d in data["devices"]]
        simulator = Simulator(
            devices,
            data["lorawan"],
            seed=options["seed"],
            post=http_poster(options["url"] or self.default_url()),
            mqtt_host=settings.MUANG_MQTT_HOST,
            mqtt_port=options["mqtt_port"],
            haze=options["haze"],
        )
        stop = threading.Event()
        previous = {
            sig: signal.signal(sig, lambda *_a: stop.set()) for sig in (signal.SIGTERM, signal.SIGINT)
        }
        self.stdout.write(
            f"simulating {len(devices)} devices every {options['interval']:g} s (seed {options['seed']})"
        )

        def log(line: str) -> None:
            self.stdout.write(line)
            self.stdout.flush()

        try:
            simulator.run(interval=options["interval"], once=options["once"], log=log, stop=stop)
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
