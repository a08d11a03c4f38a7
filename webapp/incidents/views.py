from __future__ import annotations

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from webapp.access import deny, require, roles_required
from webapp.api.sync import push_from_form
from webapp.auth.models import Role, User
from webapp.clients.permissions import can_read_client
from webapp.clients.services import caseload, get_client, record_read
from webapp.db import db, utcnow
from webapp.flows.services import library
from webapp.incidents import bp
from webapp.incidents import services as svc
from webapp.incidents.forms import (ActionForm, AangifteForm, IncidentForm, InviteForm, MissingReportForm,
                                    evaluation_form, local_input, utc_from_input)
from webapp.incidents.models import EVALUATION_QUESTIONS, STRUCTURAL_QUESTIONS, IncidentAction, MissingReport
from webapp.incidents.permissions import (can_complete_action, can_create_incident, can_fill_police_part,
                                          can_list_incidents, can_manage_incident, can_read_incident,
                                          can_read_missing_report, can_read_police_part, can_report_missing)

CARE = (Role.HULPVERLENER, Role.COORDINATOR)
EVERYONE = (Role.HULPVERLENER, Role.COORDINATOR, Role.WIJKAGENT)


def personal(html, status=200):
    """Special-category data: never cached (the templates also keep it out of htmx's history)."""
    response = make_response(html, status)
    response.headers["Cache-Control"] = "no-store"
    return response


def _incident_or_404(incident_id: str, allowed):
    incident = svc.get_incident(incident_id)
    if incident is None:
        deny(404, object_type="incidents", object_id=incident_id[:64], reason="unknown incident")
    require(allowed(current_user, incident), obj=incident, client=incident.client,
            reason="incident outside the user's scope")
    return incident


# -- lists ---------------------------------------------------------------------------------------

@bp.get("/")
@roles_required(*EVERYONE)
def index():
    """Care: the team's (coordinator: organisation's) incidents and open tasks. Police: their invitations."""
    user = current_user
    require(can_list_incidents(user), status=403, reason="no incidents for this organisation")
    if user.role == Role.WIJKAGENT:
        return personal(render_template("incidents/police_index.html", incidents=svc.police_incidents(user),
                                        missing=svc.police_missing_reports(user),
                                        notifications=svc.notifications_for(user)))
    incidents = svc.care_incidents(user)
    return personal(render_template(
        "incidents/index.html", incidents=incidents, evaluations=[i for i in incidents if not i.evaluation_done],
        aangiftes=[i for i in incidents if i.aangifte_open], actions=svc.my_open_actions(user),
        missing=svc.team_missing_reports(user), today=svc.today()))


@bp.get("/overzicht")
@roles_required(Role.COORDINATOR)
def dashboard():
    require(current_user.is_care, status=403, reason="the overview is for care coordinators")
    counts = svc.monthly_counts(current_user.region.id, svc.today())
    tasks = svc.dashboard_counts(current_user)
    shown = {i.id: i for i in tasks["evaluations"] + tasks["aangiftes"] + [a.incident for a in tasks["overdue"]]}
    for incident in shown.values():
        svc.record_incident_read(incident, "overview")
    return personal(render_template("incidents/dashboard.html", counts=counts, chart=svc.chart(counts), **tasks))


@bp.get("/export.csv")
@roles_required(Role.COORDINATOR)
def export():
    require(current_user.is_care, status=403, reason="the export is for care coordinators")
    text, _rows = svc.export_csv(current_user)
    response = make_response("\ufeff" + text)  # a BOM, so spreadsheet programs read the accents right
    response.mimetype = "text/csv"
    response.headers["Content-Disposition"] = f'attachment; filename="incidenten-{svc.today():%Y-%m-%d}.csv"'
    response.headers["Cache-Control"] = "no-store"
    return response


# -- registering ---------------------------------------------------------------------------------

def _known_step(flow_id, step_id) -> bool:
    flow = library().get(flow_id or "")
    return bool(flow and flow.step(step_id or "") and flow.step(step_id).kind == "outcome")


