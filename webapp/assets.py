"""Static files with content hashes: cache-busting URLs and the service worker's precache manifest."""
from __future__ import annotations

import hashlib
from pathlib import Path

from flask import current_app, url_for

# What the service worker stores at install, so the app opens without a network.
PRECACHED_STATIC = (
    "css/app.css",
    "js/app.js",
    "js/calls.js",
    "js/store.js",
    "js/vault.js",
    "js/vault-ui.js",
    "js/caseload.js",
    "js/readiness.js",
    "js/sync-core.js",
    "js/outbox.js",
    "js/incidents.js",
    "vendor/htmx.min.js",
    "icons/icon.svg",
    "icons/icon-192.png",
    "icons/icon-512.png",
)
# Templates the offline shell is rendered from; a change to any gives a new shell version.
SHELL_TEMPLATES = ("base.html", "shell/offline.html", "shell/offline_clients.html", "_partials/nav.html",
                   "_partials/vault.html", "incidents/form.html", "incidents/offline_form.html")

_hashes: dict[tuple[str, float], str] = {}


def file_hash(path: Path) -> str:
    key = (str(path), path.stat().st_mtime)
    if key not in _hashes:
        _hashes[key] = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    return _hashes[key]


def static_url(filename: str) -> str:
    path = Path(current_app.static_folder) / filename
    if not path.is_file():
        raise FileNotFoundError(f"static file missing: {filename} (did `make assets` run?)")
    filename, path = minified(filename, path)
    return url_for("static", filename=filename, v=file_hash(path))


def minified(filename: str, source: Path) -> tuple[str, Path]:
    """The copy `make assets` minified (terser) into static/min/, while it was made from this very
    source (its .source file holds the source's hash); else the source itself, so a script edited
    since is never served stale."""
    if not filename.startswith("js/"):
        return filename, source
    copy = Path(current_app.static_folder) / "min" / filename
    stamp = copy.with_name(copy.name + ".source")
    try:
        made_from = _stamps.get((str(stamp), stamp.stat().st_mtime)) or _read_stamp(stamp)
    except FileNotFoundError:
        return filename, source
    if made_from == file_hash(source) and copy.is_file():
        return "min/" + filename, copy
    return filename, source


_stamps: dict[tuple[str, float], str] = {}


def _read_stamp(stamp: Path) -> str:
    value = stamp.read_text().strip()
    _stamps[(str(stamp), stamp.stat().st_mtime)] = value
    return value


def precache_manifest() -> tuple[str, list[dict]]:
    """The shell version and the list of URLs (with their revisions) the service worker precaches."""
    entries = [{"url": static_url(f), "revision": None} for f in PRECACHED_STATIC]
    templates = Path(current_app.root_path) / "templates"
    digest = hashlib.sha256()
    for name in SHELL_TEMPLATES:
        digest.update(file_hash(templates / name).encode())
    for entry in entries:
        digest.update(entry["url"].encode())
    version = digest.hexdigest()[:16]
    entries.append({"url": url_for("shell.offline"), "revision": version})
    entries.append({"url": url_for("shell.offline_clients"), "revision": version})
    entries.append({"url": url_for("incidents.offline_form"), "revision": version})
    entries.append({"url": url_for("shell.manifest"), "revision": version})
    return version, entries
