"""The import page lists recent imports with who made them: a staff member by name, an integration as an API
token, the system as such; never a username or a token's prefix."""

import pytest
from django.test import Client

from muang.property.registry.models import ImportBatch

pytestmark = pytest.mark.django_db


def test_recent_imports_name_who_made_them_without_raw_labels(org, admin):
    user = admin.user
    for label, who in ((user.username, user), ("token:ab12cd34", None), ("system", None)):
        ImportBatch.objects.create(
            organization=org,
            kind="parcels",
            filename="parcels.geojson",
            sha256="0" * 64,
            actor_user=who,
            actor_label=label,
            rows_total=3,
            rows_imported=3,
        )
    client = Client()
    client.force_login(user)
    body = client.get("/tax/parcels/import/").content.decode()
    assert user.display_name in body
    assert "API token" in body and "the system (automatic)" in body  # the tests run in English
    assert "ab12cd34" not in body and user.username not in body
