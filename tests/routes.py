"""The app's routes with example arguments and the expected status per role: the access matrix.

Every route the app registers must appear here (test_access_matrix checks that), so a new
route cannot ship without a decision about who may use it.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

ROLES = ("anonymous", "hulpverlener", "wijkagent", "coordinator")
LOGIN = "login"  # anonymous users are sent to the login page (302)


@dataclass(frozen=True)
class Route:
    endpoint: str
    method: str
    url: str | Callable  # a callable gets the demo world and returns the URL (for ids)
    expected: dict = field(default_factory=dict)  # role -> status (or LOGIN)
    data: dict | None = None

    def url_for(self, demo) -> str:
        return self.url(demo) if callable(self.url) else self.url


def coordinator_only(status=200, others=403):
    return {"anonymous": LOGIN, "hulpverlener": others, "wijkagent": others, "coordinator": status}


def contact(name):
    return lambda demo: f"/contacten/{demo.contacts[name].id}"


def client(name, suffix=""):
    return lambda demo: f"/clienten/{demo.clients[name].public_id}{suffix}"


def care_only(status=200, wijkagent=403):
    return {"anonymous": LOGIN, "hulpverlener": status, "wijkagent": wijkagent, "coordinator": status}


def user(username, suffix=""):
    return lambda demo: f"/gebruikers/{demo.users[username].id}{suffix}"


def incident(which="sam", suffix=""):
    """An incident of the matrix world (tests/incidents_data.py): "sam" (own team, demo-wijkagent invited)
    or "noor" (another team, no police invited)."""
    from tests.incidents_data import matrix_objects

    return lambda demo: f"/incidenten/{matrix_objects(demo)[which]}{suffix}"


def matrix_object(key, template):
    from tests.incidents_data import matrix_objects

    return lambda demo: template.format(matrix_objects(demo)[key])


def hulpverlener_only(status=200, others=403):
    return {"anonymous": LOGIN, "hulpverlener": status, "wijkagent": others, "coordinator": others}


def everyone(status=200):
    return {role: status for role in ROLES}


def logged_in(**statuses):
    result = {"anonymous": LOGIN, "hulpverlener": 200, "wijkagent": 200, "coordinator": 200}
    result.update(statuses)
    return result


ROUTES = [
    Route("shell.home", "GET", "/", logged_in()),
    Route("shell.offline", "GET", "/offline", everyone()),
    Route("shell.service_worker", "GET", "/sw.js", everyone()),
    Route("shell.manifest", "GET", "/manifest.webmanifest", everyone()),
    Route("shell.health", "GET", "/healthz", everyone()),
    Route("shell.offline_manifest", "GET", "/offline-manifest.json", logged_in()),
    Route("shell.offline_clients", "GET", "/offline/clienten", everyone()),
    Route("api.openapi", "GET", "/api/v1/openapi.json", everyone()),
    Route("api.caseload", "GET", "/api/v1/caseload", {"anonymous": 401, "hulpverlener": 200, "wijkagent": 403,
                                                      "coordinator": 403}),
    Route("static", "GET", "/static/css/app.css", everyone()),
    Route("auth.login", "GET", "/login", {"anonymous": 200, "hulpverlener": 302, "wijkagent": 302, "coordinator": 302}),
    Route("auth.login", "POST", "/login", {"anonymous": 422, "hulpverlener": 302, "wijkagent": 302, "coordinator": 302},
          data={}),
    Route("auth.logout", "POST", "/logout", logged_in(hulpverlener=303, wijkagent=303, coordinator=303), data={}),
    # Between password and code: without a pending login, back to /login; logged in, to the home page.
    Route("auth.second_factor", "GET", "/login/code", logged_in(hulpverlener=302, wijkagent=302, coordinator=302)),
    Route("auth.second_factor", "POST", "/login/code", logged_in(hulpverlener=302, wijkagent=302, coordinator=302),
          data={}),
    Route("auth.enrol_at_login", "GET", "/login/instellen", logged_in(hulpverlener=302, wijkagent=302,
                                                                       coordinator=302)),
    Route("auth.enrol_at_login", "POST", "/login/instellen", logged_in(hulpverlener=302, wijkagent=302,
                                                                        coordinator=302), data={}),
    Route("auth.account", "GET", "/account", logged_in()),
    Route("auth.reauthenticate", "GET", "/account/bevestigen", logged_in()),
    Route("auth.reauthenticate", "POST", "/account/bevestigen", logged_in(hulpverlener=422, wijkagent=422,
                                                                          coordinator=422), data={}),
    Route("auth.change_own_password", "GET", "/account/wachtwoord", logged_in()),
    Route("auth.change_own_password", "POST", "/account/wachtwoord", logged_in(hulpverlener=422, wijkagent=422,
                                                                               coordinator=422), data={}),
    Route("auth.enrol", "GET", "/account/tweestapsverificatie", logged_in()),
    Route("auth.enrol", "POST", "/account/tweestapsverificatie", logged_in(hulpverlener=422, wijkagent=422,
                                                                           coordinator=422), data={}),
    Route("users.index", "GET", "/gebruikers/", coordinator_only()),
    Route("users.disable", "POST", user("demo-hulpverlener-oost", "/uitschakelen"), coordinator_only(303)),
    Route("users.enable", "POST", user("demo-hulpverlener-oost", "/inschakelen"), coordinator_only(303)),
    Route("users.reset_two_factor", "GET", user("demo-hulpverlener-oost", "/tweestaps-opnieuw"), coordinator_only()),
    Route("users.reset_two_factor", "POST", user("demo-hulpverlener-oost", "/tweestaps-opnieuw"), coordinator_only(303)),
    Route("audit.index", "GET", "/logboek/", coordinator_only()),
    Route("audit.own", "GET", "/logboek/mijn", logged_in()),
    Route("audit.client", "GET", lambda d: f"/logboek/clienten/{d.clients['Sam de Vries'].public_id}",
          coordinator_only()),
    Route("audit.user", "GET", lambda d: f"/logboek/gebruikers/{d.users['demo-hulpverlener'].id}", coordinator_only()),
    Route("flows.index", "GET", "/stappenplan/", logged_in()),
    Route("flows.belkaart", "GET", "/stappenplan/belkaart", logged_in()),
    Route("flows.start", "GET", "/stappenplan/politie-inschakelen/", logged_in(hulpverlener=302, wijkagent=302,
                                                                              coordinator=302)),
    Route("flows.step", "GET", "/stappenplan/politie-inschakelen/start", logged_in()),
    Route("flows.agreement", "GET", "/stappenplan/politie-inschakelen/stap-2-verzoek/regionaal", coordinator_only()),
    Route("flows.agreement", "POST", "/stappenplan/politie-inschakelen/stap-2-verzoek/regionaal", coordinator_only(422),
          data={"actie": "opslaan"}),
    Route("contacts.index", "GET", "/contacten/", logged_in()),
    Route("contacts.who", "GET", "/contacten/wie-bel-ik?postcode=3511", logged_in()),
    Route("contacts.call_table", "GET", "/contacten/bellen.json", logged_in()),
    Route("contacts.show", "GET", contact("Mark Visser"), logged_in()),
    Route("contacts.vcard", "GET", "/contacten/contactenboek.vcf", logged_in()),
    Route("contacts.create", "GET", "/contacten/nieuw", coordinator_only()),
    Route("contacts.create", "POST", "/contacten/nieuw", coordinator_only(422), data={}),
    Route("contacts.update", "GET", lambda d: contact("Mark Visser")(d) + "/bewerken", coordinator_only()),
    Route("contacts.update", "POST", lambda d: contact("Mark Visser")(d) + "/bewerken", coordinator_only(422), data={}),
    Route("contacts.validate_field", "POST", "/contacten/valideer?veld=phone", coordinator_only(), data={"phone": "12"}),
    Route("contacts.verify", "POST", lambda d: contact("Mark Visser")(d) + "/klopt-nog", coordinator_only(303)),
    Route("contacts.stale", "GET", "/contacten/controleren", coordinator_only()),
    Route("contacts.export", "GET", "/contacten/export.csv", coordinator_only()),
    Route("contacts.import_csv", "GET", "/contacten/importeren", coordinator_only()),
    Route("contacts.import_csv", "POST", "/contacten/importeren", coordinator_only(422), data={}),
    Route("clients.index", "GET", "/clienten/", logged_in(wijkagent=403)),
    Route("clients.create", "GET", "/clienten/nieuw", care_only()),
    Route("clients.create", "POST", "/clienten/nieuw", care_only(422), data={}),
    Route("clients.show", "GET", client("Sam de Vries"), care_only()),
    Route("clients.update", "GET", client("Sam de Vries", "/bewerken"), care_only()),
    Route("clients.update", "POST", client("Sam de Vries", "/bewerken"), care_only(422), data={}),
    Route("clients.edit_crisiskaart", "GET", client("Sam de Vries", "/crisiskaart"), care_only()),
    Route("clients.edit_crisiskaart", "POST", client("Sam de Vries", "/crisiskaart"), care_only(422), data={}),
    Route("clients.crisiskaart_version", "GET", client("Sam de Vries", "/crisiskaart/versies/1"), care_only()),
    Route("clients.consent", "POST", client("Sam de Vries", "/crisiskaart/toestemming"), care_only(400), data={}),
    Route("clients.edit_aop", "GET", client("Sam de Vries", "/aop"), care_only()),
    Route("clients.edit_aop", "POST", client("Sam de Vries", "/aop"), care_only(422), data={}),
    Route("clients.briefing", "GET", client("Sam de Vries", "/briefing"), care_only()),
    Route("clients.lookup", "GET", "/aop/", logged_in(hulpverlener=403, coordinator=403)),
    Route("clients.lookup", "POST", "/aop/", logged_in(hulpverlener=403, coordinator=403, wijkagent=422), data={}),
    Route("clients.police_edit_aop", "POST", "/aop/bewerken", logged_in(hulpverlener=403, coordinator=403,
                                                                        wijkagent=404), data={}),
    Route("notes.index", "GET", "/notities/", logged_in(wijkagent=403)),
    Route("notes.create", "POST", lambda d: f"/notities/clienten/{d.clients['Sam de Vries'].public_id}",
          logged_in(hulpverlener=422, wijkagent=403, coordinator=403), data={}),
    Route("visits.index", "GET", "/bezoeken/", logged_in(wijkagent=403)),
    Route("visits.plan", "POST", lambda d: f"/bezoeken/clienten/{d.clients['Sam de Vries'].public_id}/plannen",
          logged_in(hulpverlener=422, wijkagent=403, coordinator=403), data={}),
    Route("visits.checkin", "POST", "/bezoeken/00000000-0000-4000-8000-000000000001/binnen",
          logged_in(hulpverlener=404, wijkagent=403, coordinator=403), data={}),
    Route("visits.checkout", "POST", "/bezoeken/00000000-0000-4000-8000-000000000001/buiten",
          logged_in(hulpverlener=404, wijkagent=403, coordinator=403), data={}),
    Route("devices.index", "GET", "/apparaten/", coordinator_only()),
    Route("devices.revoke_device", "POST", "/apparaten/99999/intrekken", coordinator_only(404), data={}),
    Route("api.device_share", "POST", "/api/v1/device/share", {"anonymous": 401, "hulpverlener": 200, "wijkagent": 200,
                                                              "coordinator": 200}, data={}),
    Route("api.session", "GET", "/api/v1/session", {"anonymous": 401, "hulpverlener": 200, "wijkagent": 200,
                                                    "coordinator": 200}),
    Route("api.sync_push", "POST", "/api/v1/sync/push", {"anonymous": 401, "hulpverlener": 400, "wijkagent": 403,
                                                         "coordinator": 403}, data={}),
    Route("api.sync_pull", "GET", "/api/v1/sync/pull", {"anonymous": 401, "hulpverlener": 200, "wijkagent": 403,
                                                        "coordinator": 403}),
    # incidents: police see only what they were invited to, and only the police part
    Route("incidents.index", "GET", "/incidenten/", logged_in()),
    Route("incidents.dashboard", "GET", "/incidenten/overzicht", coordinator_only()),
    Route("incidents.export", "GET", "/incidenten/export.csv", coordinator_only()),
    Route("incidents.create", "GET", "/incidenten/nieuw?flow=politie-inschakelen&stap=bel-112", hulpverlener_only()),
    Route("incidents.offline_form", "GET", "/incidenten/offline", everyone()),
    Route("incidents.create", "POST", "/incidenten/nieuw", hulpverlener_only(422), data={}),
    Route("incidents.earlier", "GET", lambda d: f"/incidenten/eerder/{d.clients['Sam de Vries'].public_id}",
          care_only()),
    Route("incidents.show", "GET", incident("sam"), logged_in()),
    Route("incidents.show", "GET", incident("noor"), logged_in(hulpverlener=404, wijkagent=404)),
    Route("incidents.aangifte", "POST", incident("sam", "/aangifte"), care_only(303), data={}),
    Route("incidents.aangifte", "POST", incident("noor", "/aangifte"),
          {"anonymous": LOGIN, "hulpverlener": 404, "wijkagent": 403, "coordinator": 303}, data={}),
    Route("incidents.invite", "POST", incident("sam", "/uitnodigen"), care_only(422), data={}),
    Route("incidents.evaluate_ggz", "POST", incident("sam", "/evaluatie/ggz"), care_only(422), data={}),
    Route("incidents.evaluate_police", "POST", incident("sam", "/evaluatie/politie"),
          logged_in(hulpverlener=403, coordinator=403, wijkagent=422), data={}),
    Route("incidents.evaluate_police", "POST", incident("noor", "/evaluatie/politie"),
          logged_in(hulpverlener=403, coordinator=403, wijkagent=404), data={}),
    Route("incidents.add_action", "POST", incident("sam", "/acties"), care_only(422), data={}),
    Route("incidents.complete_action", "POST", matrix_object("action", "/incidenten/acties/{}/gedaan"),
          care_only(303)),
    Route("incidents.report_missing", "GET", lambda d: f"/incidenten/vermissing/{d.clients['Sam de Vries'].public_id}",
          care_only()),
    Route("incidents.report_missing", "POST", lambda d: f"/incidenten/vermissing/{d.clients['Sam de Vries'].public_id}",
          care_only(422), data={}),
    Route("incidents.client_returned", "POST", matrix_object("missing", "/incidenten/vermissing/melding/{}/terug"),
          care_only(303)),
    # last: it removes a contact the routes above use
    Route("contacts.delete", "POST", lambda d: contact("Meldkamer Middenland (partnerlijn)")(d) + "/verwijderen",
          coordinator_only(303)),
]
