"""Issue 11: gunicorn preloads the application (scripts/gunicorn.conf.py), so whatever the URLconf imports is in
every web worker. Heavy libraries are imported where they are used: loading the WSGI application and every view
module must not import them. Run in a fresh interpreter, so the imports of other tests do not leak in."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[4]

HEAVY = [
    "openpyxl",  # spreadsheets: the exports and imports
    "rdflib",  # the open data catalogue in DCAT-AP
    "weasyprint",  # PDFs: Pango and fonts
    "sklearn",  # the report classifier
    "pythainlp",  # the classifier's tokenizer, bahttext on tax notices
    "linebot",  # the LINE SDK
]

SCRIPT = """
import json, sys
import django
django.setup()
from muang.wsgi import application
from django.urls import get_resolver, URLResolver


def walk(patterns):
    for p in patterns:
        if isinstance(p, URLResolver):
            walk(p.url_patterns)
        else:
            p.callback


walk(get_resolver().url_patterns)
print(json.dumps(sorted({name.split(".")[0] for name in sys.modules})))
"""


def test_the_web_path_imports_no_heavy_library():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "muang.settings",
        "PYTHONPATH": str(ROOT / "src"),
    }
    result = subprocess.run(  # noqa: S603  (this interpreter, a fixed script)
        [sys.executable, "-c", SCRIPT], env=env, cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    loaded = set(json.loads(result.stdout.strip().splitlines()[-1]))
    assert "muang" in loaded and "django" in loaded
    assert [name for name in HEAVY if name in loaded] == []


WARM = """
import json, runpy, sys, types
import django
django.setup()
from muang.wsgi import application
from django.utils.translation import trans_real

conf = runpy.run_path(sys.argv[1])
assert conf["preload_app"] and conf["max_requests"] > 0 and conf["max_requests_jitter"] > 0
log = types.SimpleNamespace(info=lambda *args: None)
conf["when_ready"](types.SimpleNamespace(log=log))
print(json.dumps({"frozen": __import__("gc").get_freeze_count(), "languages": sorted(trans_real._translations)}))
"""


def test_the_gunicorn_master_warms_what_the_workers_share_and_freezes_it():
    """scripts/gunicorn.conf.py: before forking, the master builds the URLconf, imports the views and loads the
    th/en catalogues, then gc.freeze() keeps the workers' collections off those shared pages."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "muang.settings",
        "PYTHONPATH": str(ROOT / "src"),
    }
    result = subprocess.run(  # noqa: S603  (this interpreter, a fixed script)
        [sys.executable, "-c", WARM, str(ROOT / "scripts" / "gunicorn.conf.py")],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    state = json.loads(result.stdout.strip().splitlines()[-1])
    assert state["frozen"] > 10_000
    assert {"th", "en"} <= set(state["languages"])
