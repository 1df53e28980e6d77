from django_tasks import task

from muang.lighting.services.state import faults_sweep


@task()
def sweep_faults() -> int:
    """Periodic: silent controllers, faults due for confirmation, resolved cases of faults that still hold."""
    return faults_sweep()
