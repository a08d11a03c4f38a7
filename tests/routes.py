"""The app's routes with example arguments and the expected status per role: the access matrix.

Every route the app registers must appear here (test_access_matrix checks that), so a new
route cannot ship without a decision about who may use it.
"""
from __future__ import annotations

from dataclasses import dataclass, field

ROLES = ("anonymous", "hulpverlener", "wijkagent", "coordinator")
LOGIN = "login"  # anonymous users are sent to the login page (302)


@dataclass(frozen=True)
class Route:
    endpoint: str
    method: str
    url: str
    expected: dict = field(default_factory=dict)  # role -> status (or LOGIN)
    data: dict | None = None


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
    Route("static", "GET", "/static/css/app.css", everyone()),
    Route("auth.login", "GET", "/login", {"anonymous": 200, "hulpverlener": 302, "wijkagent": 302, "coordinator": 302}),
    Route("auth.login", "POST", "/login", {"anonymous": 422, "hulpverlener": 302, "wijkagent": 302, "coordinator": 302},
          data={}),
    Route("auth.logout", "POST", "/logout", logged_in(hulpverlener=303, wijkagent=303, coordinator=303), data={}),
    Route("flows.index", "GET", "/stappenplan/", logged_in()),
    Route("flows.belkaart", "GET", "/stappenplan/belkaart", logged_in()),
    Route("flows.start", "GET", "/stappenplan/politie-inschakelen/", logged_in(hulpverlener=302, wijkagent=302,
                                                                              coordinator=302)),
    Route("flows.step", "GET", "/stappenplan/politie-inschakelen/start", logged_in()),
    Route("contacts.index", "GET", "/contacten/", logged_in()),
    Route("clients.index", "GET", "/clienten/", logged_in(wijkagent=403)),
    Route("clients.lookup", "GET", "/aop/", logged_in(hulpverlener=403, coordinator=403)),
    Route("notes.index", "GET", "/notities/", logged_in(wijkagent=403)),
]
