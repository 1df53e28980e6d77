import os

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from muang.core.contract import AppContract, DemoLoader, MenuEntry, Mount, PeriodicTask


class IotConfig(AppConfig):
    name = "muang.iot"
    label = "iot"
    verbose_name = _("Devices and telemetry")

    def contract(self) -> AppContract:
        from django.conf import settings

        from muang.iot import permissions
        from muang.iot.permissions import IotPerm

        return AppContract(
            # The LoRaWAN network servers' webhooks (ChirpStack, The Things Stack): iot/lorawan/views.py.
            urls=[
                Mount("lorawan/", "muang.iot.lorawan.urls"),
                # The staff pages: devices, profiles and alarm rules, alarms (iot/views/).
                Mount("iot/", "muang.iot.urls"),
            ],
            menu=[
                MenuEntry(_("Devices"), "iot:devices", IotPerm.IOT_VIEW, order=60, group="city"),
                MenuEntry(_("Device alarms"), "iot:alarms", IotPerm.ALARM_VIEW, order=61, group="city"),
            ],
            api=["muang.iot.api.router", "muang.iot.alarms.api.router"],
            case_panels=["muang.iot.alarms.panels.alarm_panel"],
            case_attributes=["iot_alarm", "iot_device"],
            # Devices as NGSI-LD `Device` entities at /ngsi-ld/v1 (the ngsi app; iot/ngsi.py).
            ngsi_entity_types=["muang.iot.ngsi.DEVICE"],
            permissions=[IotPerm],
            scopes=permissions.SCOPES,
            grants=permissions.GRANTS,
            # Creates next months' partitions and drops expired ones under an advisory lock: safe to repeat.
            periodic_tasks=[
                PeriodicTask("muang.iot.tasks.maintain_telemetry_partitions", 6 * 3600),
                # One UPDATE of the active devices past three missed reports, then the profiles' silence
                # rules (devices already in alarm are skipped in the query): safe to repeat.
                PeriodicTask("muang.iot.tasks.mark_silent_devices", 60),
                # The charts' hourly roll-ups: completed hours since the watermark, then late-marked hours.
                PeriodicTask("muang.iot.tasks.roll_up_telemetry", 300),
            ],
            demo=[
                # Profiles, devices, alarm rules and LoRaWAN secrets for the demo organisations, once; the
                # credentials for `manage.py iot_simulate` go to MUANG_DATA/iot-demo.json (0600). After the citizen
                # reports so the lamp-failure rule uses their street-light category.
                DemoLoader(
                    "iot.devices",
                    "muang.iot.demo.load_demo_iot",
                    after=("core.organizations", "reports.reports"),
                ),
            ],
            settings={
                # Readings stamped further than this in the future are refused (device clocks drift).
                "MUANG_IOT_MAX_FUTURE_SECONDS": int(os.environ.get("MUANG_IOT_MAX_FUTURE_SECONDS", "300")),
                # The largest payload a device may send over HTTP or MQTT (bytes).
                "MUANG_IOT_MAX_PAYLOAD": int(os.environ.get("MUANG_IOT_MAX_PAYLOAD", "16384")),
                # Retention of an organisation without its own IoT settings (days).
                "MUANG_IOT_RETENTION_DAYS": int(os.environ.get("MUANG_IOT_RETENTION_DAYS", "400")),
                # How long delivered message ids are remembered to refuse a repeated delivery (days).
                "MUANG_IOT_DEDUP_DAYS": int(os.environ.get("MUANG_IOT_DEDUP_DAYS", "7")),
                # The largest webhook body a LoRaWAN network server may send (bytes).
                "MUANG_LORAWAN_MAX_BODY": int(os.environ.get("MUANG_LORAWAN_MAX_BODY", "65536")),
                # MQTT consumers `manage.py iot_ingest` forks to share the subscription: one a core, up to four.
                "MUANG_IOT_INGEST_PROCESSES": int(
                    os.environ.get("MUANG_IOT_INGEST_PROCESSES") or min(4, os.cpu_count() or 1)
                ),
                # The private Mosquitto broker (scripts/mqtt.sh): loopback only.
                "MUANG_MQTT_HOST": os.environ.get("MUANG_MQTT_HOST", "127.0.0.1"),
                "MUANG_MQTT_PORT": int(os.environ.get("MUANG_MQTT_PORT", "18830")),
                # Its files (config, passwords, ACL, pid): rewritten whenever a device is added, retired or
                # re-keyed (iot.mqtt.broker.broker_files_changed). Empty: MUANG_DATA/mqtt. Tests never touch the
                # developer's broker: they point this at their own broker's directory.
                "MUANG_MQTT_DIR": os.environ.get("MUANG_MQTT_DIR", "")
                or ("/nonexistent/muang-test-mqtt" if settings.TESTING else ""),
            },
        )
