from django_tasks import task

from muang.lighting.services.schedules import schedules_send
from muang.lighting.services.state import faults_sweep


@task()
def sweep_faults() -> int:
    """Periodic: silent controllers, faults due for confirmation, resolved cases of faults that still hold."""
    return faults_sweep()


@task()
def send_schedule_commands() -> int:
    """Periodic: each scheduled group's planned dimming level to the controllers not yet told it."""
    return schedules_send()
