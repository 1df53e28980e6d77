"""The pole register's import (CSV, Excel, GeoJSON): a dry run lists every rejected row and why and writes
nothing; the import writes only a clean file (or the good rows when asked); the export imports back."""

import io
import json

import pytest
from openpyxl import Workbook

from muang.core.access import SYSTEM, Actor
from muang.core.errors import AccessDenied
from muang.core.models import Role
from muang.core.tests.factories import member
from muang.lighting.models import Circuit, Pole
from muang.lighting.services.poles import COLUMNS, poles_export, poles_import
from muang.lighting.tests.helpers import lit_town, place

pytestmark = pytest.mark.django_db


@pytest.fixture
def lt(areas):
    return lit_town()


def csv_file(lt, rows) -> bytes:
    lines = [",".join(COLUMNS)]
    for r in rows:
        lines.append(",".join(str(v) for v in r))
    return "\n".join(lines).encode()


def good_row(lt, i, **over):
    p = place(lt, i)
    row = dict(
        zip(
            COLUMNS,
            [
                f"P-{i:03d}",
                round(p.y, 6),
                round(p.x, 6),
                "led",
                90,
                9,
                "C-01",
                "ตู้ 1",
                "ถนนหลัก",
                "01/03/2568",
                "",
                "",
            ],
            strict=True,
        )
    )
    row.update(over)
    return [row[c] for c in COLUMNS]


def test_a_dry_run_lists_each_rejected_row_with_its_reason_and_writes_nothing(lt):
    data = csv_file(
        lt,
        [
            good_row(lt, 1),
            good_row(lt, 2, rated_watts="abc"),
            good_row(lt, 3, lat=13.75, lon=100.5),  # Bangkok: outside the town
            good_row(lt, 1),  # the same code twice
            good_row(lt, 5, lamp_type="candle"),
            good_row(lt, 6, controller="NO-SUCH"),
            good_row(lt, 7, installed_on="31/02/2568"),
            good_row(lt, 8, code=""),
        ],
    )
    report = poles_import(actor=SYSTEM, organization=lt.org, data=data, filename="poles.csv", dry_run=True)
    assert (report.rows_total, report.accepted) == (8, 1)
    by_row = {r.row: r.field for r in report.rejected}
    assert by_row == {
        2: "rated_watts",
        3: "location",
        4: "code",
        5: "lamp_type",
        6: "controller",
        7: "installed_on",
        8: "code",
    }
    assert all(r.message for r in report.rejected)
    assert not Pole.objects.exists() and not Circuit.objects.exists()


def test_an_import_with_rejected_rows_writes_nothing_unless_told_to_skip_them(lt):
    data = csv_file(lt, [good_row(lt, 1), good_row(lt, 2, rated_watts=0)])
    report = poles_import(actor=SYSTEM, organization=lt.org, data=data, filename="poles.csv", dry_run=False)
    assert report.imported == 0 and not Pole.objects.exists()
    report = poles_import(
        actor=SYSTEM, organization=lt.org, data=data, filename="poles.csv", dry_run=False, skip_rejected=True
    )
    assert report.imported == 1
    pole = Pole.objects.get()
    assert pole.circuit.code == "C-01" and pole.circuit.cabinet == "ตู้ 1" and pole.group.name == "ถนนหลัก"
    assert pole.installed_on.isoformat() == "2025-03-01"  # 2568 B.E.


def test_excel_and_geojson_imports_and_the_export_round_trip(lt):
    wb = Workbook()
    ws = wb.active
    ws.append(list(COLUMNS))
    ws.append(good_row(lt, 1))
    buf = io.BytesIO()
    wb.save(buf)
    assert (
        poles_import(
            actor=SYSTEM, organization=lt.org, data=buf.getvalue(), filename="p.xlsx", dry_run=False
        ).imported
        == 1
    )
    p = place(lt, 2)
    geojson = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "geometry": {"type": "Point", "coordinates": [p.x, p.y]},
             "properties": {"code": "P-002", "rated_watts": 120, "circuit": "C-02"}},
            {"type": "Feature", "geometry": {"type": "LineString", "coordinates": [[p.x, p.y], [p.x, p.y]]},
             "properties": {"code": "P-003", "rated_watts": 120}},
        ],
    }  # fmt: skip
    report = poles_import(
        actor=SYSTEM, organization=lt.org, data=json.dumps(geojson).encode(), filename="p.geojson", dry_run=False,
        skip_rejected=True,
    )  # fmt: skip
    assert report.imported == 1 and [r.row for r in report.rejected] == [2]
    for fmt in ("csv", "xlsx", "geojson"):
        content, _type, name = poles_export(actor=SYSTEM, organization=lt.org, fmt=fmt)
        again = poles_import(actor=SYSTEM, organization=lt.org, data=content, filename=name, dry_run=True)
        assert (again.accepted, again.rejected) == (2, []), fmt


def test_only_the_engineering_staff_may_import(lt):
    outsider = Actor(user=member(lt.org, Role.OFFICER, department=lt.town.health))
    with pytest.raises(AccessDenied):
        poles_import(actor=outsider, organization=lt.org, data=b"code\n", filename="p.csv")
