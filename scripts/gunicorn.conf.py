"""Gunicorn for a small box (issue 11): what `make run` (scripts/run.sh) and bench/bench_memory.py start.

* `preload_app`: the master imports Django and every app once; the workers are forked from it and share those
  pages (copy-on-write) instead of each importing its own copy.
* Workers: one per core (at least 2, so one slow request never stalls the site), each with threads for the
  requests that wait on PostgreSQL; MUANG_WEB_WORKERS / MUANG_WEB_THREADS override.
* `max_requests` with jitter: every worker is replaced after about that many requests (not all at once), so
  memory a worker gathers (fragmentation, caches of rarely used pages) is given back.
* `when_ready` (in the master, after the preload, before the first fork) builds what every worker would
  otherwise build for itself on its first requests: the URL resolver with every view module, the reverse
  lookup tables and the th/en translation catalogues; then `gc.freeze()` moves all those objects out of the
  collector's reach, so a worker's garbage collections do not write to their pages and copy-on-write keeps them
  shared between the workers (`muang.core.process.settle`, which the background worker calls too).
Heavy libraries (scikit-learn and PyThaiNLP, line-bot-sdk, openpyxl, rdflib, WeasyPrint) are imported where they
are used, so preloading does not load them into every worker (src/muang/core/tests/test_preload_imports.py).
"""

import os

cores = os.cpu_count() or 1
workers = int(os.environ.get("MUANG_WEB_WORKERS") or max(2, cores))
threads = int(os.environ.get("MUANG_WEB_THREADS") or 4)
worker_class = "gthread"
preload_app = True
max_requests = int(os.environ.get("MUANG_WEB_MAX_REQUESTS") or 2000)
max_requests_jitter = max(1, max_requests // 10)
timeout = 60


def when_ready(server):
    """In the master, after the application is preloaded and before the first worker is forked."""
    from muang.core.process import settle

    frozen = settle()
    server.log.info("warmed the URLconf, views and translations; %d objects frozen", frozen)


def post_fork(server, worker):
    """A worker never uses a database connection the master might have opened while importing."""
    from django.db import connections

    connections.close_all()
