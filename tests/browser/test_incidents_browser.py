"""Issue 7 at a phone's size: an incident registered from the flow's outcome without a server reaches
it exactly once, the coordinator sees it needs an evaluation, the wijkagent fills in the police part
and the evaluation closes."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests.browser.conftest import (PHONE, log_in, open_sam_ready_for_offline, screenshot, set_up_pin,
                                    wait_until_offline_ready)

pytestmark = pytest.mark.browser

QUESTIONS = ["Hoe verliep de inzet, en waarom is zo gehandeld?", "Zit de cliënt nu op de juiste plek?",
             "Hoe ging de samenwerking tussen GGZ en politie?", "Welke stappen worden gezet om het risico te verlagen?",
             "Kan politie-inzet de volgende keer worden voorkomen?", "Zijn er nieuwe afspraken nodig? Welke?"]
DESCRIPTION = "Sam gooide een stoel tegen de muur en riep: 'ga weg of ik sla je'. Hij liep op mij af."


def stored_incidents(app):
    from webapp.db import db
    from webapp.incidents.models import Incident

    with app.app_context():
        rows = db.session.scalars(select(Incident)).all()
        result = [(i.description, i.situation.value, i.police_called.value, i.step_id, i.client.name) for i in rows]
        db.session.remove()
        return result


def phone(browser):
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True,
                                  locale="nl-NL", timezone_id="Europe/Amsterdam")
    context.set_default_timeout(15_000)
    return context


def answer_all(page, prefix):
    for i, question in enumerate(QUESTIONS):
        page.get_by_label(question).fill(f"{prefix}: antwoord {i + 1}.")


def test_incident_offline_from_the_flow_then_evaluated_by_ggz_and_police(browser, context, live_app, live_server):
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    log_in(page, live_server, "demo-hulpverlener")
    set_up_pin(page)
    expect(page.get_by_role("link", name="Incident vastleggen")).to_be_visible()  # a tile on the home page
    screenshot(page, "incident-home-hulpverlener")

    # The flow, for Sam: "acute noodsituatie" to its outcome.
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Cliënten").click()
    page.get_by_role("link", name="Sam de Vries").click()
    page.get_by_role("link", name="Politie nodig? Stappenplan").click()
    page.get_by_role("link", name="Nu gevaar, we houden het niet in de hand").click()
    expect(page.get_by_role("heading", name="Bel nu 112")).to_be_visible()
    expect(page.locator("#selected-client")).to_contain_text("Sam de Vries")
    screenshot(page, "incident-flow-outcome")

    page.get_by_role("link", name="Incident vastleggen").click()
    expect(page.get_by_role("heading", name="Incident vastleggen")).to_be_visible()
    wait_until_offline_ready(page)
    # the selected client is chosen, the kind of situation and the call come from the outcome
    expect(page.get_by_label("Cliënt", exact=True)).to_have_value(live_app_client_id(live_app, "Sam de Vries"))
    expect(page.get_by_label("Acute noodsituatie")).to_be_checked()
    expect(page.get_by_label("Ja, 112")).to_be_checked()

    live_server.stop()
    page.get_by_role("button", name="Incident vastleggen").click()  # nothing filled in yet: told so, on the phone
    expect(page.locator("#field-description")).to_contain_text("Beschrijf wat er gebeurde")
    page.get_by_label("Ambulant (bij de cliënt, thuis of buiten)").check()
    page.get_by_label("Wat gebeurde er?").fill(DESCRIPTION)
    page.get_by_label("Letsel (optioneel)").fill("Geen.")
    page.get_by_role("button", name="Incident vastleggen").click()
    expect(page.get_by_text("Opgeslagen op deze telefoon.")).to_be_visible()
    expect(page.locator("[data-incident-outbox]")).to_contain_text("Nog niet verstuurd")
    expect(page.locator("[data-incident-outbox]")).to_contain_text("Sam de Vries")
    expect(page.locator("#sync-bar")).to_contain_text("1 incident wacht")
    expect(page.get_by_label("Wat gebeurde er?")).to_have_value("")
    screenshot(page, "incident-waiting-offline")
    assert stored_incidents(live_app) == []

    live_server.start()
    page.get_by_role("button", name="Nu synchroniseren").click()
    expect(page.locator("#sync-bar")).to_contain_text("Alles verstuurd", timeout=20_000)
    expect(page.locator("[data-incident-outbox]")).to_be_hidden()
    assert stored_incidents(live_app) == [(DESCRIPTION, "acuut", "112", "bel-112", "Sam de Vries")]
    page.get_by_role("button", name="Nu synchroniseren").click()  # again: still exactly once
    page.reload()
    expect(page.locator("#sync-bar")).to_contain_text("Alles verstuurd")
    assert len(stored_incidents(live_app)) == 1
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Incidenten").click()
    expect(page.locator(".incident", has_text="Sam de Vries").first).to_contain_text("Evaluatie open")
    screenshot(page, "incident-care-list")
    assert not errors, errors

    # The coordinator: it needs an evaluation. Invite the wijkagent of Sam's area, fill in the GGZ part.
    coordinator_context = phone(browser)
    coordinator = coordinator_context.new_page()
    log_in(coordinator, live_server, "demo-coordinator")
    screenshot(coordinator, "incident-home-coordinator")
    coordinator.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Incidenten").click()
    open_evaluations = coordinator.get_by_role("heading", name="Evaluatie open (1)")
    expect(open_evaluations).to_be_visible()
    coordinator.get_by_role("link", name="Overzicht voor de regio").click()
    expect(coordinator.get_by_role("heading", name="Evaluatie open (1)")).to_be_visible()
    expect(coordinator.locator("svg .chart-bar")).to_have_count(12)
    screenshot(coordinator, "incident-coordinator-overview")
    coordinator.get_by_role("link", name="Sam de Vries").first.click()
    expect(coordinator.locator(".badge", has_text="Evaluatie open")).to_be_visible()
    expect(coordinator.get_by_label("Wie van de politie?")).to_have_value(live_app_user_id(live_app, "demo-wijkagent"))
    coordinator.get_by_role("button", name="Uitnodigen").click()
    expect(coordinator.get_by_text("Mark Visser is uitgenodigd voor de evaluatie")).to_be_visible()
    answer_all(coordinator, "GGZ")
    coordinator.get_by_role("button", name="GGZ-deel opslaan").click()
    expect(coordinator.get_by_text("Het GGZ-deel van de evaluatie is opgeslagen.")).to_be_visible()
    expect(coordinator.locator(".evaluation-state")).to_contain_text("het politiedeel")
    screenshot(coordinator, "incident-coordinator-ggz-part")
    incident_url = coordinator.url.split("#")[0]

    # The wijkagent: only the police part and the evaluation.
    police_context = phone(browser)
    police = police_context.new_page()
    log_in(police, live_server, "demo-wijkagent")
    police.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Incidenten").click()
    expect(police.get_by_role("heading", name="Jouw deel nog invullen (1)")).to_be_visible()
    police.get_by_role("link", name="Sam de Vries").click()
    expect(police.get_by_text("GGZ: antwoord 1.")).to_be_visible()
    expect(police.get_by_text(DESCRIPTION)).to_have_count(0)
    answer_all(police, "Politie")
    police.get_by_role("button", name="Politiedeel opslaan").click()
    expect(police.get_by_text("De evaluatie is afgerond.")).to_be_visible()
    expect(police.locator(".badge", has_text="Evaluatie afgerond")).to_be_visible()
    screenshot(police, "incident-police-part-done")

    coordinator.goto(incident_url)
    expect(coordinator.locator(".evaluation-state")).to_have_text("Afgerond: beide delen zijn ingevuld.")
    coordinator.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Incidenten").click()
    expect(coordinator.get_by_role("heading", name="Evaluatie open (0)")).to_be_visible()
    police_context.close()
    coordinator_context.close()


def live_app_client_id(app, name):
    from webapp.clients.models import Client
    from webapp.db import db

    with app.app_context():
        value = db.session.scalar(select(Client.public_id).where(Client.name == name))
        db.session.remove()
        return value


def live_app_user_id(app, username):
    from webapp.auth.models import User
    from webapp.db import db

    with app.app_context():
        value = db.session.scalar(select(User.id).where(User.username == username))
        db.session.remove()
        return str(value)


def add_earlier_incidents(app, client_name, days_ago):
    """Earlier police requests for a client, straight into the live app's database."""
    import datetime as dt
    import uuid

    from webapp.auth.models import User
    from webapp.clients.models import Client
    from webapp.db import db, utcnow
    from webapp.incidents.models import Incident, PoliceCalled, Setting, Situation

    with app.app_context():
        client = db.session.scalar(select(Client).where(Client.name == client_name))
        reporter = db.session.scalar(select(User).where(User.username == "demo-hulpverlener"))
        dates = []
        for days in days_ago:
            when = utcnow() - dt.timedelta(days=days)
            dates.append(when)
            db.session.add(Incident(id=str(uuid.uuid4()), client_id=client.id, region_id=client.organisation.region_id,
                                    occurred_at=when, setting=Setting.AMBULANT, situation=Situation.PLANBAAR,
                                    police_called=PoliceCalled.WIJKAGENT, description="Politie hielp bij het depot.",
                                    reported_by_id=reporter.id, written_at=when, aangifte_domicilie=False))
        db.session.commit()
        db.session.remove()
        return dates