@bp.route("/nieuw", methods=["GET", "POST"], defaults={"public_id": None})
@bp.route("/nieuw/<public_id>", methods=["GET", "POST"])
@roles_required(Role.HULPVERLENER)
def create(public_id):
    """The incident form. With JavaScript it goes to the phone's outbox first; without, it posts here,
    through the same protocol and checks ("incident.create")."""
    preselected = None
    if public_id:
        preselected = get_client(public_id) or abort(404)
        require(can_create_incident(current_user, preselected), obj=preselected, client=preselected,
                reason="client outside the caseload")
    form = IncidentForm()
    if request.method == "POST":
        result = push_from_form(current_user, "incident.create", form.payload(utcnow()))
        if result["status"] == "applied":
            flash("Het incident is vastgelegd.")
            return redirect(url_for("incidents.show", incident_id=result["id"]), code=303)
        problems = form.show_errors(result.get("errors") or {})
        chosen = get_client(form.client_id.data or "")
        return _render_form(form, chosen, problems or [result.get("reason", "")], 422)
    flow_id, step_id = request.args.get("flow"), request.args.get("stap")
    if _known_step(flow_id, step_id):
        form.flow_id.data, form.step_id.data = flow_id, step_id
        for name, value in svc.prefill_from_flow(flow_id, step_id).items():
            getattr(form, name).data = value
    form.occurred_at.data = local_input(utcnow())
    if preselected:
        form.client_id.data = preselected.public_id
    return _render_form(form, preselected)


def _render_form(form, chosen, problems=(), status=200):
    form.client_id.choices = [SelectChoice("", "Kies een cliënt")] + \
        [SelectChoice(c.public_id, c.name) for c in caseload(current_user)]
    structural = None
    if chosen is not None and can_create_incident(current_user, chosen):
        structural = svc.structural_use(chosen)
        record_read(chosen, what="incidents", reason="earlier police requests on the incident form")
    flow = library().get(form.flow_id.data or "")
    step = flow.step(form.step_id.data) if flow else None
    return personal(render_template("incidents/form.html", form=form, structural=structural, chosen=chosen,
                                    problems=[p for p in problems if p], flow=flow, step=step), status)


@bp.get("/offline")
def offline_form():
    """The incident form as the service worker keeps it for every user of this phone, for when
    /incidenten/nieuw cannot be reached. It holds no data: incidents.js fills the client choice
    from the phone's own caseload copy and the answers a flow's outcome implies from data-prefill."""
    form = IncidentForm(formdata=None, meta={"csrf": False})
    form.client_id.choices = [SelectChoice("", "Kies een cliënt")]
    prefill = {f"{flow}/{step}": values for (flow, step), values in svc.FLOW_PREFILL.items()}
    return render_template("incidents/offline_form.html", form=form, prefill=prefill, structural=None, chosen=None,
                           problems=[], flow=None, step=None)


@bp.get("/eerder/<public_id>")
@roles_required(*CARE)
def earlier(public_id):
    """The structural-use warning for one client, as a fragment: the incident form and the flow's
    outcome pages ask for it when a client is chosen (incidents.js)."""
    client = get_client(public_id) or abort(404)
    require(can_read_client(current_user, client), obj=client, client=client, reason="client outside the user's scope")
    use = svc.structural_use(client)
    record_read(client, what="incidents", reason="earlier police requests")
    return personal(render_template("incidents/_structural.html", structural=use, client=client, context="flow"))


# -- one incident --------------------------------------------------------------------------------

@bp.get("/<incident_id>")
@roles_required(*EVERYONE)
def show(incident_id):
    incident = _incident_or_404(incident_id, lambda u, i: can_read_incident(u, i) or can_read_police_part(u, i))
    if can_read_incident(current_user, incident):
        return render_care(incident)
    return render_police(incident)


