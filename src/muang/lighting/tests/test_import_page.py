"""The pole import page (/lighting/import): a dry run reports the rejected rows in Thai with the pole code that
names each (the shared import form and report, core/_import.html), and writes nothing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from muang.core.models import Duty, Role
from muang.core.tests.factories import OrganizationFactory, member
from muang.lighting.models import Pole
from muang.lighting.services.poles import COLUMNS

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("areas")]


def test_a_dry_run_reports_the_rejected_rows_by_pole_code_and_writes_nothing(client, settings):
    settings.LANGUAGE_CODE = "th"
    client.force_login(member(OrganizationFactory(), Role.OFFICER, duties=[Duty.ENGINEERING]))
    assert client.get("/lighting/import").status_code == 200
    text = ",".join(COLUMNS) + "\nP-001,not-a-latitude,102.1,led,100,9,C1,,,,,\n"
    upload = SimpleUploadedFile("poles.csv", text.encode(), content_type="text/csv")
    response = client.post("/lighting/import", {"file": upload, "dry_run": "on"})
    html = response.content.decode()
    assert response.status_code == 422, html[:2000]
    assert 'id="import-report"' in html and "<td>P-001</td>" in html
    assert "รหัสเสา" in html  # the column naming a row, in Thai
    assert not Pole.objects.exists()
