#!/usr/bin/env python3
"""Back up Veldwijzer's database into a directory; prints the path of the new backup.

    deploy/backup.py [--database-url URL] [--keep-days N] [DIR]

PostgreSQL: pg_dump in its custom format (compressed; restore with deploy/restore.py), without
owners and grants, which deploy/postgres/setup.sh sets again on restore. The embedded SQLite
default: SQLite's online backup API (sqlite3.Connection.backup), a consistent copy even while
the app writes, then checked with PRAGMA integrity_check.

The database is --database-url, else WEBAPP_DATABASE_URL, else the one in
/etc/veldwijzer/veldwijzer.env, else the SQLite default instance/veldwijzer.sqlite. DIR is
$VELDWIJZER_BACKUP_DIR or /var/backups/veldwijzer. Standard library only: runs with any python3.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import unquote, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
ENV_FILE = Path("/etc/veldwijzer/veldwijzer.env")


def database_url(given: str | None) -> str:
    if given:
        return given
    if os.environ.get("WEBAPP_DATABASE_URL"):
        return os.environ["WEBAPP_DATABASE_URL"]
    if ENV_FILE.is_file() and os.access(ENV_FILE, os.R_OK):
        for line in ENV_FILE.read_text().splitlines():
            key, _, value = line.partition("=")
            if key.strip() == "WEBAPP_DATABASE_URL" and value.strip():
                return value.strip().strip("'\"")
    return "sqlite:///" + str(ROOT / "instance" / "veldwijzer.sqlite")


def is_postgres(url: str) -> bool:
    return url.split("://", 1)[0] in ("postgres", "postgresql", "postgresql+psycopg")


def sqlite_path(url: str) -> Path:
    """sqlite:////abs/path or sqlite:///relative (relative to instance/, as Flask-SQLAlchemy does)."""
    if not url.startswith("sqlite:///"):
        raise SystemExit(f"not a SQLite URL: {url}")
    path = Path(url[len("sqlite:///"):])
    return path if path.is_absolute() else ROOT / "instance" / path


def libpq(url: str) -> tuple[str, dict]:
    """A URL for pg_dump/psql without the password, which goes into the environment instead
    (a command line is visible to every user of the machine)."""
    parts = urlsplit("postgresql://" + url.split("://", 1)[1])
    env = dict(os.environ)
    netloc = parts.netloc
    if parts.password is not None:
        env["PGPASSWORD"] = unquote(parts.password)
        userinfo, _, host = netloc.rpartition("@")
        netloc = userinfo.split(":", 1)[0] + "@" + host
    return urlunsplit(parts._replace(netloc=netloc)), env


def pg_tool(name: str) -> str:
    """pg_dump etc. from $PG_BINDIR, else the newest installed PostgreSQL, else the PATH."""
    if os.environ.get("PG_BINDIR"):
        return str(Path(os.environ["PG_BINDIR"]) / name)
    versions = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), key=lambda p: int(p.parts[4]))
    return str(versions[-1]) if versions else name


def sqlite_copy(source: Path, target: Path) -> None:
    """The whole database in one step of the backup API: one read transaction, so the copy is
    one consistent moment, whatever the app writes meanwhile (WAL: it is not even blocked)."""
    src = sqlite3.connect(source, timeout=30)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst, pages=-1)
        (result,) = dst.execute("PRAGMA integrity_check").fetchone()
        if result != "ok":
            raise SystemExit(f"integrity check of {target} failed: {result}")
    finally:
        dst.close()
        src.close()


def backup(url: str, directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    if is_postgres(url):
        target = directory / f"veldwijzer-{stamp}.dump"
        partial = target.with_suffix(".dump.partial")
        dsn, env = libpq(url)
        subprocess.run([pg_tool("pg_dump"), "--format=custom", "--no-owner", "--no-acl", f"--file={partial}",
                        f"--dbname={dsn}"], env=env, check=True)
        subprocess.run([pg_tool("pg_restore"), "--list", str(partial)], check=True, stdout=subprocess.DEVNULL)
    else:
        source = sqlite_path(url)
        if not source.is_file():
            raise SystemExit(f"no SQLite database at {source}")
        target = directory / f"veldwijzer-{stamp}.sqlite"
        partial = target.with_suffix(".sqlite.partial")
        sqlite_copy(source, partial)
    partial.rename(target)
    return target


def prune(directory: Path, keep_days: int) -> None:
    limit = time.time() - keep_days * 86400
    for old in directory.glob("veldwijzer-*"):
        if old.suffix in (".dump", ".sqlite") and old.stat().st_mtime < limit:
            old.unlink()


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("directory", nargs="?", default=os.environ.get("VELDWIJZER_BACKUP_DIR", "/var/backups/veldwijzer"))
    parser.add_argument("--database-url")
    parser.add_argument("--keep-days", type=int, default=int(os.environ.get("VELDWIJZER_BACKUP_KEEP_DAYS", "0")),
                        help="delete backups older than this many days afterwards (0: keep all)")
    args = parser.parse_args(argv)
    os.umask(0o077)  # special-category data: readable by the backup's owner only
    directory = Path(args.directory)
    target = backup(database_url(args.database_url), directory)
    if args.keep_days > 0:
        prune(directory, args.keep_days)
    print(target)


if __name__ == "__main__":
    sys.exit(main())
