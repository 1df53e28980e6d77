"""The KPI values dataset (issue 15, open data): the organisation's monthly snapshots published through the
opendata app (`AppContract.open_datasets`), as CSV with no personal column, and only its own organisation's."""

import csv
import datetime as dt
import io

import pytest

from muang.core.access import SYSTEM
from muang.core.tests.factories import OrganizationFactory
from muang.kpi import services
from muang.kpi.opendata import KPI_VALUES
from muang.kpi.tests.conftest import FEB_5, JAN
from muang.opendata.models import Distribution
from muang.opendata.personal import personal_columns
from muang.opendata.services import dataset_publish

pytestmark = pytest.mark.django_db


def test_the_kpi_values_are_published_without_a_person(town):
    services.csv_import(
        actor=SYSTEM,
        organization=town.org,
        text=f"indicator,month,value\nliving.piped_water,{JAN:%Y-%m},91.5\n",
        now=FEB_5,
    )
    other = OrganizationFactory()
    services.csv_import(
        actor=SYSTEM,
        organization=other,
        text=f"indicator,month,value\nliving.piped_water,{JAN:%Y-%m},12\n",
        now=FEB_5,
    )
    assert personal_columns(KPI_VALUES) == []
    publication = dataset_publish(
        actor=town.executive,
        organization=town.org,
        code="kpi.values",
        now=dt.datetime(2026, 2, 6, 3, tzinfo=dt.UTC),
    )
    assert publication.row_count == 1 and publication.frequency == "monthly"
    content = bytes(Distribution.objects.get(publication=publication, format="csv").content)
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows == [
        {
            "indicator": "living.piped_water",
            "indicator_th": "ครัวเรือนที่มีน้ำประปาใช้",
            "indicator_en": "Households with piped water",
            "unit": "%",
            "direction": "up",
            "month": "2026-01-01",
            "value": "91.5",
            "origin": "csv",
        }
    ]
