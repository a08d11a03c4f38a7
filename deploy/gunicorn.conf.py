"""gunicorn settings for Veldwijzer behind nginx: ``gunicorn -c deploy/gunicorn.conf.py``.

Every instance is stateless (sessions, the outbox's dedupe claims and the change cursor live in
PostgreSQL), so nginx spreads requests over several instances without sticky sessions. The
knobs come from the environment (see deploy/veldwijzer.env.example); the WEBAPP_* variables
are read by the app itself.
"""
from __future__ import annotations

import multiprocessing
import os


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


wsgi_app = "webapp:create_app()"

# Loopback by default: only nginx talks to gunicorn. One instance per port (systemd's
# veldwijzer@PORT.service), nginx's upstream lists them all.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8001").split(",")

# Threads let a worker wait on PostgreSQL for one request while it serves another; processes
# give the CPU-bound work (templates, JSON, Argon2 at login) every core.
workers = _int("GUNICORN_WORKERS", min(2 * multiprocessing.cpu_count() + 1, 8))
worker_class = "gthread"
threads = _int("GUNICORN_THREADS", 4)

# A request that takes longer than this is killed and logged; nginx's proxy_read_timeout is a
# little longer, so the phone gets gunicorn's answer rather than nginx's 504.
timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = 15  # nginx keeps upstream connections open (keepalive in the upstream block)

# Trust X-Forwarded-Proto only from the nginx in front (the app's ProxyFix handles X-Forwarded-For).
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# A worker is replaced now and then, so a slow leak cannot grow without bound.
max_requests = _int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = 200

# The app is created in each worker, after the fork: no database connection is shared between
# processes.
preload_app = False
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
proc_name = "veldwijzer"

# gunicorn >= 24 opens a control socket in the home directory by default; several instances
# would fight over it, and systemd is how instances are controlled here.
control_socket_disable = True

# Logs go to stdout/stderr (the journal under systemd). The access log names the path without
# its query string (%(U)s, not the request line %(r)s) and no Referer: a query string could
# hold a postcode or a search term, and URLs are not the place for personal data anyway.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = '%(h)s %({x-forwarded-for}i)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'