def test_the_flow_warns_for_the_selected_client_and_the_terugmelding_is_one_tap(browser, context, live_app,
                                                                                  live_server):
    from webapp.incidents.services import local

    dates = add_earlier_incidents(live_app, "Sam de Vries", [90, 30])
    page = context.new_page()
    log_in(page, live_server, "demo-hulpverlener")
    set_up_pin(page)
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Cliënten").click()
    page.get_by_role("link", name="Sam de Vries").click()
    sam_url = page.url
    page.get_by_role("link", name="Politie nodig? Stappenplan").click()
    page.get_by_role("link", name="Geweld verwacht bij een bezoek of afspraak").click()
    page.get_by_role("link", name="Ja, maar het risico blijft te groot").click()
    page.get_by_role("link", name="Naar stap 2: vraag de politie").click()
    expect(page.get_by_role("heading", name="Stap 2: vraag de politie om steun")).to_be_visible()
    warning = page.locator(".structural")
    expect(warning).to_contain_text("Geplande politiesteun voor Sam de Vries wordt structureel")
    for when in dates:
        expect(warning).to_contain_text(local(when).strftime("%d-%m-%Y"))
    expect(warning).to_contain_text("inspanningsverplichting")
    screenshot(page, "incident-flow-structural-warning")

    page.get_by_role("link", name="Incident vastleggen").click()
    expect(page.get_by_label("Planbare noodsituatie")).to_be_checked()
    expect(page.get_by_label("Ja, Wijkagent")).to_be_checked()
    expect(page.locator("#incident-form .structural")).to_contain_text("wordt structureel")
    page.get_by_label("Cliënt", exact=True).select_option(label="Daan Bos")  # another client: no warning
    expect(page.locator("#incident-form .structural")).to_have_count(0)

    # A missing client: recorded, then one tap tells the police contact.
    page.goto(sam_url)
    page.get_by_role("link", name="Vermissing vastleggen").click()
    expect(page.get_by_label("Wie van de politie krijgt de terugmelding in de app?")).to_contain_text("Mark Visser")
    page.get_by_label("Aan wie bij de politie?").fill("Meldkamer via 0900-8844")
    page.get_by_label("Registratienummer politie (optioneel)").fill("PL-2026-0815")
    page.get_by_role("button", name="Vermissing vastleggen").click()
    expect(page.get_by_role("heading", name="Vermist gemeld")).to_be_visible()
    screenshot(page, "incident-client-missing")
    page.get_by_role("button", name="Cliënt is terug").click()
    expect(page.get_by_text("Teruggemeld: de politie heeft bericht gekregen.")).to_be_visible()
    expect(page.get_by_role("button", name="Cliënt is terug")).to_have_count(0)

    police_context = phone(browser)
    police = police_context.new_page()
    log_in(police, live_server, "demo-wijkagent")
    police.get_by_role("link", name="Evaluaties").click()
    expect(police.locator(".incident", has_text="Sam de Vries")).to_contain_text("Terug")
    expect(police.get_by_text("Terugmelding:")).to_contain_text("PL-2026-0815")
    screenshot(police, "incident-police-terugmelding")
    police_context.close()


