"""Lighthouse scores (performance, accessibility, best practices) of the main screens.

    make bench-lighthouse          # installs Lighthouse into bench/lighthouse/ first (npm ci)
    .venv/bin/python bench/lighthouse.py [--out reports/lighthouse.md]

Serves the app with the demo data on 127.0.0.1 (in this process), compressing text answers
with gzip level 6 as the shipped nginx does, logs in per role and hands Lighthouse the session
cookie (--extra-headers). Lighthouse (npm, pinned in bench/lighthouse/package.json) drives
Debian's Chromium (CHROME_PATH) headless with its mobile defaults: a phone screen, simulated
slow 4G and 4x CPU slowdown. Writes a Markdown table to --out and prints it; the JSON reports
stay in a temp folder. Not part of `make test`: a run takes a few minutes.
"""
from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import logging
import os
import platform
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
LIGHTHOUSE = ROOT / "bench" / "lighthouse" / "node_modules" / ".bin" / "lighthouse"
PASSWORD = "bench-wachtwoord"
CATEGORIES = ("performance", "accessibility", "best-practices")
COMPRESSIBLE = ("text/", "application/javascript", "application/json", "application/manifest+json", "image/svg+xml")

SCREENS = [
    ("login", None, "/login"),
    ("home", "demo-hulpverlener", "/"),
    ("stappenplan", "demo-hulpverlener", "/stappenplan/"),
    ("uitkomst: bel 112", "demo-hulpverlener", "/stappenplan/politie-inschakelen/bel-112"),
    ("112-belkaart", "demo-hulpverlener", "/stappenplan/belkaart"),
    ("contacten", "demo-hulpverlener", "/contacten/"),
    ("cliënten", "demo-hulpverlener", "/clienten/"),
    ("cliënt: Sam de Vries", "demo-hulpverlener", "client:Sam de Vries"),
    ("notities", "demo-hulpverlener", "/notities/"),
    ("AOP opzoeken (wijkagent)", "demo-wijkagent", "/aop/"),
]


def gzip_like_nginx(wsgi_app):
    """gzip level 6 for text answers when the browser accepts it (deploy/nginx/veldwijzer.conf)."""

    def middleware(environ, start_response):
        if "gzip" not in environ.get("HTTP_ACCEPT_ENCODING", ""):
            return wsgi_app(environ, start_response)
        captured = {}

        def capture(status, headers, exc_info=None):
            captured["status"], captured["headers"] = status, headers
            return lambda data: None

        body = b"".join(wsgi_app(environ, capture))
        headers = captured["headers"]
        kind = next((v for k, v in headers if k.lower() == "content-type"), "")
        if len(body) >= 256 and kind.startswith(COMPRESSIBLE):
            body = gzip.compress(body, compresslevel=6)
            headers = [(k, v) for k, v in headers if k.lower() != "content-length"]
            headers += [("Content-Encoding", "gzip"), ("Content-Length", str(len(body))), ("Vary", "Accept-Encoding")]
        start_response(captured["status"], headers)
        return [body]

    return middleware


def session_cookie(app, username: str) -> str:
    from tests.conftest import csrf_token_from

    client = app.test_client()
    token = csrf_token_from(client.get("/login").text)
    assert client.post("/login", data={"username": username, "password": PASSWORD, "csrf_token": token}).status_code == 302
    cookie = client.get_cookie("session")
    return f"session={cookie.value}"


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    mem = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal"))
    return f"{os.cpu_count()} CPUs ({cpu}), {mem / 1024 / 1024:.0f} GiB RAM"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default=str(ROOT / "reports" / "lighthouse.md"))
    args = parser.parse_args()
    if not LIGHTHOUSE.exists():
        raise SystemExit("Lighthouse is not installed: run `make bench-lighthouse` (npm ci --prefix bench/lighthouse)")

    from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, LiveServer
    from tests.pg import free_port

    sys.path.insert(0, str(ROOT / "bench"))
    from dial_ready import live_app

    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    work = Path(tempfile.mkdtemp(prefix="vw-lighthouse-"))
    app = live_app(work)
    with app.app_context():
        from webapp.clients.models import Client
        from webapp.db import db

        clients = {c.name: c.public_id for c in db.session.scalars(db.select(Client))}
    cookies = {user: session_cookie(app, user) for user in {u for _, u, _ in SCREENS if u}}
    app.wsgi_app = gzip_like_nginx(app.wsgi_app)
    server = LiveServer(app, free_port())
    server.start()
    version = subprocess.run([str(LIGHTHOUSE), "--version"], capture_output=True, text=True).stdout.strip()
    rows = []
    try:
        for name, user, path in SCREENS:
            if path.startswith("client:"):
                path = f"/clienten/{clients[path.split(':', 1)[1]]}"
            report = work / f"{re.sub(r'[^a-z0-9]+', '-', name.lower())}.json"
            command = [str(LIGHTHOUSE), server.url + path, "--quiet", "--output=json", f"--output-path={report}",
                       f"--only-categories={','.join(CATEGORIES)}", "--max-wait-for-load=60000",
                       "--chrome-flags=" + " ".join(["--headless=new", *CHROMIUM_ARGS])]
            if user:
                command.append("--extra-headers=" + json.dumps({"Cookie": cookies[user]}))
            result = subprocess.run(command, env={**os.environ, "CHROME_PATH": CHROMIUM}, capture_output=True, text=True)
            if result.returncode != 0 or not report.exists():
                rows.append((name, path, None, result.stderr.strip().splitlines()[-1:]))
                continue
            data = json.loads(report.read_text())
            scores = {c: round(data["categories"][c]["score"] * 100) for c in CATEGORIES}
            failing = [a["id"] for c in ("accessibility", "best-practices") for ref in data["categories"][c]["auditRefs"]
                       if (a := data["audits"][ref["id"]])["score"] is not None and a["score"] < 1 and ref["weight"] > 0]
            metrics = {k: data["audits"][k]["numericValue"] for k in ("first-contentful-paint", "largest-contentful-paint")}
            rows.append((name, path, scores, failing, metrics))
            print(f"{name}: {scores}", flush=True)
    finally:
        server.stop()

    lines = [f"# Lighthouse: Veldwijzer's main screens", "",
             f"Lighthouse {version}, Debian's Chromium (`{CHROMIUM}`) headless, mobile defaults (simulated slow 4G, "
             f"4x CPU slowdown); the app served on 127.0.0.1 with gzip level 6 like the shipped nginx, demo data. "
             f"Run {dt.date.today().isoformat()} on {machine()} by `bench/lighthouse.py`.", "",
             "| screen | performance | accessibility | best practices | FCP ms | LCP ms | audits not passed |",
             "|---|---:|---:|---:|---:|---:|---|"]
    for row in rows:
        if row[2] is None:
            lines.append(f"| {row[0]} | failed: {' '.join(row[3])} | | | | | |")
            continue
        name, path, scores, failing, metrics = row
        lines.append(f"| {name} (`{path.split('/clienten/')[0] + '/clienten/…' if '/clienten/' in path and len(path) > 12 else path}`) "
                     f"| {scores['performance']} | {scores['accessibility']} | {scores['best-practices']} "
                     f"| {metrics['first-contentful-paint']:.0f} | {metrics['largest-contentful-paint']:.0f} "
                     f"| {', '.join(failing) or '–'} |")
    text = "\n".join(lines) + "\n"
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(text)
    print(text)


if __name__ == "__main__":
    main()
