from django_tasks import task

from muang.waste.services.collection import missed_collections_dispatch


@task()
def dispatch_missed_collections() -> int:
    """Periodic: hand citizens' new missed-collection reports to the crew of the nearest route's stop."""
    return missed_collections_dispatch()