def render_care(incident, status=200, **forms):
    svc.record_incident_read(incident, "care")
    structural = svc.incident_structural_use(incident)
    aangifte = forms.get("aangifte_form") or AangifteForm(formdata=None, status=(
        incident.aangifte_status.value if incident.aangifte_status else ""), reason=incident.aangifte_reason,
        domicilie=incident.aangifte_domicilie, reference=incident.aangifte_reference)
    suggested, police = svc.police_candidates(incident)
    invite = forms.get("invite_form") or InviteForm(formdata=None, police_user=(
        incident.police_user_id or (suggested.id if suggested else None)))
    invite.police_user.choices = _police_choices(police)
    ggz = forms.get("ggz_form") or evaluation_form(structural is not None, formdata=None,
                                                   data=incident.ggz_answers or {})
    action_form = forms.get("action_form") or ActionForm(formdata=None)
    _action_choices(action_form, incident)
    return personal(render_template(
        "incidents/show.html", incident=incident, client=incident.client, structural=structural,
        aangifte_form=aangifte, invite_form=invite, suggested=suggested, ggz_form=ggz, action_form=action_form,
        questions=EVALUATION_QUESTIONS, structural_questions=STRUCTURAL_QUESTIONS,
        domicile=svc.domicile_address(incident), today=svc.today()), status)


def render_police(incident, status=200, police_form=None):
    svc.record_incident_read(incident, "police")
    structural = svc.incident_structural_use(incident)
    form = police_form or evaluation_form(False, formdata=None, data=incident.police_answers or {})
    return personal(render_template("incidents/police_show.html", incident=incident, client=incident.client,
                                    structural=structural, form=form, questions=EVALUATION_QUESTIONS,
                                    structural_questions=STRUCTURAL_QUESTIONS,
                                    can_fill=can_fill_police_part(current_user, incident)), status)


def _police_choices(police):
    return [SelectChoice(u.id, f"{u.display_name} · {u.organisation.name}") for u in police]


def _action_choices(form, incident):
    """The 37 possible actions of 003, grouped by phase (Veldwijzer's grouping; 003 lists them in no order)."""
    phases = {p["id"]: p["label"] for p in library().get("na-incident").phases}
    actions = sorted(svc.possible_actions(), key=lambda a: list(phases).index(a.phase))
    form.action.choices = [SelectChoice("", "Kies een actie")] + \
        [SelectChoice(a.id, a.text, optgroup=phases[a.phase]) for a in actions]
    form.owner.choices = [SelectChoice(u.id, f"{u.display_name} · {u.organisation.name}")
                          for u in svc.organisation_users(incident)]
    if form.owner.data is None:
        form.owner.data = current_user.id


@bp.post("/<incident_id>/aangifte")
@roles_required(*CARE)
def aangifte(incident_id):
    incident = _incident_or_404(incident_id, can_manage_incident)
    form = AangifteForm()
    if not form.validate_on_submit():
        return render_care(incident, 422, aangifte_form=form)
    svc.set_aangifte(incident, {"status": form.status.data, "reason": (form.reason.data or "").strip(),
                                "domicilie": form.domicilie.data, "reference": (form.reference.data or "").strip()},
                     actor=current_user)
    flash("De aangifte is bijgewerkt.")
    return redirect(url_for("incidents.show", incident_id=incident.id) + "#aangifte", code=303)


@bp.post("/<incident_id>/uitnodigen")
@roles_required(*CARE)
def invite(incident_id):
    incident = _incident_or_404(incident_id, can_manage_incident)
    _suggested, police = svc.police_candidates(incident)
    form = InviteForm()
    form.police_user.choices = _police_choices(police)
    if not form.validate_on_submit():
        return render_care(incident, 422, invite_form=form)
    police_user = db.session.get(User, form.police_user.data)
    svc.invite_police(incident, police_user, actor=current_user)
    flash(f"{police_user.display_name} is uitgenodigd voor de evaluatie en ziet het politiedeel.")
    return redirect(url_for("incidents.show", incident_id=incident.id) + "#evaluatie", code=303)


@bp.post("/<incident_id>/evaluatie/ggz")
@roles_required(*CARE)
def evaluate_ggz(incident_id):
    incident = _incident_or_404(incident_id, can_manage_incident)
    structural = svc.incident_structural_use(incident) is not None
    form = evaluation_form(structural)
    if not form.validate_on_submit():
        return render_care(incident, 422, ggz_form=form)
    svc.save_evaluation_part(incident, "ggz", form.values(structural), actor=current_user)
    flash("Het GGZ-deel van de evaluatie is opgeslagen." + (" De evaluatie is afgerond." if incident.evaluation_done else ""))
    return redirect(url_for("incidents.show", incident_id=incident.id) + "#evaluatie", code=303)


