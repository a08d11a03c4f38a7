"""Notes written at the door without a signal reach the server exactly once (issue: sync)."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select, update

from tests.browser.conftest import open_sam_ready_for_offline, screenshot

pytestmark = pytest.mark.browser


def stored_notes(app):
    from webapp.db import db
    from webapp.notes.models import Note

    with app.app_context():
        texts = db.session.scalars(select(Note.text)).all()
        db.session.remove()
        return texts


def write_note(page, text, kind="Observatie"):
    page.get_by_label("Soort").select_option(label=kind)
    page.get_by_label("Wat gebeurde er?").fill(text)
    page.get_by_role("button", name="Notitie opslaan").click()
    expect(page.locator("[data-notes-for] .note", has_text=text)).to_contain_text("Nog niet verstuurd")


def new_page_with_sam_ready(context, live_server):
    page = context.new_page()  # a page of its own: a test closes it and opens another
    return page, open_sam_ready_for_offline(page, live_server)


def test_three_notes_offline_then_exactly_once(context, live_app, live_server):
    page, sam_url = new_page_with_sam_ready(context, live_server)

    live_server.stop()
    page.goto(sam_url)
    expect(page.get_by_role("heading", name="Sam de Vries")).to_be_visible()
    texts = ["Deur ging pas na tien minuten open.", "Sam was onrustig, praatte snel, wel aanspreekbaar.",
             "Afgesproken: morgen bellen met zus Eva."]
    for text in texts:
        write_note(page, text)
    expect(page.locator("#sync-bar")).to_contain_text("3 notities wachten")
    screenshot(page, "notes-waiting-offline")

    # The tab is closed and opened again, still without a server: the notes are still there.
    page.close()
    page = context.new_page()
    page.goto(sam_url)
    for text in texts:
        expect(page.locator("[data-notes-for] .note", has_text=text)).to_contain_text("Nog niet verstuurd")
    assert stored_notes(live_app) == []

    live_server.start()
    page.get_by_role("button", name="Nu synchroniseren").click()
    expect(page.locator("#sync-bar")).to_contain_text("Alles verstuurd", timeout=20_000)
    assert sorted(stored_notes(live_app)) == sorted(texts)

    # Sending again (another sync, a reload) changes nothing: each note exactly once.
    page.get_by_role("button", name="Nu synchroniseren").click()
    page.reload()
    expect(page.locator("#sync-bar")).to_contain_text("Alles verstuurd")
    assert sorted(stored_notes(live_app)) == sorted(texts)
    for text in texts:
        expect(page.locator("[data-notes-for] .note", has_text=text).first).not_to_contain_text("Nog niet verstuurd")


def test_a_note_written_while_the_session_expired_is_kept_and_sent_after_login(context, live_app, live_server):
    from webapp.auth.models import UserSession
    from webapp.db import db, utcnow

    page, sam_url = new_page_with_sam_ready(context, live_server)

    with live_app.app_context():  # the session ends on the server (timeout, or ended elsewhere)
        db.session.execute(update(UserSession).values(ended_at=utcnow(), end_reason="idle"))
        db.session.commit()
        db.session.remove()

    text = "Vierde notitie, geschreven toen de sessie al verlopen was."
    write_note(page, text)
    expect(page.get_by_text("Je sessie is verlopen. Wat wacht blijft bewaard.")).to_be_visible(timeout=20_000)
    expect(page.locator("[data-notes-for] .note", has_text=text)).to_contain_text("Nog niet verstuurd")
    assert text not in stored_notes(live_app)
    screenshot(page, "note-kept-session-expired")

    page.get_by_role("link", name="Log opnieuw in").click()
    page.get_by_label("Gebruikersnaam").fill("demo-hulpverlener")
    page.get_by_label("Wachtwoord").fill("demo-wachtwoord-voor-tests")
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(sam_url)
    expect(page.locator("#sync-bar")).to_contain_text("Alles verstuurd", timeout=20_000)
    assert stored_notes(live_app).count(text) == 1


def test_logout_with_waiting_notes_warns_first_and_works_offline(context, live_app, live_server):
    page, sam_url = new_page_with_sam_ready(context, live_server)
    live_server.stop()
    page.goto(sam_url)
    write_note(page, "Nog niet verstuurd bij het uitloggen.")
    page.goto(live_server.url + "/offline")  # the offline page carries no logout; use the kept home page
    page.goto(live_server.url + "/")
    dialogs = []
    page.once("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.get_by_role("button", name="Uitloggen").click()
    expect(page.get_by_role("button", name="Uitloggen")).to_be_enabled(timeout=15_000)
    assert dialogs and "1 item is nog niet verstuurd" in dialogs[0]
    assert page.evaluate("Veldwijzer.sync.status().then(s => s.waiting)") == 1  # nothing deleted

    page.once("dialog", lambda d: d.accept())
    page.get_by_role("button", name="Uitloggen").click()
    page.wait_for_url(live_server.url + "/offline", timeout=15_000)
    names = page.evaluate("indexedDB.databases().then(dbs => dbs.map(d => d.name))")
    assert "veldwijzer" not in names
    kept = page.evaluate("caches.keys()")
    assert "veldwijzer-pages" not in kept  # flows and contacts of this user are gone too
