import pytest


@pytest.fixture(autouse=True)
def _ltc_rates(request):
    """The rates the migration seeded: a transactional test (here or in another app) flushes every table, so a
    database test puts them back first (idempotent)."""
    if request.node.get_closest_marker("django_db") is None and "db" not in request.fixturenames:
        return
    from muang.care.ltc_rates import RATES, seed
    from muang.care.models import LtcRate

    if LtcRate.objects.count() < len(RATES):
        seed(LtcRate)
