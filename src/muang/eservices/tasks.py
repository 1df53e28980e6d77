from django_tasks import task

from muang.eservices import services


@task()
def notify_late_applications() -> int:
    """Periodic (s.10): the 7-day notices of undecided applications past the manual's time."""
    return services.applications_notify_late()


@task()
def settle_paid_applications() -> int:
    """Periodic: approved applications whose fee is paid get their licence."""
    return services.applications_settle_paid()


@task()
def remind_licence_renewals() -> int:
    """Periodic: one reminder 30 days before a licence expires."""
    return services.licences_remind_renewal()
