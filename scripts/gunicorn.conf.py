"""Gunicorn for a small box (issue 11): what `make run` (scripts/run.sh) and bench/bench_memory.py start.

* `preload_app`: the master imports Django and every app once; the workers are forked from it and share those
  pages (copy-on-write) instead of each importing its own copy.
* Workers: one per core (at least 2, so one slow request never stalls the site), each with threads for the
  requests that wait on PostgreSQL; MUANG_WEB_WORKERS / MUANG_WEB_THREADS override.
* `max_requests` with jitter: every worker is replaced after about that many requests (not all at once), so
  memory a worker gathers (fragmentation, caches of rarely used pages) is given back.
Heavy libraries (scikit-learn and PyThaiNLP, line-bot-sdk, openpyxl, WeasyPrint) are imported where they are
used, so preloading does not load them into every worker.
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


def post_fork(server, worker):
    """A worker never uses a database connection the master might have opened while importing."""
    from django.db import connections

    connections.close_all()
