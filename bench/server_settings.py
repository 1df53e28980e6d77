"""Settings of the gunicorn that the benchmarks start: the project's own, plus a bench-only URLconf that adds
an empty view (never reachable in a normal deployment: nothing else imports this module)."""

from muang.settings import *  # noqa: F403

ROOT_URLCONF = "server_urls"

# Static file URLs without the manifest of `collectstatic`, which the shared checkout may not have refreshed:
# the benchmarks measure the application, not how whitenoise serves files.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
