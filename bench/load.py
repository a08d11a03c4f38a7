"""Load: 200 simulated users against gunicorn on loopback, with the shipped deploy/gunicorn.conf.py.

    .venv/bin/python bench/load.py [--users 200] [--duration 60] [--think 5] [--ramp 60]

Sets up what production has: a PostgreSQL server (throwaway, as tests/pg.py starts it), the
database made by deploy/postgres/setup.sh and deploy/migrate.sh, the app logged in as the
least-privileged role, gunicorn in production mode with the shipped config, and the headers
nginx sends. Users: 3 of 4 are hulpverleners of the demo team (contact searches, a client's
page, sync pushes of a note), 1 of 4 wijkagenten (contact searches, AOP lookups). Each logs in
once during the ramp (a real Argon2id verify and a two-factor code; the login rows are listed last), then, when all
are in, works with a random think time (exponential, mean --think s) until the time is up.
Prints median and p99 latency and the error rate per endpoint, next to the throughput of
/healthz on the same server (closed loop, measured first) and to each request's latency when
it is sent alone (one user, one at a time). With the default think time of 5 s, 200 users
ask ~40 requests/s; --think 1 asks ~190/s, more than two cores can render, and shows how the
server queues. The load generator runs on the same machine and takes CPU too; it speaks
HTTP/1.1 with keep-alive itself (a few lines of asyncio), because a general client library
(httpx) took more CPU than the server and so measured itself.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import statistics
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

PASSWORD = "bench-wachtwoord-lang"
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
SITE = "veldwijzer.test"
QUERIES = ["cri", "jansen", "wijkagent domstad", "3512", "visser", "veilig thuis", "opco"]
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def setup(users: int):
    """PostgreSQL, roles, schema, demo data and the simulated users. Returns (server, app URL, Sam's id)."""
    from argon2 import PasswordHasher
    from sqlalchemy import select, update

    from tests.deploy_support import load_demo, provision
    from tests.pg import PostgresServer

    server = PostgresServer()
    server.start()
    owner_url, app_url = provision(server, "veldwijzer_load")
    load_demo(owner_url, PASSWORD)

    from tests.conftest import app_config
    from webapp import create_app
    from webapp.auth.models import Role, User
    from webapp.auth.services import create_user
    from webapp.clients.models import Client
    from webapp.db import db, utcnow
    from webapp.organisations.models import Organisation

    app = create_app(app_config(owner_url))
    with app.app_context():
        team = db.session.scalar(select(Organisation).where(Organisation.name == "FACT-team Domstad-Centrum"))
        police = db.session.scalar(select(Organisation).where(Organisation.name == "Basisteam Domstad-Centrum"))
        for i in range(users):
            care = i % 4 != 3
            create_user(username=f"load-{'ggz' if care else 'politie'}-{i}", display_name=f"Load {i}",
                        role=Role.HULPVERLENER if care else Role.WIJKAGENT, organisation=team if care else police,
                        password=PASSWORD)
        # Two more for the one-at-a-time figures (a two-factor code is accepted once per user).
        create_user(username="load-ggz-alone", display_name="Load alone", role=Role.HULPVERLENER, organisation=team,
                    password=PASSWORD)
        create_user(username="load-politie-alone", display_name="Load alone", role=Role.WIJKAGENT,
                    organisation=police, password=PASSWORD)
        # Every login verifies a production-strength Argon2id hash (the same one for all: the
        # cost is in verifying it, and hashing 200 would only slow the setup down), then a
        # two-factor code, which production requires.
        db.session.execute(update(User).where(User.username.like("load-%"))
                           .values(password_hash=PasswordHasher().hash(PASSWORD), totp_secret=TOTP_SECRET,
                                   totp_enabled_at=utcnow()))
        sam = db.session.scalar(select(Client).where(Client.name == "Sam de Vries")).public_id
        db.session.commit()
        db.engine.dispose()
    return server, app_url, sam


class Connection:
    """One keep-alive HTTP/1.1 connection, as a browser (or nginx's upstream keepalive) holds it."""

    def __init__(self, port: int):
        self.port = port
        self.reader = self.writer = None

    def close(self):
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None

    async def request(self, method: str, path: str, headers: dict, body: bytes = b""):
        for attempt in (1, 2):
            reused = self.writer is not None
            if not reused:
                self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
            head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
            self.writer.write(f"{method} {path} HTTP/1.1\r\n{head}Content-Length: {len(body)}\r\n\r\n".encode() + body)
            try:
                await self.writer.drain()
                status_line = await self.reader.readuntil(b"\r\n")
            except (ConnectionError, asyncio.IncompleteReadError):
                # A kept-alive connection the server had just closed (a worker recycled): the
                # request never arrived, so it is sent again on a new one, as browsers do.
                self.close()
                if reused and attempt == 1:
                    continue
                raise
            lines = (await self.reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
            response_headers = [tuple(part.strip() for part in line.split(":", 1)) for line in lines if ":" in line]
            lookup = {k.lower(): v for k, v in response_headers}
            data = await self.reader.readexactly(int(lookup.get("content-length", "0")))
            if lookup.get("connection", "").lower() == "close":
                self.close()
            return int(status_line.split()[1]), response_headers, data


class User:
    def __init__(self, port: int, username: str, address: str = "198.51.100.1"):
        self.username = username
        self.address = address  # its own address: the login throttle counts per address
        self.cookies: dict[str, str] = {}
        self.connection = Connection(port)

    async def request(self, stats, endpoint, method, path, expect, form=None, json_body=None, headers=None):
        all_headers = {"Host": SITE, "X-Forwarded-Proto": "https", "X-Forwarded-For": self.address,
                       "Referer": f"https://{SITE}/", **(headers or {})}
        body = b""
        if form is not None:
            body = urlencode(form).encode()
            all_headers["Content-Type"] = "application/x-www-form-urlencoded"
        elif json_body is not None:
            body = json.dumps(json_body).encode()
            all_headers["Content-Type"] = "application/json"
        if self.cookies:
            all_headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        start = time.perf_counter()
        try:
            status, response_headers, data = await self.connection.request(method, path, all_headers, body)
            ok = status == expect
        except (OSError, asyncio.IncompleteReadError):
            response_headers, data, ok = [], b"", False
        stats[endpoint].append((time.perf_counter() - start, ok))
        for name, value in response_headers:
            if name.lower() == "set-cookie":
                for cookie, morsel in SimpleCookie(value).items():
                    self.cookies[cookie] = morsel.value
        return data if ok else None


class Phases:
    """Logins first (spread over the ramp, each a deliberately slow Argon2id verify), then the
    work, which starts when every user is in: the table shows all users at work, not a login storm."""

    def __init__(self, users: int, duration: float):
        self.waiting, self.duration = users, duration
        self.all_in = asyncio.Event()
        self.login_done = self.deadline = None

    def arrived(self):
        self.waiting -= 1
        if self.waiting == 0:
            self.login_done = time.monotonic()
            self.deadline = self.login_done + self.duration
            self.all_in.set()


async def log_in(user: User, stats) -> str | None:
    page = await user.request(stats, "GET /login", "GET", "/login", 200)
    if page is None:
        return None
    login = await user.request(stats, "POST /login", "POST", "/login", 302, form={
        "username": user.username, "password": PASSWORD, "csrf_token": CSRF.search(page.decode()).group(1)})
    if login is None:
        return None
    form = await user.request(stats, "GET /login/code", "GET", "/login/code", 200)
    if form is None:
        return None
    import pyotp

    done = await user.request(stats, "POST /login/code", "POST", "/login/code", 302, form={
        "code": pyotp.TOTP(TOTP_SECRET).now(), "csrf_token": CSRF.search(form.decode()).group(1)})
    if done is None:
        return None
    session = await user.request(stats, "GET /api/v1/session", "GET", "/api/v1/session", 200)
    return json.loads(session)["csrf_token"] if session is not None else None


async def simulate(user: User, sam: str, stats, phases: Phases, ramp: float, think: float, rng: random.Random):
    await asyncio.sleep(rng.uniform(0, ramp))
    try:
        token = await log_in(user, stats)
    finally:
        phases.arrived()
    await phases.all_in.wait()
    if token is None:
        return
    care = "-ggz-" in user.username
    device = str(uuid.uuid4())
    deadline = phases.deadline
    while time.monotonic() < deadline:
        await asyncio.sleep(rng.expovariate(1 / think))
        if time.monotonic() >= deadline:
            break
        roll = rng.random()
        if roll < 0.45:
            await act("search", user, stats, sam, token, device, rng)
        elif care and roll < 0.75:
            await act("client", user, stats, sam, token, device, rng)
        elif care:
            await act("push", user, stats, sam, token, device, rng)
        else:
            await act("lookup", user, stats, sam, token, device, rng)


async def act(what: str, user: User, stats, sam: str, token: str, device: str, rng: random.Random):
    if what == "search":
        await user.request(stats, "GET /contacten/?q=", "GET", "/contacten/?" + urlencode({"q": rng.choice(QUERIES)}), 200)
    elif what == "client":
        await user.request(stats, "GET /clienten/<id>", "GET", f"/clienten/{sam}", 200)
    elif what == "push":
        from sync.protocol import content_hash

        mutation = {"id": str(uuid.uuid4()), "type": "note.create", "schema_version": 1,
                    "device_time": "2026-11-23T14:05:00.000Z",
                    "payload": {"client_id": sam, "kind": "observatie", "text": "Huisbezoek, rustig gesprek.",
                                "written_at": "2026-11-23T14:05:00.000Z"}}
        mutation["hash"] = content_hash(mutation)
        await user.request(stats, "POST /api/v1/sync/push", "POST", "/api/v1/sync/push", 200,
                           headers={"X-CSRFToken": token},
                           json_body={"schema_version": 1, "device_id": device, "mutations": [mutation]})
    else:
        await user.request(stats, "POST /aop/ (lookup)", "POST", "/aop/", 200, form={
            "name": "Sam de Vries", "date_of_birth": "1985-03-12", "reason": "melding onrustige situatie",
            "csrf_token": token})


async def alone(port: int, sam: str, runs: int = 20):
    """Each request one at a time, by one user: what it costs without queueing."""
    stats = defaultdict(list)
    rng = random.Random(3)
    for username, actions in (("load-ggz-alone", ("search", "client", "push")), ("load-politie-alone", ("lookup",))):
        user = User(port, username, "203.0.113.1")
        token = await log_in(user, defaultdict(list))
        for what in actions:
            for _ in range(runs):
                await act(what, user, stats, sam, token, "alone-" + username, rng)
        user.connection.close()
    return {k: statistics.median(t for t, _ in v) for k, v in stats.items()}


async def healthz_throughput(port: int, seconds: float, connections: int) -> tuple[float, list[float]]:
    latencies = []
    deadline = time.monotonic() + seconds
    headers = {"Host": SITE}

    async def loop():
        connection = Connection(port)
        while time.monotonic() < deadline:
            start = time.perf_counter()
            status, _, _ = await connection.request("GET", "/healthz", headers)
            if status == 200:
                latencies.append(time.perf_counter() - start)
        connection.close()

    started = time.monotonic()
    await asyncio.gather(*(loop() for _ in range(connections)))
    return len(latencies) / (time.monotonic() - started), latencies


def p(samples, q):
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))]