@bp.post("/<incident_id>/evaluatie/politie")
@roles_required(Role.WIJKAGENT)
def evaluate_police(incident_id):
    incident = _incident_or_404(incident_id, can_fill_police_part)
    form = evaluation_form(False)
    if not form.validate_on_submit():
        return render_police(incident, 422, police_form=form)
    svc.save_evaluation_part(incident, "politie", form.values(False), actor=current_user)
    flash("Het politiedeel van de evaluatie is opgeslagen." + (" De evaluatie is afgerond." if incident.evaluation_done else ""))
    return redirect(url_for("incidents.show", incident_id=incident.id), code=303)


@bp.post("/<incident_id>/acties")
@roles_required(*CARE)
def add_action(incident_id):
    incident = _incident_or_404(incident_id, can_manage_incident)
    form = ActionForm()
    _action_choices(form, incident)
    if not form.validate_on_submit():
        return render_care(incident, 422, action_form=form)
    svc.add_action(incident, form.action.data or None, db.session.get(User, form.owner.data), form.due_on.data,
                   actor=current_user, own_text=form.own_text)
    flash("De actie is toegevoegd.")
    return redirect(url_for("incidents.show", incident_id=incident.id) + "#acties", code=303)


@bp.post("/acties/<int:action_id>/gedaan")
@roles_required(*CARE)
def complete_action(action_id):
    action = db.session.get(IncidentAction, action_id)
    if action is None:
        deny(404, object_type="incident_actions", object_id=action_id, reason="unknown action")
    require(can_complete_action(current_user, action), obj=action, client=action.incident.client,
            reason="action outside the user's scope")
    svc.complete_action(action, actor=current_user)
    flash("De actie staat op gedaan.")
    if can_read_incident(current_user, action.incident):
        return redirect(url_for("incidents.show", incident_id=action.incident_id) + "#acties", code=303)
    return redirect(url_for("incidents.index"), code=303)


# -- missing clients -----------------------------------------------------------------------------

@bp.route("/vermissing/<public_id>", methods=["GET", "POST"])
@roles_required(*CARE)
def report_missing(public_id):
    client = get_client(public_id) or abort(404)
    require(can_report_missing(current_user, client), obj=client, client=client, reason="client outside the user's scope")
    form = MissingReportForm()
    suggested, police = svc.police_candidates_for_client(client)
    form.police_user.choices = [SelectChoice(0, "Niemand: ik meld het zelf terug")] + _police_choices(police)
    if request.method == "GET":
        record_read(client, what="missing_reports")
        form.reported_at.data = local_input(utcnow())
        form.police_user.data = suggested.id if suggested else 0
    elif form.validate_on_submit():
        svc.report_missing(client, {"reported_at": utc_from_input(form.reported_at.data),
                                    "told_whom": form.told_whom.data.strip(),
                                    "reference": (form.reference.data or "").strip() or None,
                                    "police_user_id": form.police_user.data or None}, actor=current_user)
        flash("De vermissing is vastgelegd. Tik op 'Cliënt is terug' zodra de cliënt terug is: dan hoort de politie het.")
        return redirect(url_for("clients.show", public_id=client.public_id), code=303)
    status = 422 if request.method == "POST" else 200
    return personal(render_template("incidents/missing_form.html", form=form, client=client,
                                    open_report=svc.open_missing_report(client)), status)


@bp.post("/vermissing/melding/<int:report_id>/terug")
@roles_required(*CARE)
def client_returned(report_id):
    report = db.session.get(MissingReport, report_id)
    if report is None:
        deny(404, object_type="missing_reports", object_id=report_id, reason="unknown missing report")
    require(can_read_missing_report(current_user, report), obj=report, client=report.client,
            reason="missing report outside the user's scope")
    if not report.is_open:
        flash("Deze cliënt was al teruggemeld.")
    else:
        told = svc.client_returned(report, actor=current_user)
        flash("Teruggemeld: de politie heeft bericht gekregen." if told else
              "Vastgelegd dat de cliënt terug is. Er staat geen politiecontact in de app: bel de politie om het terug te melden.")
    return redirect(url_for("clients.show", public_id=report.client.public_id), code=303)
