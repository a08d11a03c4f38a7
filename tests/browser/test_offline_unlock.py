"""Offline at the door (issue 13): the crisiskaart opens without a connection after the app was
closed and its service worker stopped, with the PIN or a passkey, within the offline window."""
from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PIN, log_in, open_sam_ready_for_offline, screenshot, wait_for
from tests.browser.test_clients_browser import COUNT_ROWS
from tests.browser.test_notes_offline import stored_notes, write_note

pytestmark = pytest.mark.browser


def stop_app_and_worker(context, page):
    """Close the app and stop its service worker (mobile browsers do this within minutes): the
    key the worker held in memory is gone. Returns a new page of the same phone."""
    page.close()
    fresh = context.new_page()
    cdp = context.new_cdp_session(fresh)
    cdp.send("ServiceWorker.enable")
    cdp.send("ServiceWorker.stopAllWorkers")
    cdp.detach()
    return fresh


def sam_ready_then_phone_cut_off(context, live_server):
    """Sam opened online with a PIN; then the app closed and its worker stopped (the key it held is
    gone), and the server down."""
    page = context.new_page()
    sam_url = open_sam_ready_for_offline(page, live_server)
    page = stop_app_and_worker(context, page)
    live_server.stop()
    return page, sam_url


def localhost(server):
    """WebAuthn needs a domain as its relying party, not an IP address."""
    return SimpleNamespace(url=f"http://localhost:{server.port}")


def add_passkey_authenticator(context, page):
    cdp = context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send("WebAuthn.addVirtualAuthenticator", {"options": {
        "protocol": "ctap2", "ctap2Version": "ctap2_1", "transport": "internal", "hasResidentKey": True,
        "hasUserVerification": True, "isUserVerified": True, "hasPrf": True, "automaticPresenceSimulation": True}})
    return cdp


def unlock_offline_with_pin(page, pin=PIN):
    panel = page.locator("#vault")
    expect(panel.get_by_role("heading", name="Veldwijzer is vergrendeld")).to_be_visible()
    expect(panel.get_by_text(re.compile("Zonder verbinding ontgrendelen kan tot"))).to_be_visible()
    panel.get_by_role("textbox", name="Pincode").fill(pin)
    panel.get_by_role("button", name="Ontgrendelen").click()


def sam_offline_then_note_exactly_once(page, live_app, live_server, sam_url, unlock, name):
    if live_server.running:
        live_server.stop()
    page.goto(sam_url)
    expect(page.locator("#connection")).to_contain_text("Offline")
    expect(page.get_by_role("heading", name="Vergrendeld", exact=True)).to_be_visible()
    screenshot(page, f"offline-unlock-{name}-locked")
    unlock(page)
    expect(page.get_by_role("heading", name="Sam de Vries")).to_be_visible()
    expect(page.get_by_text(re.compile("Ik gebruik lithium"))).to_be_visible()
    screenshot(page, f"offline-unlock-{name}-crisiskaart")

    # From the menu, as on any day: Notities, choose the client from the phone's copy, write.
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Notities").click()
    expect(page.get_by_role("heading", name="Notitie maken")).to_be_visible()
    page.get_by_role("link", name="Sam de Vries").click()
    text = f"Trappenhuis zonder bereik ({name}): Sam rustig, afspraak morgen."
    write_note(page, text)
    page.get_by_role("link", name="Politie-briefing").click()
    expect(page.get_by_role("heading", name="Politie-briefing")).to_be_visible()
    expect(page.get_by_text(re.compile("Ik gebruik lithium")).first).to_be_visible()
    assert stored_notes(live_app) == []

    live_server.start()
    page.goto(sam_url)
    page.get_by_role("button", name="Nu synchroniseren").click()
    expect(page.locator("#sync-bar")).to_contain_text("Alles verstuurd", timeout=20_000)
    page.get_by_role("button", name="Nu synchroniseren").click()
    page.reload()
    expect(page.locator("#sync-bar")).to_contain_text("Alles verstuurd")
    assert stored_notes(live_app) == [text]


def test_with_the_pin_sam_opens_offline_after_the_app_and_its_worker_were_stopped(context, live_app, live_server):
    page, sam_url = sam_ready_then_phone_cut_off(context, live_server)
    sam_offline_then_note_exactly_once(page, live_app, live_server, sam_url, unlock_offline_with_pin, "pin")


