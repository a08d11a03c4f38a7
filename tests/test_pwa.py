"""The installable app shell: manifest, icons and the service worker's precache list."""
from __future__ import annotations

import json
import re

import pytest


def test_manifest_is_valid_and_its_icons_exist(client, db):
    response = client.get("/manifest.webmanifest")
    assert response.mimetype == "application/manifest+json"
    manifest = response.get_json()
    assert manifest["lang"] == "nl" and manifest["display"] == "standalone" and manifest["start_url"] == "/"
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert {"192x192", "512x512"} <= sizes
    for icon in manifest["icons"]:
        r = client.get(icon["src"])
        r.close()
        assert r.status_code == 200, icon["src"]


def precache(client):
    source = client.get("/sw.js").text
    version = json.loads(re.search(r"const SHELL_VERSION = (.+);", source).group(1))
    entries = json.loads(re.search(r"const PRECACHE = (.+);", source).group(1))
    return version, entries


def test_service_worker_precaches_the_shell_with_revisions(client, db):
    response = client.get("/sw.js")
    assert response.mimetype == "text/javascript"
    assert response.headers["Cache-Control"] == "no-cache"
    version, entries = precache(client)
    urls = [e["url"] for e in entries]
    assert "/offline" in urls and any("htmx.min.js" in u for u in urls)
    for entry in entries:
        assert entry["revision"] or "?v=" in entry["url"], entry
        r = client.get(entry["url"])
        r.close()
        assert r.status_code == 200, entry["url"]


def test_a_changed_asset_gives_a_new_shell_version(app, client, db, tmp_path, monkeypatch):
    from pathlib import Path

    version, _ = precache(client)
    css = Path(app.static_folder) / "css" / "app.css"
    original = css.read_bytes()
    try:
        css.write_bytes(original + b"\n/* changed */\n")
        new_version, entries = precache(client)
    finally:
        css.write_bytes(original)
    assert new_version != version


def test_every_page_registers_the_service_worker(client, db):
    html = client.get("/login").text
    assert re.search(r'<script src="/static/(min/)?js/app\.js\?v=\w+" defer data-sw="/sw\.js">', html)
    assert '<link rel="manifest" href="/manifest.webmanifest">' in html


def test_htmx_is_configured_safely(client, db):
    html = client.get("/login").text
    raw = re.search(r'<meta name="htmx-config" content="([^"]+)">', html).group(1)
    config = json.loads(raw.replace("&#34;", '"'))
    assert config["allowEval"] is False and config["selfRequestsOnly"] is True
    assert config["historyCacheSize"] == 0


@pytest.mark.parametrize("username", ["demo-hulpverlener", "demo-wijkagent", "demo-coordinator"])
def test_every_page_of_the_offline_manifest_can_be_kept(demo, login_as, username):
    """The service worker stops warming at the first redirect (the session has ended), so no
    page of the manifest may redirect for a logged-in user, and each must be marked keepable."""
    client = login_as(demo.user(username))
    urls = client.get("/offline-manifest.json").get_json()["urls"]
    assert len(urls) > 20
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, f"{url}: {response.status_code}"
        assert response.headers.get("Veldwijzer-Offline") == "keep", url
