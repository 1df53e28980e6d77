import pytest
from django.core.management import CommandError, call_command

from muang.billing.models import BillStatus
from muang.billing.tests.factories import issue, muang_csv

pytestmark = pytest.mark.django_db


def test_import_bank_statement_command(org, tmp_path, capsys):
    bill = issue(org, "250.00")
    path = tmp_path / "ktb.csv"
    path.write_bytes(muang_csv([("2026-04-20", "10:00", bill.number, "2569", "250.00", "T1")]))
    call_command("import_bank_statement", org.slug, str(path))
    assert "250.00 baht applied" in capsys.readouterr().out
    bill.refresh_from_db()
    assert bill.status == BillStatus.PAID
    with pytest.raises(CommandError):
        call_command("import_bank_statement", org.slug, str(path))
