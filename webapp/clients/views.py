from __future__ import annotations

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user

from webapp.access import require, roles_required
from webapp.auth.models import Role
from webapp.clients import bp
from webapp.clients.forms import AopForm, ClientForm, CrisiskaartForm, PoliceLookupForm
from webapp.clients.models import SECTION_KEYS, Aop, Client
from webapp.clients.permissions import can_assign_caseload, can_edit_client, can_read_client, in_police_scope
from webapp.clients.services import (caseload, get_client, police_lookup, record_read, save_aop, save_client,
                                     save_crisiskaart, search_clients, set_consent, shared_sections, today)
from webapp.contacts.services import who_to_call
from webapp.db import db
from webapp.organisations.models import Organisation, OrganisationKind

CARE = (Role.HULPVERLENER, Role.COORDINATOR)


def personal(response):
    """Special-category data: never cached, never in htmx's history snapshot (the template says so too)."""
    response = make_response(response)
    response.headers["Cache-Control"] = "no-store"
    return response


def _client_or_404(public_id: str) -> Client:
    client = get_client(public_id)
    if client is None:
        abort(404)
    require(can_read_client(current_user, client), obj=client, client=client, reason="client outside the user's scope")
    return client


def _team_choices(client=None):
    root = current_user.organisation.root
    teams = [o for o in root.children if o.kind == OrganisationKind.GGZ_TEAM] or [root]
    if current_user.role == Role.HULPVERLENER:
        teams = [current_user.organisation]
    return [(t.id, t.name) for t in teams]


# -- GGZ: caseload, search, the client page ----------------------------------------------------

@bp.get("/clienten/")
@roles_required(*CARE)
def index():
    q = request.args.get("q", "").strip()
    found = search_clients(current_user, q) if q else None
    own = caseload(current_user)
    readable = {c.id for c in own}
    return personal(render_template("clients/index.html", clients=own, q=q, found=found, readable=readable,
                                    today=today()))


@bp.route("/clienten/nieuw", methods=["GET", "POST"])
@roles_required(*CARE)
def create():
    require(current_user.is_care, status=403, reason="only care organisations keep clients")
    form = ClientForm()
    form.team_id.choices = _team_choices()
    if request.method == "POST" and form.validate_on_submit():
        client = save_client(None, form.values(), current_user.organisation.root, actor=current_user)
        flash("De cliënt is toegevoegd. Vul nu de crisiskaart in.")
        return redirect(url_for("clients.show", public_id=client.public_id), code=303)
    status = 422 if request.method == "POST" else 200
    return personal((render_template("clients/client_form.html", form=form, client=None), status))


@bp.get("/clienten/<public_id>")
@roles_required(*CARE)
def show(public_id):
    client = _client_or_404(public_id)
    return render_client_page(client)


def render_client_page(client: Client, status: int = 200, **extra):
    """The client page; the notes and visit forms call it again with their errors (status 422)."""
    from webapp.incidents.services import incidents_for_client, open_missing_report
    from webapp.notes.services import NOTES_SHOWN, count_notes, notes_for_client
    from webapp.visits.services import CHECKLIST, visits_for_client

    record_read(client)
    show_all = request.args.get("notities") == "alle"
    notes = notes_for_client(client, limit=None if show_all else NOTES_SHOWN)
    notes_total = len(notes) if show_all or len(notes) < NOTES_SHOWN else count_notes(client)
    superseded = {n.supersedes_id for n in notes if n.supersedes_id}
    context = {"note_errors": {}, "note_form": {}, "visit_errors": {}, "offline": False, **extra}
    return personal((render_template(
        "clients/show.html", client=client, card=client.crisiskaart, aop=client.aop, today=today(),
        calls=who_to_call(current_user.region, client.postcode_area), can_edit=can_edit_client(current_user, client),
        can_write_notes=current_user.role == Role.HULPVERLENER, notes=notes, notes_total=notes_total,
        superseded=superseded,
        visits=visits_for_client(client), checklist=CHECKLIST, missing=open_missing_report(client),
        client_incidents=incidents_for_client(client, audit_as="client page"), **context), status))


@bp.route("/clienten/<public_id>/bewerken", methods=["GET", "POST"])
@roles_required(*CARE)
def update(public_id):
    client = _client_or_404(public_id)
    form = ClientForm(obj=client if request.method == "GET" else None)
    form.team_id.choices = _team_choices(client)
    if request.method == "GET":
        record_read(client)
        form.postcode.data = f"{client.postcode[:4]} {client.postcode[4:]}"
    if request.method == "POST" and form.validate_on_submit():
        values = form.values()
        if values["team_id"] != client.team_id:
            require(can_assign_caseload(current_user, client), status=403, obj=client, client=client,
                    reason="only a coordinator assigns caseloads")
        save_client(client, values, current_user.organisation.root, actor=current_user)
        flash("Opgeslagen.")
        if not can_read_client(current_user, client):
            return redirect(url_for("clients.index"), code=303)
        return redirect(url_for("clients.show", public_id=client.public_id), code=303)
    status = 422 if request.method == "POST" else 200
    return personal((render_template("clients/client_form.html", form=form, client=client), status))


