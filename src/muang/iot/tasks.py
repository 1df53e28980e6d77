from django_tasks import task

from muang.iot.services.partitions import telemetry_partitions_maintain


@task()
def maintain_telemetry_partitions() -> dict:
    """Periodic: the next months' telemetry partitions exist, expired months are gone (safe on any worker)."""
    return telemetry_partitions_maintain()


@task()
def roll_up_telemetry() -> dict:
    """Periodic: the hourly roll-ups of the completed hours since the last run (catching up a week a run after
    downtime) and of the hours that got late readings; upserts under an advisory lock, safe to repeat."""
    from muang.iot.services.rollup import telemetry_rollup

    return telemetry_rollup()


@task()
def mark_silent_devices() -> int:
    """Periodic: active devices that missed three reports become silent (one UPDATE, safe on any worker);
    silence rules raise their alarms (safe to repeat)."""
    from muang.iot.alarms.services import alarms_evaluate_silence
    from muang.iot.services.devices import devices_mark_silent

    silent = devices_mark_silent()
    alarms_evaluate_silence()  # the profiles' silence rules (their own number of missed reports)
    return silent
