from __future__ import annotations

import re

from flask import abort, make_response, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from markupsafe import Markup, escape

from webapp.contacts.phones import InvalidInput, normalise_postcode_area
from webapp.contacts.services import resolve_calls, resolve_target
from webapp.flows import bp
from webapp.flows.services import flows_for, library
from webapp.security import OFFLINE_HEADER


def keep_offline(response):
    """Flow pages hold no personal data: the service worker may keep them for offline use."""
    response.headers[OFFLINE_HEADER] = "keep"
    return response


def _postcode_from_query() -> tuple[str | None, str | None]:
    raw = request.args.get("postcode", "").strip()
    if not raw:
        return None, None
    try:
        return normalise_postcode_area(raw), None
    except InvalidInput as exc:
        return None, str(exc)


@bp.get("/")
@login_required
def index():
    return keep_offline(make_response(render_template(
        "flows/index.html", flows=flows_for(current_user.role.value), belkaart=library().belkaart)))


PLACEHOLDER_LABELS = {"adres": "adres", "postcode": "postcode", "client_naam": "naam cliënt",
                      "organisatie": "organisatie", "naam_gebruiker": "je naam"}


def fill_in(text: str) -> Markup:
    """The belkaart's example sentence with what is known filled in. The client's details are
    not known to this (cacheable) page: app.js fills them from the selected client, if any."""
    known = {"organisatie": current_user.organisation.root.name, "naam_gebruiker": current_user.display_name}

    def replace(match):
        name = match.group(1)
        value = known.get(name)
        if value:
            return f'<span class="fill fill-known">{escape(value)}</span>'
        return f'<span class="fill" data-fill="{name}">[{PLACEHOLDER_LABELS[name]}]</span>'

    parts = re.split(r"(\{\w+\})", text)
    return Markup("".join(replace(re.match(r"\{(\w+)\}", p)) if re.fullmatch(r"\{\w+\}", p) else str(escape(p))
                          for p in parts))


@bp.get("/belkaart")
@login_required
def belkaart():
    emergency = resolve_target("112", current_user.region)
    return keep_offline(make_response(render_template(
        "flows/belkaart.html", belkaart=library().belkaart, emergency=emergency, fill_in=fill_in)))


@bp.get("/<flow_id>/")
@login_required
def start(flow_id):
    flow = library().get(flow_id) or abort(404)
    return redirect(url_for("flows.step", flow_id=flow.id, step_id=flow.start, **request.args))


@bp.get("/<flow_id>/<step_id>")
@login_required
def step(flow_id, step_id):
    flow = library().get(flow_id) or abort(404)
    step = flow.step(step_id) or abort(404)
    postcode, postcode_error = _postcode_from_query()
    calls = resolve_calls(step.calls, current_user.region, postcode) if step.kind == "outcome" else []
    chosen = [a for a in flow.actions if a.id in set(request.args.getlist("gekozen"))]
    response = make_response(render_template(
        "flows/step.html", flow=flow, step=step, calls=calls, postcode=postcode, postcode_error=postcode_error,
        chosen=chosen), 422 if postcode_error else 200)
    return keep_offline(response)
