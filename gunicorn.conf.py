"""gunicorn settings for `make serve` (`gunicorn -c gunicorn.conf.py`), from the environment.

WEB_CONCURRENCY   worker processes (default 2 x CPUs + 1, at most 8)
GUNICORN_THREADS  threads per worker (default 4; gthread worker when above 1)
BIND              address to listen on (default 127.0.0.1:$PORT, PORT default 8000)
GUNICORN_PRELOAD  1 = import the app once in the master before forking (faster start,
                  less memory); each worker then drops the connections it inherited.
GUNICORN_ACCESS_LOG / GUNICORN_ERROR_LOG  "-" (default) = stdout / stderr, or a file path.
"""
from __future__ import annotations

import multiprocessing
import os

wsgi_app = "app:create_app()"

bind = os.environ.get("BIND") or f"127.0.0.1:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY") or min(2 * multiprocessing.cpu_count() + 1, 8))
threads = int(os.environ.get("GUNICORN_THREADS") or 4)
worker_class = "gthread" if threads > 1 else "sync"
preload_app = os.environ.get("GUNICORN_PRELOAD", "0").lower() in {"1", "true", "yes", "on"}

timeout = int(os.environ.get("GUNICORN_TIMEOUT") or 30)
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so a slow leak can never take a host down.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS") or 2000)
max_requests_jitter = 200

accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = os.environ.get("GUNICORN_ERROR_LOG", "-")
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# The client address as the proxy saw it, then the usual combined-log fields.
access_log_format = '%({x-forwarded-for}i)s %(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s %(L)ss'

# X-Forwarded-* are trusted in one place only: the app (TRUSTED_PROXIES, werkzeug ProxyFix).
# gunicorn's own default would believe X-Forwarded-Proto from any local client.
forwarded_allow_ips = ""


def post_fork(server, worker):
    """A database connection must never be shared by two processes. With preload the master
    built the app (and its engine pool) before forking; the child forgets those connections
    without closing them, so the parent's sockets stay intact (SQLAlchemy's pooling docs,
    "Using Connection Pools with Multiprocessing")."""
    if not preload_app:
        return
    application = getattr(server.app, "callable", None)
    if application is None or not hasattr(application, "app_context"):
        return
    from extensions import db

    with application.app_context():
        db.engine.dispose(close=False)
    worker.log.debug("worker %s: inherited database pool discarded", worker.pid)
