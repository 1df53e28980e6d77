"""The bank files of a fixed demo month, byte for byte as the payment run and the writers made them before the
run and the KTB writer were made faster (issue 12: the speed work must not change one byte of the output).

`data/demo_chumphae_2569-11_ktb.txt.gz` and `..._csv.txt.gz` were written by the code of commit 82629cd for
Chumphae's November 2569 run of the demo (fixed seed, fixed demo "today"). The CSV's reference column holds
the person's database id, which differs from database to database: it is compared with each id replaced by
the person's national ID, and the paying account (numbered by the organisation's id in the demo) is fixed."""

import datetime as dt
import gzip
import re
from pathlib import Path

import pytest

from muang.care import allowances
from muang.care.allowance_demo import load_demo_allowances
from muang.care.demo import load_demo_care
from muang.care.models import AllowancePayer, AllowanceRun, Person
from muang.core.access import SYSTEM
from muang.core.models import Organization

pytestmark = pytest.mark.django_db
DATA = Path(__file__).parent / "data"
RECORDED = {fmt: DATA / f"demo_chumphae_2569-11_{fmt}.txt.gz" for fmt in ("ktb", "csv")}


def demo_files() -> dict[str, bytes]:
    from muang.core.demo import load_demo

    load_demo()
    load_demo_care()
    load_demo_allowances()
    chumphae = Organization.objects.get(slug="chumphae")
    # The demo's paying account is numbered by the organisation's id, which differs from database to database.
    AllowancePayer.objects.filter(organization=chumphae).update(
        account_number="4120000001", company_id="MUANG00001"
    )
    run = AllowanceRun.objects.get(organization=chumphae, month=dt.date(2026, 11, 1))
    files = {fmt: allowances.bank_file(actor=SYSTEM, run=run, fmt=fmt)[0] for fmt in ("ktb", "csv")}
    ids = dict(Person.objects.filter(organization=chumphae).values_list("pk", "national_id"))
    files["csv"] = re.sub(
        rb"(\d{6})-(\d+)\r\n", lambda m: m[1] + b"-" + ids[int(m[2])].encode() + b"\r\n", files["csv"]
    )
    return files


def test_the_demo_months_bank_files_are_the_recorded_ones(areas):
    files = demo_files()
    assert files["ktb"].count(b"\r\n") > 100
    for fmt, path in RECORDED.items():
        assert files[fmt] == gzip.decompress(path.read_bytes()), fmt
