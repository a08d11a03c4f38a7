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
