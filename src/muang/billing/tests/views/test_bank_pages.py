"""Bank reconciliation pages: upload, the import's report, resolving the lines it left, past imports."""

import datetime as dt
import re
from decimal import Decimal as D

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from muang.billing.models import BankStatementImport, BankStatementLine, LineResolution, Payment, Refund
from muang.billing.tests.factories import issue, muang_csv

pytestmark = pytest.mark.django_db


def upload(client, data: bytes, bank_format: str = "muang", name: str = "ktb.csv"):
    return client.post(
        "/billing/bank/", {"bank_format": bank_format, "file": SimpleUploadedFile(name, data, "text/csv")}
    )


def summary_cell(page: str, status: str) -> tuple[str, str]:
    row = re.search(
        rf'data-status="{status}"><td>[^<]*</td><td class="num">(\d+)</td><td class="num">([\d,.]+)<', page
    )
    assert row, status
    return row.group(1), row.group(2)


def test_upload_report_and_resolution(org, cashier, login):
    exact = issue(org, "1000.00", due_date=dt.date(2026, 12, 31))
    short = issue(org, "2000.00", due_date=dt.date(2026, 12, 31))
    client = login(cashier)
    data = muang_csv(
        [
            ("2026-04-20", "10:00", exact.number, "2569", "1000.00", "T1"),
            ("2026-04-20", "10:05", short.number, "2569", "500.00", "T2"),
            ("2026-04-20", "10:06", "NOSUCHBILL", "2569", "75.50", "T3"),
            ("2026-04-20", "10:07", exact.number, "2569", "1000.00", "T1"),
        ]
    )
    response = upload(client, data)
    statement = BankStatementImport.objects.get()
    assert response.status_code == 302 and response.url == f"/billing/bank/{statement.pk}/"
    page = client.get(response.url).content.decode()
    assert summary_cell(page, "matched") == ("1", "1,000.00")
    assert summary_cell(page, "partial") == ("1", "500.00")
    assert summary_cell(page, "unmatched") == ("1", "75.50")
    assert summary_cell(page, "duplicate") == ("1", "1,000.00")
    assert "Lines needing attention: 3" in page
    for line_no in (3, 4, 5):
        assert f'id="line-{line_no}"' in page
    # the list of statements names each file's format as people read it, in the page's language
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "th"
    listing = client.get("/billing/bank/")
    assert "ไฟล์ CSV แบบของ Muang" in listing.content.decode()
    assert '<span class="muted">muang</span>' not in listing.content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    # The unmatched line really paid the short bill: apply it there.
    response = client.post(
        f"/billing/bank/{statement.pk}/lines/4/resolve",
        {"l4-action": "apply", "l4-bill_number": short.number.lower(), "l4-note": "ผู้ชำระใส่ Ref1 ผิด"},
    )
    assert response.status_code == 302
    line = BankStatementLine.objects.get(statement=statement, line_no=4)
    assert line.resolution == LineResolution.APPLIED and line.bill == short
    assert Payment.objects.get(bank_line=line).amount == D("75.50")

    # A duplicate cannot be applied: the error stays on its line, nothing is written.
    response = client.post(f"/billing/bank/{statement.pk}/lines/5/resolve", {"l5-action": "apply"})
    assert response.status_code == 422
    assert "A duplicate line cannot be applied again" in response.content.decode()
    assert not BankStatementLine.objects.get(statement=statement, line_no=5).resolution

    # Rejecting needs a reason.
    response = client.post(f"/billing/bank/{statement.pk}/lines/5/resolve", {"l5-action": "reject"})
    assert response.status_code == 422 and "Say why the line is rejected." in response.content.decode()
    response = client.post(
        f"/billing/bank/{statement.pk}/lines/5/resolve", {"l5-action": "refund", "l5-note": "โอนซ้ำ"}
    )
    assert response.status_code == 302
    assert Refund.objects.get(bank_line__line_no=5).amount == D("1000.00")

    page = client.get(f"/billing/bank/{statement.pk}/").content.decode()
    assert "Lines needing attention: 1" in page and 'id="resolved"' in page
    listing = client.get("/billing/bank/").content.decode()
    assert "ktb.csv" in listing and "1,000.00" in listing


def test_a_malformed_file_is_refused_whole_with_its_rows_named(org, cashier, login):
    bill = issue(org, "1000.00")
    data = muang_csv([("2026-04-20", "10:00", bill.number, "2569", "1000.00", "T1")]) + (
        b"2026-13-40,10:00,X,2569,10.00,a,ATM,1,T2\n2026-04-20,10:00,X,2569,ten,a,ATM,1,T3\n"
    )
    response = upload(login(cashier), data)
    assert response.status_code == 422
    page = response.content.decode()
    assert "2 rows of the file cannot be read; nothing was imported." in page
    assert (
        "line 3: Unreadable date or time" in page and "line 4: The amount “ten” is not a positive sum" in page
    )
    assert not BankStatementImport.objects.exists() and not Payment.objects.exists()


@pytest.mark.parametrize(
    ("data", "bank_format", "message"),
    [
        (b"foo,bar\n1,2\n", "muang", "Not a “Muang CSV” file: no column for"),
        (
            b"date,time,ref1,ref2,amount,payer_name,channel,branch,transaction_id\n",
            "muang",
            "no payment lines",
        ),
        (b"\xff\xfe\x00garbage", "muang", "not in a text encoding"),
        (b"x", "nosuchbank", "Select a valid choice"),
    ],
)
def test_other_bad_files(org, cashier, login, data, bank_format, message):
    response = upload(login(cashier), data, bank_format)
    assert response.status_code == 422 and message in response.content.decode()
    assert not BankStatementImport.objects.exists()


def test_the_same_file_twice_is_refused(org, cashier, login):
    bill = issue(org, "1000.00")
    data = muang_csv([("2026-04-20", "10:00", bill.number, "2569", "1000.00", "T1")])
    client = login(cashier)
    assert upload(client, data).status_code == 302
    response = upload(client, data)
    assert response.status_code == 422 and "This file was already imported" in response.content.decode()
    assert BankStatementImport.objects.count() == 1 and Payment.objects.count() == 1


def test_an_empty_upload_is_a_form_error(org, cashier, login):
    response = upload(login(cashier), b"")
    assert response.status_code == 422 and "The submitted file is empty." in response.content.decode()
