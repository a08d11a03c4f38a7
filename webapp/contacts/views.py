from __future__ import annotations

from flask import Response, abort, flash, jsonify, make_response, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import func, select

from webapp.access import recent_login_required, require, roles_required
from webapp.audit.models import AuditAction
from webapp.audit.services import record
from webapp.auth.models import Role
from webapp.contacts import bp
from webapp.contacts.forms import ContactForm
from webapp.contacts.functions import FUNCTION_LABELS, NATIONAL_NUMBERS, ContactFunction, Level
from webapp.contacts.models import Contact
from webapp.contacts.permissions import can_edit_contact, can_read_contact
from webapp.contacts.phones import InvalidInput, normalise_postcode_area
from webapp.contacts.services import (create_contact, delete_contact, region_contacts, resolution_table,
                                      search_contacts, stale_contacts, update_contact, verify_contact, who_to_call)
from webapp.contacts.transfer import apply_import, export_csv, export_vcard, preview_import
from webapp.db import db, utcnow
from webapp.htmx import is_htmx, redirect_or_swap, render_page_or_partial
from webapp.security import OFFLINE_HEADER


def keep_offline(response):
    """Work contact data, no special-category data: the phone may keep it for offline use."""
    response.headers[OFFLINE_HEADER] = "keep"
    return response


def _contact_or_404(contact_id: int) -> Contact:
    contact = db.session.get(Contact, contact_id) or abort(404)
    require(can_read_contact(current_user, contact), obj=contact, reason="contact of another region")
    return contact


def _last_change():
    return db.session.scalar(select(func.max(Contact.updated_at)).where(Contact.region_id == current_user.region.id))


@bp.get("/")
@login_required
def index():
    q = request.args.get("q", "").strip()
    function = request.args.get("functie") or None
    level = request.args.get("niveau") or None
    if function not in {f.value for f in ContactFunction}:
        function = None
    if level not in {lv.value for lv in Level}:
        level = None
    filtered = bool(q or function or level)
    contacts = search_contacts(current_user.region, q, function, level) if filtered else region_contacts(current_user.region)
    response = render_page_or_partial(
        "contacts/index.html", "contacts/_results.html", contacts=contacts, q=q, function=function, level=level,
        filtered=filtered, national=NATIONAL_NUMBERS, functions=FUNCTION_LABELS, levels=list(Level),
        last_change=_last_change(), fetched_at=utcnow(), stale_count=len(stale_contacts(current_user.region))
        if current_user.role == Role.COORDINATOR else 0)
    return keep_offline(response)


@bp.get("/wie-bel-ik")
@login_required
def who():
    raw = request.args.get("postcode", "").strip()
    postcode, error, options = None, None, []
    if raw:
        try:
            postcode = normalise_postcode_area(raw)
            options = who_to_call(current_user.region, postcode)
        except InvalidInput as exc:
            error = str(exc)
    response = make_response(render_template("contacts/who.html", raw=raw, postcode=postcode, error=error,
                                              options=options), 422 if error else 200)
    return keep_offline(response)


@bp.get("/bellen.json")
@login_required
def call_table():
    """Who to call for every postcode of the region and every call target, for the phone offline."""
    return keep_offline(jsonify(resolution_table(current_user.region)))


@bp.get("/<int:contact_id>")
@login_required
def show(contact_id):
    contact = _contact_or_404(contact_id)
    return keep_offline(make_response(render_template("contacts/show.html", contact=contact,
                                                      can_edit=can_edit_contact(current_user, contact))))


def _render_form(form, contact=None, status=200):
    return render_page_or_partial("contacts/form.html", "contacts/_form.html", status, form=form, contact=contact)


@bp.route("/nieuw", methods=["GET", "POST"])
@roles_required(Role.COORDINATOR)
def create():
    form = ContactForm()
    if request.method == "GET":
        return _render_form(form)
    if not form.validate_on_submit():
        return _render_form(form, status=422)
    contact = create_contact(current_user.region, form.values(), actor=current_user)
    flash("Het contact is toegevoegd.")
    return redirect_or_swap("contacts.show", contact_id=contact.id)


