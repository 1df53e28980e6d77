"""Demo open data: every local government of the demo publishes every dataset the installed apps offer, with
the default description (idempotent: a dataset already published is left as it is)."""

from django.utils import timezone

from muang.core import registry
from muang.core.access import SYSTEM
from muang.core.models import LOCAL_GOVERNMENT_KINDS, Organization
from muang.opendata.models import Publication
from muang.opendata.personal import personal_columns
from muang.opendata.services import dataset_publish


def load_demo_opendata() -> int:
    now = timezone.now()
    created = 0
    datasets = [d for d in registry.open_datasets() if not personal_columns(d)]
    organizations = Organization.objects.filter(is_active=True, kind__in=LOCAL_GOVERNMENT_KINDS).order_by(
        "slug"
    )
    for organization in organizations:
        done = set(Publication.objects.filter(organization=organization).values_list("dataset", flat=True))
        for dataset in datasets:
            if dataset.code in done:
                continue
            dataset_publish(actor=SYSTEM, organization=organization, code=dataset.code, now=now)
            created += 1
    return created
