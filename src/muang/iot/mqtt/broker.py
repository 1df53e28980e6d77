"""The private Mosquitto broker's configuration, written from the devices (`scripts/mqtt.sh`, the tests).

    <dir>/mosquitto.conf   loopback listener on MUANG_MQTT_PORT, no anonymous clients, persistence for QoS 1
    <dir>/passwd           one line per live device (username = its credential id) and the ingest user;
                           Mosquitto's PBKDF2-SHA512 hashes only, never a secret
    <dir>/acl              a device may publish only muang/<org>/devices/<serial>/up and read only its .../down;
                           the ingest user reads muang/+/devices/+/up
    <dir>/ingest.secret    the ingest user's password (0600), read by `manage.py iot_ingest`

A device added, retired or given a new credential reaches the broker by itself: its service calls
`broker_files_changed()`, which, once the transaction has committed, writes `passwd` and `acl` again (under a
file lock, each file replaced whole) and sends the running broker SIGHUP through its pid file, so it re-reads
them. The web process, the worker and the broker share the host and the data directory (`make run`; a split
deployment points MUANG_MQTT_DIR at a shared volume and runs `manage.py iot_broker_config --reload` on the
broker's host). Nothing happens where no broker was ever configured (no `mosquitto.conf` in the directory), and
a failure is logged, never raised into the request that changed the device.
"""

from __future__ import annotations

import fcntl
import logging
import os
import pwd
import secrets
import signal
import threading
from pathlib import Path

from django.conf import settings
from django.db import transaction

from muang.iot.models import Device
from muang.iot.services.devices import mosquitto_hash

INGEST_USER = "muang-ingest"
UP = "muang/{org}/devices/{serial}/up"
DOWN = "muang/{org}/devices/{serial}/down"
INGEST_FILTER = "muang/+/devices/+/up"
DOWN_FILTER = "muang/+/devices/+/down"  # commands to devices (iot.lorawan.downlink.mqtt_publish_down)


logger = logging.getLogger("muang.iot.mqtt")


def default_directory() -> Path:
    return Path(getattr(settings, "MUANG_MQTT_DIR", "") or Path(settings.DATA_DIR) / "mqtt")


def _broker_user() -> pwd.struct_passwd | None:
    """Run as root, Mosquitto drops to its own user: the files must be that user's."""
    if os.geteuid() != 0:
        return None
    try:
        return pwd.getpwnam("mosquitto")
    except KeyError:
        return None


def _write(path: Path, text: str, mode: int = 0o600) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(text)
    os.chmod(tmp, mode)
    user = _broker_user()
    if user is not None:
        os.chown(tmp, user.pw_uid, user.pw_gid)
    os.replace(tmp, path)  # Mosquitto never reads a half-written file


def ingest_password(directory: Path) -> str:
    secret_file = directory / "ingest.secret"
    if not secret_file.exists():
        secret_file.write_text(secrets.token_urlsafe(32))
        os.chmod(secret_file, 0o600)
    return secret_file.read_text().strip()


def write_broker_config(
    directory: Path | None = None, *, port: int | None = None, host: str | None = None, reload: bool = False
) -> Path:
    """Write the broker's files from every organisation's live devices; returns the config file's path."""
    directory = Path(directory or default_directory())
    port = port or settings.MUANG_MQTT_PORT
    host = host or settings.MUANG_MQTT_HOST
    (directory / "data").mkdir(parents=True, exist_ok=True)
    user = _broker_user()
    if user is not None:
        os.chown(directory / "data", user.pw_uid, user.pw_gid)
        os.chmod(directory, 0o755)  # noqa: S103 (the broker passes through; its files are 0600)
    write_device_files(directory)
    conf = directory / "mosquitto.conf"
    _write(
        conf,
        "\n".join(
            [
                "# Written by muang.iot.mqtt.broker: edit the devices, not this file.",
                "per_listener_settings false",
                f"listener {port} {host}",
                "protocol mqtt",
                "allow_anonymous false",
                f"password_file {directory / 'passwd'}",
                f"acl_file {directory / 'acl'}",
                "persistence true",
                f"persistence_location {directory / 'data'}/",
                "autosave_interval 30",
                f"max_packet_size {settings.MUANG_IOT_MAX_PAYLOAD + 1024}",
                "max_queued_messages 100000",
                "max_inflight_messages 10000",  # the ingest consumers ask for two batches ahead (ReceiveMaximum)
                f"pid_file {directory / 'data' / 'mosquitto.pid'}",  # in the broker's own directory
                "log_dest stderr",
                "log_type error",
                "log_type warning",
                "log_type notice",
                "",
            ]
        ),
        0o644,
    )
    if reload:
        reload_broker(directory)
    return conf


def write_device_files(directory: Path) -> None:
    """The password and ACL files from every organisation's live devices."""
    passwd = [f"{INGEST_USER}:{mosquitto_hash(ingest_password(directory))}"]
    acl = [f"user {INGEST_USER}", f"topic read {INGEST_FILTER}", f"topic write {DOWN_FILTER}", ""]
    devices = (
        Device.objects.exclude(state=Device.State.RETIRED)
        .filter(organization__is_active=True)
        .select_related("organization")
        .order_by("organization_id", "id")
        .iterator(chunk_size=2000)
    )
    # Platform-wide by design: the broker serves every organisation; each line names one device of one.
    for device in devices:
        topic = {"org": device.organization.slug, "serial": device.serial}
        passwd.append(f"{device.credential_id}:{device.mqtt_hash}")
        acl += [
            f"user {device.credential_id}",
            f"topic write {UP.format(**topic)}",
            f"topic read {DOWN.format(**topic)}",
            "",
        ]
    _write(directory / "passwd", "\n".join(passwd) + "\n")
    _write(directory / "acl", "\n".join(acl) + "\n")


def sync_broker(directory: Path | None = None) -> bool:
    """Write the device files again and make a running broker re-read them; False when no broker was ever
    configured in the directory. One writer at a time (a lock file beside them)."""
    directory = Path(directory or default_directory())
    if not (directory / "mosquitto.conf").exists():
        return False
    with open(directory / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        write_device_files(directory)
        reload_broker(directory)
    return True


# Changes asked for and changes written: a commit that carries many (a demo loading 1,500 poles) runs many
# callbacks, and only the first one with something new writes the files.
_requested = 0
_written = 0
_counter_lock = threading.Lock()


def _sync_after_commit() -> None:
    global _written
    with _counter_lock:
        if _written >= _requested:
            return
        _written = _requested
    try:
        sync_broker()
    except Exception:  # the device is saved; the next change or `scripts/mqtt.sh reload` catches up
        logger.exception("could not update the MQTT broker's device files")


def broker_files_changed() -> None:
    """A device was added, retired or re-keyed: once the transaction commits, the broker learns it (the files
    are written once per commit, however many devices it carries)."""
    global _requested
    with _counter_lock:
        _requested += 1
    transaction.on_commit(_sync_after_commit)


def reload_broker(directory: Path | None = None) -> bool:
    """Ask a running broker to re-read its password and ACL files (SIGHUP); False when none runs."""
    pid_file = Path(directory or default_directory()) / "data" / "mosquitto.pid"
    try:
        os.kill(int(pid_file.read_text().strip()), signal.SIGHUP)
    except (FileNotFoundError, ValueError, ProcessLookupError, PermissionError):
        return False
    return True
