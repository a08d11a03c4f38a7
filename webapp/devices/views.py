from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from webapp.access import require, roles_required
from webapp.auth.models import Role
from webapp.db import db
from webapp.devices import bp
from webapp.devices.models import Device
from webapp.devices.services import organisation_devices, revoke


@bp.get("/")
@roles_required(Role.COORDINATOR)
def index():
    return render_template("devices/index.html", devices=organisation_devices(current_user))


@bp.post("/<int:device_id>/intrekken")
@roles_required(Role.COORDINATOR)
def revoke_device(device_id):
    device = db.session.get(Device, device_id) or abort(404)
    require(device.user.organisation.root.id == current_user.organisation.root.id, obj=device,
            reason="device of another organisation")
    if device.revoked_at is None:
        ended = revoke(device, actor=current_user)
        flash(f"Het apparaat van {device.user.display_name} is ingetrokken"
              + (f"; {ended} sessie(s) beëindigd." if ended else ".") + " Het wist zijn gegevens bij het volgende contact.")
    return redirect(url_for("devices.index"), code=303)