def test_the_incident_form_opens_without_a_connection_from_a_kept_flow_outcome(context, live_app, live_server):
    """The hulpverlener is already offline at the outcome: the form comes from the phone, with the
    client and the outcome's answers filled in, and the incident still reaches the server once."""
    page = context.new_page()
    open_sam_ready_for_offline(page, live_server)
    page.get_by_role("link", name="Politie nodig? Stappenplan").click()  # selects Sam
    expect(page.get_by_role("heading", name="Wat is er aan de hand?")).to_be_visible()

    live_server.stop()
    page.goto(live_server.url + "/stappenplan/politie-inschakelen/heterdaad-112")  # kept by the service worker
    expect(page.get_by_role("heading", name="Bel 112: je ziet een strafbaar feit")).to_be_visible()
    page.get_by_role("link", name="Incident vastleggen").click()
    expect(page.get_by_text("Geen verbinding. Je kiest uit de cliënten die op deze telefoon staan.")).to_be_visible()
    expect(page.get_by_label("Cliënt", exact=True)).to_have_value(live_app_client_id(live_app, "Sam de Vries"))
    expect(page.get_by_label("Strafbaar feit", exact=True)).to_be_checked()
    expect(page.get_by_label("Ja, 112")).to_be_checked()
    page.get_by_label("Klinisch (in de instelling)").check()
    page.get_by_label("Wat gebeurde er?").fill("Sam sloeg een verpleegkundige in het gezicht.")
    page.get_by_label("Te doen").check()
    page.get_by_role("button", name="Incident vastleggen").click()
    expect(page.locator("[data-incident-outbox]")).to_contain_text("Nog niet verstuurd")
    screenshot(page, "incident-offline-shell")
    assert stored_incidents(live_app) == []

    live_server.start()
    page.get_by_role("button", name="Nu synchroniseren").click()
    expect(page.locator("#sync-bar")).to_contain_text("Alles verstuurd", timeout=20_000)
    assert stored_incidents(live_app) == [("Sam sloeg een verpleegkundige in het gezicht.", "strafbaar_feit", "112",
                                           "heterdaad-112", "Sam de Vries")]
