from django_tasks import task

from muang.iot.services.partitions import telemetry_partitions_maintain


@task()
def maintain_telemetry_partitions() -> dict:
    """Periodic: the next months' telemetry partitions exist, expired months are gone (safe on any worker)."""
    return telemetry_partitions_maintain()
