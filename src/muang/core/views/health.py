"""/healthz: the process answers. /readyz: it can do its job (database, migrations, background worker)."""

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from muang.core.selectors import worker_status
from muang.core.views.pages import public_page


@public_page("a load balancer's liveness probe: says only that the process answers")
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


def _check_database() -> tuple[bool, str]:
    try:
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute("select postgis_lib_version()")
            return True, f"PostGIS {cursor.fetchone()[0]}"
    except Exception as e:  # any failure means not ready; say which
        return False, f"{type(e).__name__}: {e}"


def _check_migrations() -> tuple[bool, str]:
    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return (not plan), ("all applied" if not plan else f"{len(plan)} unapplied")


@public_page("a load balancer's readiness probe: database, migrations and worker state, no data")
@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    checks = {}
    ok, detail = _check_database()
    checks["database"] = {"ok": ok, "detail": detail}
    if ok:
        for name, check in (("migrations", _check_migrations), ("worker", worker_status)):
            ok_, detail_ = check()
            checks[name] = {"ok": ok_, "detail": detail_}
    ready = all(c["ok"] for c in checks.values()) and len(checks) == 3
    body = {"status": "ready" if ready else "not ready", "checks": checks, "at": timezone.now().isoformat()}
    return JsonResponse(body, status=200 if ready else 503)