def test_with_a_passkey_sam_opens_offline_after_the_app_and_its_worker_were_stopped(context, live_app, live_server):
    page = context.new_page()
    add_passkey_authenticator(context, page)
    server = localhost(live_server)
    sam_url = open_sam_ready_for_offline(page, server)
    panel = page.locator("#vault")

    # Offered after the PIN, set up with the PIN once more.
    page.goto(server.url + "/")
    expect(panel.get_by_role("heading", name="Sneller ontgrendelen?")).to_be_visible()
    panel.get_by_role("textbox", name="Pincode").fill(PIN)
    panel.get_by_role("button", name="Vingerafdruk of gezicht instellen").click()
    expect(panel).to_be_hidden()

    def unlock(p):
        button = p.locator("#vault").get_by_role("button", name="Ontgrendel met vingerafdruk of gezicht")
        expect(button).to_be_visible()
        button.click()

    # The virtual authenticator belongs to this tab: the app is left (not the tab closed) and the worker stopped.
    page.goto("about:blank")
    cdp = context.new_cdp_session(page)
    cdp.send("ServiceWorker.enable")
    cdp.send("ServiceWorker.stopAllWorkers")
    sam_offline_then_note_exactly_once(page, live_app, live_server, sam_url, unlock, "passkey")


def test_five_wrong_pins_offline_wipe_the_caseload_and_the_waiting_note_is_sent_after_login(context, live_app, live_server):
    from sqlalchemy import update

    from tests.conftest import DEMO_PASSWORD
    from webapp.auth.models import UserSession
    from webapp.db import db, utcnow

    page, sam_url = sam_ready_then_phone_cut_off(context, live_server)
    page.goto(sam_url)
    panel = page.locator("#vault")

    text = "Zonder bereik: Sam niet thuis, buurvrouw zegt dat Sam gisteren is opgenomen."
    unlock_offline_with_pin(page)
    expect(page.get_by_text(re.compile("Ik gebruik lithium"))).to_be_visible()
    write_note(page, text)
    page.get_by_role("button", name="Vergrendel").click()
    page.goto(sam_url)

    for left in (4, 3, 2, 1):
        panel.get_by_role("textbox", name="Pincode").fill("111111")
        panel.get_by_role("button", name="Ontgrendelen").click()
        expect(panel.get_by_text(f"Deze pincode klopt niet. Zonder verbinding heb je nog {left} poging")).to_be_visible()
    panel.get_by_role("textbox", name="Pincode").fill("111111")
    panel.get_by_role("button", name="Ontgrendelen").click()
    expect(panel.get_by_text(re.compile("De gegevens van je cliënten zijn van deze telefoon gewist"))).to_be_visible()
    screenshot(page, "offline-unlock-five-wrong-pins")
    assert page.evaluate(COUNT_ROWS) == {"clients": 0, "outbox": 1}

    # Even the right PIN no longer opens anything offline.
    page.goto(sam_url)
    expect(page.get_by_text("Te vaak een verkeerde pincode ingevuld. Ontgrendelen kan nu alleen met verbinding.")).to_be_visible()
    expect(page.get_by_text(re.compile("Ik gebruik lithium"))).to_have_count(0)

    # Back at the office: the session has ended meanwhile; log in, unlock, and the note goes once.
    live_server.start()
    with live_app.app_context():
        db.session.execute(update(UserSession).values(ended_at=utcnow(), end_reason="idle"))
        db.session.commit()
        db.session.remove()
    page.goto(live_server.url + "/login")
    page.get_by_label("Gebruikersnaam").fill("demo-hulpverlener")
    page.get_by_label("Wachtwoord").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(live_server.url + "/")
    page.goto(sam_url)
    panel.get_by_role("textbox", name="Pincode").fill(PIN)
    panel.get_by_role("button", name="Ontgrendelen").click()
    expect(page.get_by_text(re.compile("Ik gebruik lithium"))).to_be_visible()
    expect(page.locator("#sync-bar")).to_contain_text("Alles verstuurd", timeout=20_000)
    assert stored_notes(live_app) == [text]
    wait_for(page, "document.documentElement.dataset.caseloadReady === 'true'")
    assert page.evaluate(COUNT_ROWS)["clients"] >= 1


SHIFT_WINDOW = """async (hours) => {
  const db = await new Promise((ok, fail) => { const r = indexedDB.open("veldwijzer"); r.onsuccess = () => ok(r.result); r.onerror = fail; });
  const tx = db.transaction("meta", "readwrite");
  const meta = tx.objectStore("meta");
  const row = await new Promise((ok) => { const r = meta.get("vault-window"); r.onsuccess = () => ok(r.result); });
  row.value.online_at -= hours * 3600 * 1000;
  row.value.last_seen -= hours * 3600 * 1000;
  meta.put(row);
  await new Promise((ok, fail) => { tx.oncomplete = ok; tx.onerror = fail; });
  db.close();
}"""


def test_past_the_window_offline_unlock_is_refused_in_plain_dutch(context, live_app, live_server):
    page, sam_url = sam_ready_then_phone_cut_off(context, live_server)
    # The phone's clock is now 13 hours past the last online unlock (the window is 12 hours).
    page.goto(sam_url)
    page.evaluate(SHIFT_WINDOW, 13)
    page.reload()
    refusal = page.get_by_text(re.compile(r"Zonder verbinding ontgrendelen kan tot 12 uur nadat je met verbinding hebt "
                                          r"ontgrendeld\. Dat was om .*, te lang geleden\. Zoek een plek met bereik"))
    expect(refusal).to_be_visible()
    expect(page.get_by_text(re.compile("Ik gebruik lithium"))).to_have_count(0)
    screenshot(page, "offline-unlock-window-passed")

    # Within the window (11 hours) the same phone opens.
    page.evaluate(SHIFT_WINDOW, -2)
    page.reload()
    unlock_offline_with_pin(page)
    expect(page.get_by_text(re.compile("Ik gebruik lithium"))).to_be_visible()


