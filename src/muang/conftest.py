"""Shared pytest fixtures: the real PostGIS test database, a slice of the DOPA areas, API clients."""

import shutil
import tempfile
from pathlib import Path

import geothai
import pytest
from django.test import Client

from muang.core.models import District, Province, Subdistrict

AREA_DISTRICTS = ("4005", "4001", "1001")  # ชุมแพ, เมืองขอนแก่น, พระนคร


def load_area_slice() -> None:
    """All provinces, the districts of Khon Kaen and Bangkok, and the subdistricts of three districts: fast."""
    Province.objects.bulk_create(
        [Province(code=p.code, name_th=p.name_th, name_en=p.name_en) for p in geothai.provinces()],
        ignore_conflicts=True,
    )
    District.objects.bulk_create(
        [
            District(code=d.code, name_th=d.name_th, name_en=d.name_en, province_id=d.province_code)
            for p in ("40", "10")
            for d in geothai.districts(p)
        ],
        ignore_conflicts=True,
    )
    Subdistrict.objects.bulk_create(
        [
            Subdistrict(
                code=s.code,
                name_th=s.name_th,
                name_en=s.name_en,
                district_id=s.district_code,
                postal_codes=list(s.postal_codes),
            )
            for d in AREA_DISTRICTS
            for s in geothai.subdistricts(d)
        ],
        ignore_conflicts=True,
    )


@pytest.fixture
def areas(db):
    load_area_slice()


@pytest.fixture(scope="session")
def _data_dir():
    """A data directory of this test process's own under the real one (MUANG_DATA): the demo loader writes its
    simulator credentials there and the MQTT tests their brokers' files, so parallel workers (pytest-xdist) never
    share a file, and the developer's own .data/iot-demo.json is never overwritten. Readable by the mosquitto
    user the broker drops to (pytest's tmp_path is not)."""
    from django.conf import settings

    base = Path(settings.DATA_DIR)
    base.mkdir(parents=True, exist_ok=True)
    directory = Path(tempfile.mkdtemp(prefix="pytest-", dir=base))
    directory.chmod(0o755)
    yield directory
    shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path, _data_dir):
    settings.DATA_DIR = _data_dir
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MUANG_PRIVATE_ROOT = tmp_path / "private"
    settings.MUANG_DEMO_REPORTS = 40  # the demo's shape, not its size
    settings.MUANG_DEMO_PARCELS = 60


@pytest.fixture(autouse=True)
def _domain_tests_in_english(request, settings):
    """Domain tests assert the English source messages (stable while the Thai wording is refined); the core
    tests check the Thai-first behaviour itself (default language, switch, Thai error messages)."""
    if "/muang/core/" not in str(request.node.path):
        settings.LANGUAGE_CODE = "en"


# National data rows that migrations seed (model, its seed function): a transactional test in any app flushes
# every table, so a database test puts them back first (idempotent, one count query each when present).
MIGRATION_DATA = (
    ("environment.AqiBand", "muang.environment.notice_2566.seed"),
    ("care.LtcRate", "muang.care.ltc_rates.seed"),
    ("care.AllowanceRate", "muang.care.allowance_rates.seed"),
)


@pytest.fixture(autouse=True)
def _migration_data(request):
    asked = [f for f in ("transactional_db", "db") if f in request.fixturenames]
    if request.node.get_closest_marker("django_db") is None and not asked:
        return
    if asked:
        request.getfixturevalue(asked[0])  # set the database up now, not after this autouse fixture
    from django.apps import apps
    from django.utils.module_loading import import_string

    for label, seed in MIGRATION_DATA:
        model = apps.get_model(label)
        if not model.objects.exists():
            import_string(seed)(model)


@pytest.fixture
def api_client() -> Client:
    return Client(enforce_csrf_checks=True)


MANIFEST_STORAGE = {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"}


@pytest.fixture(scope="session")
def _hashed_static_root(tmp_path_factory):
    """The static files collected once per run as a deployment collects them: names with a content hash."""
    from django.conf import settings
    from django.core.management import call_command
    from django.test import override_settings

    root = tmp_path_factory.mktemp("static")
    with override_settings(STATIC_ROOT=root, STORAGES={**settings.STORAGES, "staticfiles": MANIFEST_STORAGE}):
        call_command("collectstatic", interactive=False, verbosity=0)
    return root


@pytest.fixture
def hashed_static(settings, _hashed_static_root):
    """Pages link static files by their hashed names, as in production (whitenoise's manifest storage; the
    tests otherwise use plain names). The live server finds the hashed copies through STATICFILES_DIRS."""
    settings.STATIC_ROOT = _hashed_static_root
    settings.STORAGES = {**settings.STORAGES, "staticfiles": MANIFEST_STORAGE}
    settings.STATICFILES_DIRS = [*settings.STATICFILES_DIRS, str(_hashed_static_root)]
    return _hashed_static_root


@pytest.fixture
def sms_gateway(settings):
    """The SMS gateway's stand-in (muang.testing.sms_server) as the site's gateway: messages go out through the
    outbox and the adapter as in use, and `.requests` holds the forms it got (the one-time codes among them)."""
    from muang.testing.sms_server import start_fake_sms

    state, server = start_fake_sms()
    settings.MUANG_SMS_API_BASE = state.url
    settings.MUANG_SMS_API_KEY, settings.MUANG_SMS_API_SECRET = "key", "secret"
    yield state
    server.shutdown()
