from __future__ import annotations

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from webapp.access import roles_required
from webapp.auth.models import Role
from webapp.contacts.phones import InvalidInput, normalise_postcode_area
from webapp.contacts.services import contact_options, region_contacts, resolve_calls, resolve_target
from webapp.flows import bp
from webapp.flows.forms import AgreementForm
from webapp.flows.services import (BRIEFING_STEPS, SETTINGS, agreement_for, calls_for_setting, care_setting,
                                   delete_agreement, fill_belkaart, flows_for, is_urgent, library, save_agreement)
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


@bp.get("/belkaart")
@login_required
def belkaart():
    emergency = resolve_target("112", current_user.region)
    return keep_offline(make_response(render_template(
        "flows/belkaart.html", belkaart=library().belkaart, emergency=emergency,
        fill_in=lambda text: fill_belkaart(text, current_user))))


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
    asked = request.args.get("setting")
    setting = care_setting(current_user, asked)
    # Left out before resolving: a number of a call not offered must not count as shown already.
    calls = resolve_calls(calls_for_setting(step.calls, setting), current_user.region, postcode) \
        if step.kind == "outcome" else []
    chosen = [a for a in flow.actions if a.id in set(request.args.getlist("gekozen"))]
    agreement = agreement_for(current_user.region, flow.id, step.id)
    # What the walk carries from step to step: the postcode, and the setting when the user chose it.
    query = {k: v for k, v in (("postcode", postcode), ("setting", asked if asked in SETTINGS else None)) if v}
    response = make_response(render_template(
        "flows/step.html", flow=flow, step=step, calls=calls, postcode=postcode,
        postcode_error=postcode_error, setting=setting, setting_known=asked not in SETTINGS and setting is not None,
        query=query, urgent=is_urgent(step), briefing_step=(flow.id, step.id) in BRIEFING_STEPS,
        chosen=chosen, agreement=agreement, agreement_calls=contact_options(agreement.contacts) if agreement else []),
        422 if postcode_error else 200)
    return keep_offline(response)


@bp.route("/<flow_id>/<step_id>/regionaal", methods=["GET", "POST"])
@roles_required(Role.COORDINATOR)
def agreement(flow_id, step_id):
    """A coordinator's local agreement on a step, for the own region: write, preview, save or remove."""
    flow = library().get(flow_id) or abort(404)
    step = flow.step(step_id) or abort(404)
    region = current_user.region
    existing = agreement_for(region, flow.id, step.id)
    form = AgreementForm(obj=None)
    contacts = region_contacts(region)
    form.contacts.choices = [(c.id, f"{c.name} · {c.function.label} · {c.phone_display}") for c in contacts]
    if request.method == "GET" and existing:
        form.text.data, form.contacts.data = existing.text, [c.id for c in existing.contacts]
    action = request.form.get("actie")
    back = url_for("flows.step", flow_id=flow.id, step_id=step.id)
    if request.method == "POST" and action == "verwijderen" and existing:  # CSRFProtect checked the token
        delete_agreement(existing)
        flash("De regionale afspraak is verwijderd.")
        return redirect(back, code=303)
    preview = None
    if request.method == "POST" and form.validate_on_submit():
        chosen = [c for c in contacts if c.id in set(form.contacts.data)]
        if action == "opslaan":
            save_agreement(region, flow.id, step.id, form.text.data.strip(), chosen, actor=current_user)
            flash("De regionale afspraak staat nu bij deze stap.")
            return redirect(back, code=303)
        preview = {"text": form.text.data.strip(), "calls": contact_options(chosen)}
    status = 422 if request.method == "POST" and form.errors else 200
    return render_template("flows/agreement_form.html", flow=flow, step=step, form=form, existing=existing,
                           preview=preview), status
