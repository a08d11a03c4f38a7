from __future__ import annotations

import json
from pathlib import Path

from flask import current_app, jsonify, make_response, render_template, url_for
from flask_login import login_required
from sqlalchemy import text

from webapp.assets import precache_manifest, static_url
from webapp.db import db
from webapp.security import OFFLINE_HEADER
from webapp.shell import bp


@bp.get("/")
@login_required
def home():
    response = make_response(render_template("shell/home.html"))
    response.headers[OFFLINE_HEADER] = "keep"
    return response


@bp.get("/offline")
def offline():
    """The page the service worker shows for a screen it has no offline copy of."""
    return render_template("shell/offline.html")


@bp.get("/offline/clienten")
def offline_clients():
    """The shell that shows the phone's copy of the caseload when a client page cannot be reached.
    It holds no data itself: caseload.js fills it from IndexedDB."""
    return render_template("shell/offline_clients.html")


@bp.get("/sw.js")
def service_worker():
    version, manifest = precache_manifest()
    source = (Path(current_app.static_folder) / "js" / "sw.js").read_text()
    header = (f"const SHELL_VERSION = {json.dumps(version)};\n"
              f"const PRECACHE = {json.dumps(manifest)};\n"
              f"const OFFLINE_URL = {json.dumps(url_for('shell.offline'))};\n"
              f"const OFFLINE_CLIENTS_URL = {json.dumps(url_for('shell.offline_clients'))};\n"
              f"const OFFLINE_INCIDENT_URL = {json.dumps(url_for('incidents.offline_form'))};\n"
              f"importScripts({json.dumps(static_url('js/store.js'))}, {json.dumps(static_url('js/vault.js'))}, "
              f"{json.dumps(static_url('js/sync-core.js'))});\n")
    response = make_response(header + source)
    response.mimetype = "text/javascript"
    # The browser must always ask for a new service worker; never serve a stale one.
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/manifest.webmanifest")
def manifest():
    data = {
        "name": "Veldwijzer",
        "short_name": "Veldwijzer",
        "description": "Samenwerking GGZ en politie: wie bel ik, wat zeg ik, wat spraken we af.",
        "lang": "nl",
        "start_url": url_for("shell.home"),
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#12355b",
        "icons": [
            {"src": static_url("icons/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static_url("icons/icon-512.png"), "sizes": "512x512", "type": "image/png"},
            {"src": static_url("icons/icon-512.png"), "sizes": "512x512", "type": "image/png", "purpose": "maskable"},
            {"src": static_url("icons/icon.svg"), "sizes": "any", "type": "image/svg+xml"},
        ],
    }
    response = jsonify(data)
    response.mimetype = "application/manifest+json"
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/offline-manifest.json")
@login_required
def offline_manifest():
    """Every page the phone should hold for offline use, for this user; its version changes when
    any of them would change (a flow, the shell, the region's directory)."""
    import hashlib

    from flask_login import current_user
    from sqlalchemy import func, select

    from webapp.contacts.models import Contact
    from webapp.flows.models import LocalAgreement
    from webapp.flows.services import library

    lib = library()
    urls = [url_for("shell.home"), url_for("flows.index"), url_for("flows.belkaart"), url_for("contacts.index"),
            url_for("contacts.call_table"), url_for("contacts.who")]
    for flow in lib.flows.values():
        urls += [url_for("flows.step", flow_id=flow.id, step_id=step_id) for step_id in flow.steps]
    region_id = current_user.region.id
    contact_ids = db.session.scalars(select(Contact.id).where(Contact.region_id == region_id).order_by(Contact.id)).all()
    urls += [url_for("contacts.show", contact_id=cid) for cid in contact_ids]
    last_change = db.session.scalar(select(func.max(Contact.updated_at)).where(Contact.region_id == region_id))
    agreements = db.session.execute(select(func.count(), func.max(LocalAgreement.updated_at))
                                     .where(LocalAgreement.region_id == region_id)).one()
    stamp = "|".join([precache_manifest()[0], current_user.username, str(region_id), str(last_change), str(len(contact_ids)),
                      str(agreements[0]), str(agreements[1]),
                      *(f.content_hash for f in lib.flows.values()), lib.belkaart.content_hash])
    return jsonify(version=hashlib.sha256(stamp.encode()).hexdigest()[:16], urls=urls)


@bp.get("/healthz")
def health():
    """Liveness and database check; the app also uses it to tell online from offline."""
    db.session.execute(text("SELECT 1"))
    return jsonify(status="ok")