async def run(args, port: int, sam: str):
    await healthz_throughput(port, 3, 20)  # warm-up: every worker has booted and connected
    _, unloaded = await healthz_throughput(port, 3, 1)
    health_rps, health_lat = await healthz_throughput(port, args.healthz_seconds, 50)
    health_lat = unloaded
    one_at_a_time = await alone(port, sam)
    stats = defaultdict(list)
    users = [User(port, f"load-{'ggz' if i % 4 != 3 else 'politie'}-{i}", f"198.51.{100 + i // 250}.{i % 250 + 1}")
             for i in range(args.users)]
    rng = random.Random(7)
    phases = Phases(args.users, args.duration)
    started = time.monotonic()
    await asyncio.gather(*(simulate(u, sam, stats, phases, args.ramp, args.think, random.Random(rng.random()))
                           for u in users))
    for u in users:
        u.connection.close()
    return health_rps, health_lat, stats, time.monotonic() - phases.login_done, phases.login_done - started, one_at_a_time


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--duration", type=float, default=60, help="seconds of work after the ramp-up")
    parser.add_argument("--ramp", type=float, default=60, help="users log in within this many seconds")
    parser.add_argument("--think", type=float, default=5.0, help="mean think time between requests (s)")
    parser.add_argument("--healthz-seconds", type=float, default=10)
    args = parser.parse_args()

    from tests.deploy_support import Gunicorn
    from tests.pg import free_port

    t0 = time.perf_counter()
    server, app_url, sam = setup(args.users)
    logs = Path(tempfile.mkdtemp(prefix="vw-load-"))
    gunicorn = Gunicorn(free_port(), {"WEBAPP_ENV": "production", "WEBAPP_SECRET_KEY": "load-bench",
                                      "WEBAPP_DATABASE_URL": app_url, "WEBAPP_PROXY_FIX_X_FOR": "1",
                                      "WEBAPP_PROXY_FIX_X_PROTO": "1"}, logs / "gunicorn.log")
    try:
        gunicorn.start()
        gunicorn.wait_until_ready()
        print("load average (1, 5, 15 min): %.1f %.1f %.1f (other work on this machine skews absolute figures; the ratios less)"
          % os.getloadavg())
        print(f"setup {time.perf_counter() - t0:.0f} s; gunicorn with deploy/gunicorn.conf.py "
              f"(workers {os.environ.get('GUNICORN_WORKERS', 'default')}, threads {os.environ.get('GUNICORN_THREADS', 'default')}), "
              f"PostgreSQL, {os.cpu_count()} CPUs shared with the load generator")
        health_rps, health_lat, stats, _, login_phase, one_at_a_time = asyncio.run(run(args, gunicorn.port, sam))
    finally:
        gunicorn.stop()
        server.stop()

    logins = {k: stats.pop(k) for k in list(stats)
              if k in ("GET /login", "POST /login", "GET /login/code", "POST /login/code", "GET /api/v1/session")}
    total = sum(len(v) for v in stats.values())
    errors = sum(1 for v in stats.values() for _, ok in v if not ok)
    print(f"\n/healthz alone, 50 connections, closed loop: {health_rps:7.0f} req/s; one at a time: "
          f"median {statistics.median(health_lat) * 1000:.1f} ms, p99 {p(health_lat, 0.99) * 1000:.1f} ms")
    print(f"{args.users} logins (spread over {args.ramp:.0f} s) done after {login_phase:.0f} s: "
          f"{args.users / login_phase:.1f} logins/s")
    print(f"{args.users} users at work for {args.duration:.0f} s, think {args.think} s: "
          f"{total / args.duration:7.0f} req/s, {errors} errors of {total} ({errors / max(total, 1):.2%})")
    print(f"ratio: the users' throughput is {total / args.duration / health_rps:.2f}x of what /healthz alone reaches")
    print("load average after (1, 5, 15 min): %.1f %.1f %.1f\n" % os.getloadavg())
    print(f"{'endpoint':<26} {'requests':>8} {'median ms':>10} {'p99 ms':>9} {'errors':>7}  {'alone ms':>8}  median/alone")
    for endpoint in [*sorted(stats), *logins]:
        if endpoint in logins:
            stats[endpoint] = logins[endpoint]
        samples = [t for t, _ in stats[endpoint]]
        bad = sum(1 for _, ok in stats[endpoint] if not ok)
        med = statistics.median(samples)
        single = one_at_a_time.get(endpoint)
        print(f"{endpoint:<26} {len(samples):>8} {med * 1000:>10.1f} {p(samples, 0.99) * 1000:>9.1f} "
              f"{bad / len(samples):>7.1%}  " + (f"{single * 1000:>8.1f}  {med / single:8.1f}x" if single else ""))


if __name__ == "__main__":
    main()