WRITING_PAGES = {"Stappenplan": "Stappenplan", "Contacten": "Contacten", "Cliënten": "Cliënten",
                 "Notities": "Notitie maken", "Incidenten": "Incidenten"}


def test_after_later_home_warns_and_every_writing_page_opens_offline(context, live_server):
    page = context.new_page()
    log_in(page, live_server, "demo-hulpverlener")
    panel = page.locator("#vault")
    expect(panel.get_by_text(re.compile("Zonder pincode staan er geen cliënten op deze telefoon"))).to_be_visible()
    panel.get_by_role("button", name="Later").click()
    warning = page.get_by_text(re.compile("Er staan geen cliënten op deze telefoon: je hebt nog geen pincode gekozen"))
    expect(warning).to_be_visible()
    expect(page.get_by_role("button", name="Pincode kiezen")).to_be_visible()
    from tests.browser.conftest import wait_until_offline_ready
    wait_until_offline_ready(page)
    expect(page.get_by_text("Stappenplannen, 112-belkaart en contacten: klaar voor gebruik zonder verbinding.")).to_be_visible()
    screenshot(page, "home-later-no-clients")

    page = stop_app_and_worker(context, page)
    live_server.stop()
    page.goto(live_server.url + "/")
    expect(page.get_by_text(re.compile("Er staan geen cliënten op deze telefoon: je hebt nog geen pincode gekozen"))).to_be_visible()
    menu = page.get_by_role("navigation", name="Hoofdmenu")
    for label, heading in WRITING_PAGES.items():
        menu.get_by_role("link", name=re.compile(label.replace("\u00ad", ""))).click()
        expect(page.get_by_role("heading", name=heading, exact=True).first).to_be_visible()
        expect(page.get_by_text(re.compile("niet op dit toestel opgeslagen|alleen met verbinding. Zodra"))).to_have_count(0)
        screenshot(page, f"offline-later-{heading.lower().replace(' ', '-')}")
    # The home page's own cards: writing a note, visits, an incident.
    for tile, heading in (("Notitie maken", "Notitie maken"), ("Huisbezoeken", "Huisbezoeken"),
                          ("Incident vastleggen", "Incident vastleggen")):
        page.goto(live_server.url + "/")
        page.get_by_role("link", name=re.compile(tile)).click()
        expect(page.get_by_role("heading", name=heading, exact=True).first).to_be_visible()
        expect(page.get_by_text(re.compile("niet op dit toestel opgeslagen|alleen met verbinding. Zodra"))).to_have_count(0)


def test_the_sync_bar_names_what_waits_and_asks_to_unlock_once_back_online(context, live_app, live_server):
    page = context.new_page()
    sam_url = open_sam_ready_for_offline(page, live_server)
    bar = page.locator("#sync-bar")
    live_server.stop()
    page.goto(sam_url)
    texts = ["Eerste notitie zonder bereik.", "Tweede notitie zonder bereik."]
    for text in texts:
        write_note(page, text)
    expect(bar).to_contain_text("2 notities wachten")
    bar.get_by_role("button", name="Nu synchroniseren").click()
    expect(bar).to_contain_text("geen verbinding: gaat vanzelf zodra die er is")
    page.get_by_role("button", name="Vergrendel").click()

    live_server.start()
    page.goto(sam_url)
    expect(bar).to_contain_text("2 notities wachten")
    expect(bar).to_contain_text("ontgrendel om te versturen")
    screenshot(page, "sync-bar-locked-online")
    bar.get_by_role("button", name="Ontgrendel").click()
    page.locator("#vault").get_by_role("textbox", name="Pincode").fill(PIN)
    page.locator("#vault").get_by_role("button", name="Ontgrendelen").click()
    expect(bar).to_contain_text("Alles verstuurd", timeout=20_000)
    expect(bar).to_contain_text(re.compile(r"verstuurd om \d\d:\d\d"))
    assert sorted(stored_notes(live_app)) == sorted(texts)

    # The account page says whether the browser keeps this storage and whether the app is installed.
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Account en beveiliging").click()
    phone = page.get_by_role("region", name="Deze telefoon")
    expect(phone.get_by_text(re.compile("^Opslag: (blijvend|niet blijvend)"))).to_be_visible()
    expect(phone.get_by_text(re.compile(r"In gebruik: [\d,.]+ MB van [\d,.]+ MB"))).to_be_visible()
    expect(phone.get_by_text(re.compile("Veldwijzer staat niet op het beginscherm"))).to_be_visible()
