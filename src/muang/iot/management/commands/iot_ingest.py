"""Consume device telemetry from the private Mosquitto broker (MQTT v5 shared subscription, QoS 1, acks after
commit).

`--processes N` (default `MUANG_IOT_INGEST_PROCESSES`, one a core up to four) forks N consumers that share the
subscription. Their client ids are stable (`muang-ingest-<host>-<n>`; one process: `muang-ingest-<host>`), so a
consumer started again, by its supervisor or by the next `make run`, resumes its persistent session and gets
what it had not acknowledged. At start the sessions of this id that no consumer will take any more (the
layouts of other process counts, up to `RETIRE_UP_TO` consumers) are retired: what they hold is stored, then
the broker drops them; Mosquitto would otherwise go on queuing their share of the messages for nobody.
Several commands may run side by side, each with its own `--client-id`."""

import logging
import signal
import socket
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, close_old_connections, connections

from muang.core.process import settle, supervise
from muang.iot.mqtt.broker import default_directory, ingest_password
from muang.iot.mqtt.consumer import IngestConsumer
from muang.iot.mqtt.wire import MqttError

logger = logging.getLogger("muang.iot.mqtt")
RETIRE_UP_TO = 16  # consumers: the sessions `--processes` up to this many would have left


class Command(BaseCommand):
    help = "Ingest MQTT telemetry from muang/+/devices/+/up (shared subscription $share/ingest/...)."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=2000)
        parser.add_argument("--client-id", default=f"muang-ingest-{socket.gethostname()}")
        parser.add_argument(
            "--processes",
            type=int,
            default=settings.MUANG_IOT_INGEST_PROCESSES,
            help="consumers forked to share the subscription (1: this process consumes)",
        )

    def handle(self, *args, **options):
        if options["processes"] < 1:
            raise CommandError("--processes is at least 1.")
        # What is imported frozen out of the cyclic collector's reach (as the web and the worker do): the
        # collections that thousands of decoded payloads a second set off walk those payloads, not Django.
        # Forked consumers share these pages.
        settle(warm_up=False)
        client_id, batch_size = options["client_id"], options["batch_size"]
        self.retire_others(client_id, options["processes"])
        if options["processes"] == 1:
            self.consume(client_id, batch_size)
        else:
            supervise(options["processes"], lambda n: self.consume(f"{client_id}-{n}", batch_size))

    def retire_others(self, client_id: str, processes: int) -> None:
        """Retire the sessions of this id that the consumers about to start will not resume."""
        mine = {client_id} if processes == 1 else {f"{client_id}-{n}" for n in range(processes)}
        layouts = {client_id} | {f"{client_id}-{n}" for n in range(RETIRE_UP_TO)}
        for other in sorted(layouts - mine):
            try:
                held = self.consumer(other, 2000).retire(retry=True)  # the broker may be starting with us
            except (DatabaseError, MqttError, OSError):
                # Kept at the broker, unacknowledged: the next start retires it. Consuming matters more.
                logger.exception("iot_ingest: the session %s could not be retired now", other)
                continue
            if held:
                self.say(f"iot_ingest: {other} retired; the {held} messages it held are ingested")
        connections.close_all()

    def say(self, text: str) -> None:
        """A line for the log, written at once: `make run` sends the output to a file, which Python would
        otherwise fill a block at a time (the "subscribed" line showed only when the process ended)."""
        self.stdout.write(text)
        self.stdout.flush()

    def consumer(self, client_id: str, batch_size: int) -> IngestConsumer:
        return IngestConsumer(
            host=settings.MUANG_MQTT_HOST,
            port=settings.MUANG_MQTT_PORT,
            password=ingest_password(default_directory()),
            client_id=client_id,
            batch_size=batch_size,
        )

    def consume(self, client_id: str, batch_size: int) -> None:
        consumer = self.consumer(client_id, batch_size)
        running = True

        def stop(*_args):
            nonlocal running
            running = False

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        consumer.start(retry=True)
        self.say(
            f"iot_ingest: {client_id} subscribed on {settings.MUANG_MQTT_HOST}:{settings.MUANG_MQTT_PORT}"
        )
        while running:
            close_old_connections()  # a database restart: reconnect (unacked messages come again)
            try:
                consumer.flush(wait=0.5)
            except DatabaseError:
                logger.exception("iot_ingest: the batch was not stored; it will be delivered again")
                time.sleep(1)
                consumer.recover()
        consumer.stop()
        s = consumer.stats
        self.say(
            f"iot_ingest: {client_id}: {s.received} received, {s.stored} stored, {s.duplicate} repeated, {s.refused} refused"
        )
