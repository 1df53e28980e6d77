from django_tasks import task

RUNS: list[str] = []


@task()
def glance_refresh() -> int:
    RUNS.append("refreshed")
    return len(RUNS)
