"""Helpers for the tests of deploy/: a database set up with the shipped scripts, and gunicorn."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

DEPLOY = ROOT / "deploy"
OWNER, APP = "veldwijzer_owner", "veldwijzer_app"
VENV_BIN = Path(sys.executable).parent


def pg_env(server, **extra) -> dict:
    """The environment for psql, pg_dump and the deploy scripts: the test server, as superuser."""
    env = {**os.environ, "PATH": f"{server.bin}:{VENV_BIN}:{os.environ['PATH']}",
           "PGHOST": "127.0.0.1", "PGPORT": str(server.port), "PGUSER": "postgres"}
    env.update(extra)
    return env


def run(args, env, **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run([str(a) for a in args], env=env, capture_output=True, text=True, cwd=ROOT, **kwargs)
    assert result.returncode == 0, f"{args} failed:\n{result.stdout}\n{result.stderr}"
    return result


def role_url(server, role: str, database: str) -> str:
    return f"postgresql://{role}@127.0.0.1:{server.port}/{database}"


def provision(server, database: str) -> tuple[str, str]:
    """Roles and database by deploy/postgres/setup.sh, schema by deploy/migrate.sh (as the owner).
    Returns the owner's and the app's URLs."""
    env = pg_env(server, VELDWIJZER_DB=database)
    run([DEPLOY / "postgres" / "setup.sh", "roles"], env)
    owner_url = role_url(server, OWNER, database)
    run([DEPLOY / "migrate.sh"], {**env, "VELDWIJZER_OWNER_URL": owner_url, "FLASK": VENV_BIN / "flask",
                                  "WEBAPP_ENV": "development", "WEBAPP_SECRET_KEY": "migrate"})
    return owner_url, role_url(server, APP, database)


class Gunicorn:
    """gunicorn with the shipped deploy/gunicorn.conf.py on 127.0.0.1:<port>, as systemd would start it."""

    def __init__(self, port: int, env: dict, log_path: Path):
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.env = {**os.environ, **env, "GUNICORN_BIND": f"127.0.0.1:{port}"}
        self.log_path = log_path
        self.process = None

    def start(self) -> None:
        self._log = open(self.log_path, "wb")
        self.process = subprocess.Popen([str(VENV_BIN / "gunicorn"), "-c", str(DEPLOY / "gunicorn.conf.py")],
                                        cwd=ROOT, env=self.env, stdout=self._log, stderr=subprocess.STDOUT)

    def wait_until_ready(self, timeout: float = 60) -> None:
        import time

        import httpx

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"gunicorn exited ({self.process.returncode}):\n{self.log()}")
            try:
                if httpx.get(self.url + "/healthz", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        raise AssertionError(f"gunicorn on {self.url} did not answer within {timeout} s:\n{self.log()}")

    def log(self) -> str:
        self._log.flush()
        return self.log_path.read_text(errors="replace")

    def log_with(self, *lines: str, timeout: float = 10) -> str:
        """The log once it holds each of these: a worker writes its access-log line after the
        response has gone out, so the client can be a moment ahead of the log."""
        import time

        deadline = time.monotonic() + timeout
        while not all(line in (text := self.log()) for line in lines) and time.monotonic() < deadline:
            time.sleep(0.05)
        return text

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._log.close()
        self.process = None


def load_demo(database_url: str, demo_password: str) -> None:
    """The demo data, loaded as the app would in development (production refuses it)."""
    from tests.conftest import app_config
    from webapp import create_app
    from webapp.db import db
    from webapp.demo import load_demo_data

    app = create_app(app_config(database_url, DEMO_PASSWORD=demo_password))
    with app.app_context():
        load_demo_data()
        db.session.commit()
        db.engine.dispose()


def enrol_two_factor(database_url: str, usernames) -> dict[str, str]:
    """Two-factor login set up for these users (production demands it): username -> TOTP secret."""
    import pyotp
    from sqlalchemy import select

    from tests.conftest import app_config
    from webapp import create_app
    from webapp.auth.models import User
    from webapp.db import db, utcnow

    app = create_app(app_config(database_url))
    secrets = {}
    with app.app_context():
        for user in db.session.scalars(select(User).where(User.username.in_(list(usernames)))):
            user.totp_secret = secrets[user.username] = pyotp.random_base32()
            user.totp_enabled_at = utcnow()
        db.session.commit()
        db.engine.dispose()
    return secrets
