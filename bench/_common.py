"""Shared helpers for the benchmarks: a throwaway app on SQLite (or WEBAPP_BENCH_DATABASE_URL)."""
from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def make_app(url: str | None = None):
    from flask_migrate import upgrade

    from webapp import create_app
    from webapp.config import normalise_database_url

    url = normalise_database_url(url or os.environ.get("WEBAPP_BENCH_DATABASE_URL")
                                 or f"sqlite:///{tempfile.mkdtemp(prefix='vw-bench-')}/bench.sqlite")
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "DEMO_PASSWORD": "bench-wachtwoord",
                      "PASSWORD_HASH_PROFILE": "cheapest", "WTF_CSRF_ENABLED": False,
                      # A benchmark sends more requests per minute than a phone may; it measures the work.
                      "RATELIMIT_ENABLED": False})
    with app.app_context():
        upgrade()
    return app


def timed(fn, runs: int) -> list[float]:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return samples


def summary(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[max(0, int(len(ordered) * 0.95) - 1)]
