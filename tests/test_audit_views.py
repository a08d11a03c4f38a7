"""The NEN 7513 views: for coordinators per client and per employee, own organisation only; for
everyone their own actions; filtered by period, and every reading of the log is logged itself."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import select

from webapp.audit.models import AuditAction, AuditEvent, AuditOutcome
from webapp.auth.models import Role
from webapp.db import utcnow


def rows(db, **where):
    query = select(AuditEvent).order_by(AuditEvent.id)
    for key, value in where.items():
        query = query.where(getattr(AuditEvent, key) == value)
    return db.session.scalars(query).all()


def table_rows(html):
    body = re.search(r"<tbody>(.*?)</tbody>", html, re.S)
    return re.findall(r"<tr[^>]*>(.*?)</tr>", body.group(1), re.S) if body else []


def old_event(db, client, days, reason):
    event = AuditEvent(at=utcnow() - dt.timedelta(days=days), action=AuditAction.READ, object_type="clients",
                       object_id=str(client.id), client_id=client.id, outcome=AuditOutcome.SUCCESS, reason=reason,
                       username="oud-account", role=Role.HULPVERLENER, organisation_name="GGZ Veldhaven")
    db.session.add(event)
    db.session.commit()
    return event


@pytest.fixture
def other_organisation_client(db, demo):
    from webapp.clients.models import Client
    from webapp.organisations.models import Organisation, OrganisationKind

    region = demo.orgs["GGZ Veldhaven"].region
    org = Organisation(name="GGZ Elders", kind=OrganisationKind.GGZ_INSTELLING, region=region)
    db.session.add(org)
    db.session.flush()
    client = Client(date_of_birth=dt.date(1990, 1, 1), postcode="3515AA", postcode_area="3515", house_number="1",
                    client_number="E-1", organisation_id=org.id, team_id=org.id)
    client.set_name("Eva Elders")
    db.session.add(client)
    db.session.commit()
    return client


def test_the_client_log_shows_who_did_what_on_which_ground(app, demo, login_as):
    sam = demo.clients["Sam de Vries"]
    old_event(demo.db, sam, 60, "oude inzage")
    hulpverlener = login_as(demo.user("demo-hulpverlener"))
    assert hulpverlener.get(f"/clienten/{sam.public_id}").status_code == 200
    coordinator = login_as(demo.user("demo-coordinator"))

    response = coordinator.get(f"/logboek/clienten/{sam.public_id}")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    [row] = table_rows(response.text)  # the last 30 days by default: the 60-day-old read is not in it
    for text in ("demo-hulpverlener", "FACT-team Domstad-Centrum", "Hulpverlener", "ingezien", "cliëntgegevens",
                 "gelukt"):
        assert text in row, text

    wide = coordinator.get(f"/logboek/clienten/{sam.public_id}?start={(dt.date.today() - dt.timedelta(days=90))}")
    found = table_rows(wide.text)
    assert len(found) == 3  # the old read, the hulpverlener's read, and the coordinator's first look at this log
    assert "oude inzage" in found[0] and "demo-hulpverlener" in found[1]  # oldest first
    assert "logboek" in found[2] and "NEN 7513: logboek per cliënt" in found[2]


def test_reading_the_client_log_is_logged(demo, login_as):
    sam = demo.clients["Sam de Vries"]
    coordinator = demo.user("demo-coordinator")
    client = login_as(coordinator)
    client.get(f"/logboek/clienten/{sam.public_id}?start=2026-01-01&end=2026-12-31")
    [row] = rows(demo.db, action=AuditAction.READ, object_type="audit_events")
    assert row.user_id == coordinator.id and row.client_id == sam.id and row.outcome == AuditOutcome.SUCCESS
    assert row.details == {"scope": "client", "from": "2026-01-01", "to": "2026-12-31", "rows": 0}
    assert row.route == "audit.client"


def test_a_client_of_another_organisation_is_not_found(demo, login_as, other_organisation_client):
    client = login_as(demo.user("demo-coordinator"))
    response = client.get(f"/logboek/clienten/{other_organisation_client.public_id}")
    assert response.status_code == 404 and "Eva Elders" not in response.text
    [denied] = rows(demo.db, action=AuditAction.ACCESS_DENIED)
    assert denied.client_id == other_organisation_client.id and denied.outcome == AuditOutcome.DENIED
    assert rows(demo.db, object_type="audit_events") == []  # nothing was read
    assert client.get("/logboek/clienten/bestaat-niet").status_code == 404


def test_only_coordinators_read_the_log(demo, login_as):
    sam = demo.clients["Sam de Vries"]
    client = login_as(demo.user("demo-hulpverlener"))
    assert client.get(f"/logboek/clienten/{sam.public_id}").status_code == 403
    assert client.get(f"/logboek/gebruikers/{demo.user('demo-hulpverlener').id}").status_code == 403
    assert rows(demo.db, object_type="audit_events") == []


def test_the_employee_log_shows_their_actions_and_failed_logins(app, demo, login, login_as):
    employee = demo.user("demo-hulpverlener")
    login("demo-hulpverlener", "fout-wachtwoord", test_client=app.test_client())
    worker = login_as(employee)
    worker.get(f"/clienten/{demo.clients['Sam de Vries'].public_id}")
    worker.get("/logboek/")  # refused: 403, audited
    coordinator = login_as(demo.user("demo-coordinator"))

    response = coordinator.get(f"/logboek/gebruikers/{employee.id}")
    assert response.status_code == 200
    found = table_rows(response.text)
    actions = [re.findall(r"<td>(.*?)</td>", r, re.S)[3] for r in found]
    assert actions == ["inloggen mislukt", "ingelogd", "ingezien", "toegang geweigerd"]
    assert "bad credentials" in found[0] and "niet ingelogd (demo-hulpverlener)" in found[0]
    assert not any("demo-coordinator" in r for r in found)  # the coordinator's own login is not this log
    [read] = rows(demo.db, action=AuditAction.READ, object_type="audit_events")
    assert read.details["scope"] == "user" and read.details["user_id"] == employee.id


def test_an_employee_of_another_organisation_is_not_found(demo, login_as, make_user):
    stranger = make_user("hulpverlener")
    client = login_as(demo.user("demo-coordinator"))
    assert client.get(f"/logboek/gebruikers/{stranger.id}").status_code == 404
    assert client.get(f"/logboek/gebruikers/{demo.user('demo-wijkagent').id}").status_code == 404  # police
    denied = rows(demo.db, action=AuditAction.ACCESS_DENIED)
    assert [r.object_id for r in denied] == [str(stranger.id), str(demo.user("demo-wijkagent").id)]
    assert rows(demo.db, object_type="audit_events") == []


def test_a_wrong_period_is_named_next_to_the_field(demo, login_as):
    client = login_as(demo.user("demo-coordinator"))
    sam = demo.clients["Sam de Vries"]
    response = client.get(f"/logboek/clienten/{sam.public_id}?start=2026-13-01&end=2026-01-01")
    assert response.status_code == 422
    assert '<p class="field-error" id="start-error">Vul een geldige datum in (dag-maand-jaar).</p>' in response.text
    backwards = client.get(f"/logboek/clienten/{sam.public_id}?start=2026-02-01&end=2026-01-01")
    assert backwards.status_code == 422 and "vóór de begindatum" in backwards.text
    assert rows(demo.db, object_type="audit_events") == []


@pytest.mark.parametrize("username", ["demo-hulpverlener", "demo-wijkagent"])
def test_everyone_reads_their_own_actions_and_nobody_elses(app, demo, login, login_as, username):
    me = demo.user(username)
    login(username, "fout-wachtwoord", test_client=app.test_client())
    login_as(demo.user("demo-coordinator")).get("/logboek/")  # someone else's action: not in my log
    client = login_as(me)
    client.get("/logboek/")  # refused (403, audited): my action

    account = client.get("/account").text
    assert 'href="/logboek/mijn"' in account
    response = client.get("/logboek/mijn")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    assert "<h1>Mijn logboek</h1>" in response.text
    found = table_rows(response.text)
    actions = [re.findall(r"<td>(.*?)</td>", r, re.S)[3] for r in found]
    assert actions == ["inloggen mislukt", "ingelogd", "toegang geweigerd"]
    assert not any("demo-coordinator" in r for r in found)

    [read] = rows(demo.db, action=AuditAction.READ, object_type="audit_events")
    assert read.user_id == me.id and read.reason == "NEN 7513: eigen logboek" and read.details["scope"] == "own"
    assert read.route == "audit.own"
    # A second look shows the first reading of the log too: reading it is itself logged.
    again = [re.findall(r"<td>(.*?)</td>", r, re.S)[3] for r in table_rows(client.get("/logboek/mijn").text)]
    assert again[-1] == "ingezien" and len(again) == 4