@bp.route("/<int:contact_id>/bewerken", methods=["GET", "POST"])
@roles_required(Role.COORDINATOR)
def update(contact_id):
    contact = _contact_or_404(contact_id)
    form = ContactForm()
    if request.method == "GET":
        form.load(contact)
        return _render_form(form, contact)
    if not form.validate_on_submit():
        return _render_form(form, contact, status=422)
    changes = update_contact(contact, form.values(), actor=current_user)
    flash("Opgeslagen." if changes else "Opgeslagen; er was niets veranderd. Het contact is nu wel als gecontroleerd gemarkeerd.")
    return redirect_or_swap("contacts.show", contact_id=contact.id)


@bp.post("/valideer")
@roles_required(Role.COORDINATOR)
def validate_field():
    """Inline validation while typing: the form comes back with the errors of the field just left."""
    form = ContactForm()
    form.validate()
    field = request.args.get("veld", "")
    for name, f in form._fields.items():
        if name != field:
            f.errors = []
    return _render_form(form, status=200)


@bp.post("/<int:contact_id>/klopt-nog")
@roles_required(Role.COORDINATOR)
def verify(contact_id):
    contact = _contact_or_404(contact_id)
    verify_contact(contact, actor=current_user)
    if is_htmx():
        return render_template("contacts/_verified.html", contact=contact)
    flash(f"Gecontroleerd: {contact.name}.")
    return redirect(request.referrer if request.referrer and request.referrer.startswith(request.host_url)
                    else url_for("contacts.stale"), code=303)


@bp.post("/<int:contact_id>/verwijderen")
@roles_required(Role.COORDINATOR)
def delete(contact_id):
    contact = _contact_or_404(contact_id)
    name = contact.name
    delete_contact(contact)
    flash(f"{name} is verwijderd uit het contactenboek.")
    return redirect(url_for("contacts.index"), code=303)


@bp.get("/controleren")
@roles_required(Role.COORDINATOR)
def stale():
    return render_template("contacts/stale.html", contacts=stale_contacts(current_user.region), now=utcnow())


@bp.get("/export.csv")
@roles_required(Role.COORDINATOR)
@recent_login_required
def export():
    contacts = region_contacts(current_user.region)
    record(AuditAction.EXPORT, object_type="contacts", details={"format": "csv", "rows": len(contacts)})
    return Response(export_csv(contacts), mimetype="text/csv",
                    headers={"Content-Disposition": 'attachment; filename="contactenboek.csv"'})


@bp.get("/contactenboek.vcf")
@recent_login_required
def vcard():
    contacts = region_contacts(current_user.region)
    record(AuditAction.EXPORT, object_type="contacts", details={"format": "vcard", "rows": len(contacts)})
    return Response(export_vcard(contacts), mimetype="text/vcard",
                    headers={"Content-Disposition": 'attachment; filename="contactenboek.vcf"'})


@bp.route("/importeren", methods=["GET", "POST"])
@roles_required(Role.COORDINATOR)
def import_csv():
    """Upload: every row is checked and shown; nothing is written until the whole file is right."""
    if request.method == "GET":
        return render_template("contacts/import.html", preview=None, text=None)
    upload = request.files.get("bestand")
    text = request.form.get("inhoud")
    if upload is not None and upload.filename:
        try:
            text = upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            return render_template("contacts/import.html", preview=None, text=None,
                                   error="Dit bestand is geen tekst in UTF-8. Sla het op als 'CSV UTF-8'."), 422
    if not text:
        return render_template("contacts/import.html", preview=None, text=None, error="Kies een CSV-bestand."), 422
    existing = {c.id: c for c in region_contacts(current_user.region)}
    preview = preview_import(text, existing)
    if request.form.get("bevestigen") == "ja" and preview.valid:
        created, updated = apply_import(preview, current_user.region, existing, actor=current_user)
        flash(f"Import klaar: {created} nieuw, {updated} gewijzigd, {preview.count('same')} ongewijzigd.")
        return redirect(url_for("contacts.index"), code=303)
    return render_template("contacts/import.html", preview=preview, text=text), 200 if preview.valid else 422
