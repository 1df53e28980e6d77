"""Consume device telemetry from the private Mosquitto broker (MQTT v5 shared subscription, QoS 1, acks after
commit). Run several side by side to share the load: each gets its own client id."""

import logging
import os
import signal
import socket
import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import DatabaseError, close_old_connections

from muang.core.process import settle
from muang.iot.mqtt.broker import default_directory, ingest_password
from muang.iot.mqtt.consumer import IngestConsumer

logger = logging.getLogger("muang.iot.mqtt")


class Command(BaseCommand):
    help = "Ingest MQTT telemetry from muang/+/devices/+/up (shared subscription $share/ingest/...)."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=2000)
        parser.add_argument("--client-id", default=f"muang-ingest-{socket.gethostname()}-{os.getpid()}")

    def handle(self, *args, **options):
        consumer = IngestConsumer(
            host=settings.MUANG_MQTT_HOST,
            port=settings.MUANG_MQTT_PORT,
            password=ingest_password(default_directory()),
            client_id=options["client_id"],
            batch_size=options["batch_size"],
        )
        running = True

        def stop(*_args):
            nonlocal running
            running = False

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        # What is imported frozen out of the cyclic collector's reach (as the web and the worker do): the
        # collections that thousands of decoded payloads a second set off walk those payloads, not Django.
        settle(warm_up=False)
        consumer.start(retry=True)
        self.stdout.write(f"iot_ingest: subscribed on {settings.MUANG_MQTT_HOST}:{settings.MUANG_MQTT_PORT}")
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
        self.stdout.write(
            f"iot_ingest: {s.received} received, {s.stored} stored, {s.duplicate} repeated, {s.refused} refused"
        )