@bp.route("/clienten/<public_id>/crisiskaart", methods=["GET", "POST"])
@roles_required(*CARE)
def edit_crisiskaart(public_id):
    client = _client_or_404(public_id)
    form = CrisiskaartForm()
    if request.method == "GET":
        record_read(client, what="crisiskaart_versions")
        if client.crisiskaart:
            form.load(client.crisiskaart)
    elif form.validate_on_submit():
        meta, sections = form.values()
        version = save_crisiskaart(client, meta, sections, actor=current_user, note=form.change_note.data or None)
        flash(f"Crisiskaart opgeslagen (versie {version.number}).")
        return redirect(url_for("clients.show", public_id=client.public_id), code=303)
    status = 422 if request.method == "POST" else 200
    return personal((render_template("clients/crisiskaart_form.html", form=form, client=client), status))


@bp.get("/clienten/<public_id>/crisiskaart/versies/<int:number>")
@roles_required(*CARE)
def crisiskaart_version(public_id, number):
    client = _client_or_404(public_id)
    version = next((v for v in client.crisiskaart_versions if v.number == number), None) or abort(404)
    record_read(client, what="crisiskaart_versions")
    return personal(render_template("clients/crisiskaart_version.html", client=client, card=version, today=today()))


@bp.post("/clienten/<public_id>/crisiskaart/toestemming")
@roles_required(*CARE)
def consent(public_id):
    client = _client_or_404(public_id)
    key = request.form.get("sectie")
    if client.crisiskaart is None or key not in SECTION_KEYS:
        abort(400)
    give = request.form.get("toestemming") == "ja"
    set_consent(client, key, give, actor=current_user)
    flash("Toestemming vastgelegd." if give else "Toestemming ingetrokken: de politie ziet dit deel niet meer.")
    return redirect(url_for("clients.show", public_id=client.public_id) + "#crisiskaart", code=303)


@bp.route("/clienten/<public_id>/aop", methods=["GET", "POST"])
@roles_required(*CARE)
def edit_aop(public_id):
    client = _client_or_404(public_id)
    aop = client.aop
    form = AopForm(obj=aop if request.method == "GET" and aop else None)
    # GGZ proposes and may end an AOP; only police make it active.
    form.status.choices = [c for c in form.status.choices if c.value in ("", "beeindigd")]
    if request.method == "GET" and aop:
        record_read(client, what="aops")
    if request.method == "POST" and form.validate_on_submit():
        save_aop(client, aop, form.values(), actor=current_user)
        flash("De afspraak op persoon is voorgesteld aan de politie." if aop is None else "Opgeslagen.")
        return redirect(url_for("clients.show", public_id=client.public_id) + "#aop", code=303)
    status = 422 if request.method == "POST" else 200
    return personal((render_template("clients/aop_form.html", form=form, client=client, aop=aop), status))


@bp.get("/clienten/<public_id>/briefing")
@roles_required(*CARE)
def briefing(public_id):
    client = _client_or_404(public_id)
    record_read(client, what="police_briefing")
    return personal(render_template("clients/briefing.html", client=client, card=client.crisiskaart,
                                    shared=shared_sections(client.crisiskaart), aop=client.aop, today=today()))


# -- police: the exact lookup -------------------------------------------------------------------

@bp.route("/aop/", methods=["GET", "POST"])
@roles_required(Role.WIJKAGENT)
def lookup():
    """Name and date of birth in the body of a POST (never in a URL), a reason, and one answer."""
    form = PoliceLookupForm()
    client, searched = None, False
    if request.method == "POST":
        if not form.validate_on_submit():
            return personal((render_template("clients/lookup.html", form=form, client=None, searched=False), 422))
        client = police_lookup(current_user, form.name.data, form.date_of_birth.data, form.reason.data.strip())
        searched = True
    return personal(render_template("clients/lookup.html", form=form, client=client, searched=searched,
                                    aop=client.aop if client else None,
                                    shared=shared_sections(client.crisiskaart) if client else [], today=today()))


@bp.route("/aop/bewerken", methods=["POST"])
@roles_required(Role.WIJKAGENT)
def police_edit_aop():
    """Police create or update the AOP of a person found by the lookup (the id travels in the body)."""
    client = get_client(request.form.get("persoon", ""))
    if client is None:
        abort(404)
    require(in_police_scope(current_user, client), obj=client, client=client, reason="person outside police scope")
    aop = client.aop
    opening = request.form.get("stap") == "open"
    if opening:
        record_read(client, what="aops", reason="AOP geopend om te bewerken")
    form = AopForm(obj=aop if opening and aop else None)
    if not opening and form.validate_on_submit():
        values = form.values()
        values["status"] = values["status"] or "actief"
        save_aop(client, aop, values, actor=current_user)
        return personal(render_template("clients/lookup.html", form=PoliceLookupForm(formdata=None), client=client,
                                        searched=True, aop=client.aop, shared=shared_sections(client.crisiskaart),
                                        today=today(), saved=True))
    return personal((render_template("clients/aop_form.html", form=form, client=client, aop=aop, police=True),
                     200 if opening else 422))
