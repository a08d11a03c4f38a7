#!/usr/bin/env python3
"""Restore a backup made by deploy/backup.py into a fresh database. Stop the app first.

    deploy/restore.py [--database-url URL] BACKUP

PostgreSQL (a .dump): the target database must exist and be empty, as deploy/postgres/setup.sh
roles leaves it; connect as the owner role (veldwijzer_owner), so the tables are the owner's.
pg_restore runs in one transaction (all or nothing), then deploy/postgres/setup.sh grants gives
the app role its rights again (and takes UPDATE and DELETE on the audit log away).

SQLite (a .sqlite): the target file must not exist; an existing one is moved aside with --replace.
The copy goes through SQLite's backup API and is checked with PRAGMA integrity_check.

The database is found as in backup.py (--database-url, WEBAPP_DATABASE_URL, the env file, the default).
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from backup import ROOT, database_url, is_postgres, libpq, pg_tool, sqlite_copy, sqlite_path  # noqa: E402


def restore_postgres(url: str, backup: Path) -> None:
    dsn, env = libpq(url)
    tables = subprocess.run([pg_tool("psql"), "-X", "-tA", "-v", "ON_ERROR_STOP=1", f"--dbname={dsn}", "-c",
                             "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"],
                            env=env, check=True, capture_output=True, text=True).stdout.strip()
    if tables != "0":
        raise SystemExit(f"the target database has {tables} tables already: restore into a fresh one "
                         "(deploy/postgres/setup.sh roles with another VELDWIJZER_DB)")
    subprocess.run([pg_tool("pg_restore"), "--no-owner", "--no-acl", "--exit-on-error", "--single-transaction",
                    f"--dbname={dsn}", str(backup)], env=env, check=True)
    env["VELDWIJZER_DB"] = dsn
    if os.environ.get("PG_BINDIR"):
        env["PATH"] = os.environ["PG_BINDIR"] + os.pathsep + env["PATH"]
    subprocess.run([str(ROOT / "deploy" / "postgres" / "setup.sh"), "grants"], env=env, check=True)


def restore_sqlite(url: str, backup: Path, replace: bool) -> None:
    target = sqlite_path(url)
    if target.exists():
        if not replace:
            raise SystemExit(f"{target} exists: stop the app and use --replace (the old file is kept beside it)")
        stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        for suffix in ("", "-wal", "-shm"):
            old = Path(f"{target}{suffix}")
            if old.exists():
                old.rename(f"{target}.before-restore-{stamp}{suffix}")
    target.parent.mkdir(parents=True, exist_ok=True)
    sqlite_copy(backup, target)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("backup", type=Path)
    parser.add_argument("--database-url")
    parser.add_argument("--replace", action="store_true", help="SQLite: move an existing database aside")
    args = parser.parse_args(argv)
    os.umask(0o077)
    url = database_url(args.database_url)
    if is_postgres(url) != (args.backup.suffix == ".dump"):
        raise SystemExit(f"{args.backup.name} does not fit {url.split(':', 1)[0]} (.dump for PostgreSQL, .sqlite for SQLite)")
    if is_postgres(url):
        restore_postgres(url, args.backup)
    else:
        restore_sqlite(url, args.backup, args.replace)
    print(f"restored {args.backup} into {url.split('@')[-1]}")


if __name__ == "__main__":
    sys.exit(main())
