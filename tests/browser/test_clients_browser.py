"""The crisiskaart at the door: it opens without a server, and logout leaves no trace on the phone."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import (log_in, open_sam_ready_for_offline, screenshot, set_up_pin, wait_for,
                                    wait_until_offline_ready)

pytestmark = pytest.mark.browser

TRACE = "lithium"  # a word from Sam's crisiskaart

STORAGE_REPORT = """async () => {
  const local = JSON.stringify(Object.assign({}, localStorage)) + JSON.stringify(Object.assign({}, sessionStorage));
  const dbs = indexedDB.databases ? await indexedDB.databases() : [];
  let idb = "";
  for (const info of dbs) {
    const db = await new Promise((ok, fail) => { const r = indexedDB.open(info.name); r.onsuccess = () => ok(r.result); r.onerror = fail; });
    for (const name of db.objectStoreNames) {
      const rows = await new Promise((ok) => { const r = db.transaction(name).objectStore(name).getAll(); r.onsuccess = () => ok(r.result); });
      idb += JSON.stringify(rows);
    }
    db.close();
  }
  let cached = "", urls = [];
  for (const key of await caches.keys()) {
    const cache = await caches.open(key);
    for (const request of await cache.keys()) {
      const response = await cache.match(request);
      urls.push(new URL(request.url).pathname);
      cached += request.url + " " + (await response.clone().text());
    }
  }
  return {local, idb, cached, urls, databases: dbs.map(d => d.name)};
}"""


# The data-free pages of the app shell: all that may stay in Cache Storage besides /static/.
SHELL_PAGES = {"/offline", "/offline/clienten", "/incidenten/offline", "/manifest.webmanifest"}


def storage_once_wiped(page, timeout: float = 10.0) -> dict:
    """What the phone holds once the wipe has had its chance (the app's own code and the
    browser's Clear-Site-Data finish a moment after the login page shows): the report as soon as
    the database is gone, or the last one after the timeout, for the asserts to name what stayed."""
    import time

    def wiped(report):
        kept = {u for u in report["urls"] if not u.startswith("/static/")}
        return "veldwijzer" not in report["databases"] and kept <= SHELL_PAGES

    deadline = time.monotonic() + timeout
    report = page.evaluate(STORAGE_REPORT)
    while not wiped(report) and time.monotonic() < deadline:
        page.wait_for_timeout(100)
        report = page.evaluate(STORAGE_REPORT)
    return report


def test_crisiskaart_opens_offline_and_logout_leaves_no_trace(page, live_server):
    log_in(page, live_server, "demo-hulpverlener")
    set_up_pin(page)
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Cliënten").click()
    page.get_by_role("link", name="Sam de Vries").click()
    expect(page.get_by_role("heading", name="Sam de Vries")).to_be_visible()
    expect(page.get_by_text(re.compile("Ik gebruik lithium"))).to_be_visible()
    wait_until_offline_ready(page)
    wait_for(page, "document.documentElement.dataset.caseloadReady === 'true'")
    sam_url = page.url

    # "Politie nodig?" from the client page: the flow knows for whom, and where.
    page.get_by_role("link", name="Politie nodig? Stappenplan").click()
    expect(page.get_by_text("Voor: Sam de Vries, Oudegracht 12, 3511 AB, Domstad")).to_be_visible()
    assert "postcode=3511" in page.url
    page.goto(live_server.url + "/stappenplan/belkaart")
    expect(page.locator("[data-fill=adres]").first).to_have_text("Oudegracht 12, 3511 AB, Domstad")
    page.goto(sam_url)

    report = page.evaluate(STORAGE_REPORT)
    assert '"sealed":{"v":1' in report["idb"]  # the caseload is on the phone, in IndexedDB only ...
    assert TRACE not in report["idb"] and "Sam de Vries" not in report["idb"]  # ... and not readable as text
    assert TRACE not in report["cached"]  # never in Cache Storage

    live_server.stop()
    page.goto(sam_url)
    expect(page.get_by_role("heading", name="Sam de Vries")).to_be_visible()
    expect(page.get_by_text(re.compile("Ik gebruik lithium"))).to_be_visible()
    expect(page.get_by_text(re.compile("Offline kopie, bijgewerkt"))).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("Bel Mark Visser"))).to_have_attribute("href", "tel:+31620345678")
    screenshot(page, "crisiskaart-offline")
    page.get_by_role("link", name="Politie-briefing").click()
    expect(page.get_by_role("heading", name="Politie-briefing")).to_be_visible()
    expect(page.get_by_role("heading", name="Hoe is de cliënt eraan toe, ook medisch?")).to_be_visible()
    screenshot(page, "briefing-offline")

    # Locked, the phone shows nothing personal offline, and its database still reads as noise.
    page.get_by_role("button", name="Vergrendel").click()
    page.goto(sam_url)
    expect(page.get_by_role("heading", name="Vergrendeld", exact=True)).to_be_visible()
    expect(page.get_by_text(re.compile("Ik gebruik lithium"))).to_have_count(0)
    # ... until the PIN is given again, which works offline within the window (issue 13).
    expect(page.locator("#vault").get_by_text(re.compile("Zonder verbinding ontgrendelen kan tot"))).to_be_visible()
    report = page.evaluate(STORAGE_REPORT)
    assert TRACE not in report["idb"] and "Sam de Vries" not in report["idb"]
    screenshot(page, "crisiskaart-locked-offline")

    live_server.start()
    page.goto(live_server.url + "/")
    page.get_by_role("button", name="Uitloggen").click()
    expect(page.get_by_role("heading", name="Inloggen")).to_be_visible()
    report = storage_once_wiped(page)
    for where in ("local", "idb", "cached"):
        assert TRACE not in report[where] and "Sam de Vries" not in report[where], where
    assert "veldwijzer" not in report["databases"]
    kept = [u for u in report["urls"] if not u.startswith("/static/")]
    # only the shell (the data-free offline pages among it): work data gone too
    assert set(kept) <= SHELL_PAGES, kept


def test_a_revoked_device_wipes_everything_at_its_next_contact(page, live_app, live_server):
    import time

    from sqlalchemy import select
    from sqlalchemy.exc import OperationalError

    from webapp.auth.models import User
    from webapp.db import db
    from webapp.devices.models import Device
    from webapp.devices.services import revoke

    open_sam_ready_for_offline(page, live_server)
    assert '"sealed"' in page.evaluate(STORAGE_REPORT)["idb"]

    page.goto("about:blank")  # the phone is in a pocket while the coordinator revokes it
    with live_app.test_request_context():
        for attempt in range(5):  # the phone's last requests may still hold SQLite's write lock
            try:
                device = db.session.scalar(select(Device))
                revoke(device, actor=db.session.scalar(select(User).where(User.username == "demo-coordinator")))
                db.session.commit()
                break
            except OperationalError:
                db.session.rollback()
                time.sleep(0.5)
        else:
            pytest.fail("could not revoke the device: the database stayed locked")
        db.session.remove()

    page.goto(live_server.url + "/clienten/")  # the next contact
    expect(page.get_by_role("heading", name="Inloggen")).to_be_visible()
    expect(page.get_by_text("Dit apparaat is ingetrokken")).to_be_visible()
    report = storage_once_wiped(page)
    assert "veldwijzer" not in report["databases"]
    for where in ("local", "cached"):
        assert TRACE not in report[where] and "Sam de Vries" not in report[where], where
    kept = [u for u in report["urls"] if not u.startswith("/static/")]
    assert set(kept) <= SHELL_PAGES, kept


AGE_COPY = """async (hours) => {
  const db = await new Promise((ok, fail) => { const r = indexedDB.open("veldwijzer"); r.onsuccess = () => ok(r.result); r.onerror = fail; });
  const tx = db.transaction("meta", "readwrite");
  const meta = tx.objectStore("meta");
  const row = await new Promise((ok) => { const r = meta.get("caseload"); r.onsuccess = () => ok(r.result); });
  row.value.synced_at = Date.now() - hours * 3600 * 1000;
  meta.put(row);
  await new Promise((ok, fail) => { tx.oncomplete = ok; tx.onerror = fail; });
  db.close();
}"""

COUNT_ROWS = """async () => {
  const db = await new Promise((ok, fail) => { const r = indexedDB.open("veldwijzer"); r.onsuccess = () => ok(r.result); r.onerror = fail; });
  const out = {};
  for (const name of ["clients", "outbox"]) {
    out[name] = await new Promise((ok) => { const r = db.transaction(name).objectStore(name).count(); r.onsuccess = () => ok(r.result); });
  }
  db.close();
  return out;
}"""


def test_after_72_hours_without_a_sync_the_caseload_goes_and_waiting_notes_stay(page, live_app, live_server):
    from tests.browser.test_notes_offline import stored_notes, write_note

    sam_url = open_sam_ready_for_offline(page, live_server)

    live_server.stop()
    page.goto(sam_url)
    text = "Na drie dagen zonder bereik: Sam opgehaald door zus Eva."
    write_note(page, text)

    # 71 hours: still within the limit, the card opens.
    page.evaluate(AGE_COPY, 71)
    page.goto(sam_url)
    expect(page.get_by_text(re.compile("Ik gebruik lithium"))).to_be_visible()

    # 73 hours: the personal data is gone at the next opening; the waiting note is not.
    page.evaluate(AGE_COPY, 73)
    page.goto(sam_url)
    expect(page.get_by_role("heading", name="Niet op deze telefoon")).to_be_visible()
    expect(page.get_by_text(re.compile("zijn gewist: deze telefoon had 72 uur geen verbinding"))).to_be_visible()
    expect(page.get_by_text(re.compile("Ik gebruik lithium"))).to_have_count(0)
    assert page.evaluate(COUNT_ROWS) == {"clients": 0, "outbox": 1}
    expect(page.locator("#sync-bar")).to_contain_text("1 notitie wacht")
    screenshot(page, "caseload-expired-note-waiting")

    live_server.start()
    page.get_by_role("button", name="Nu synchroniseren").click()
    expect(page.locator("#sync-bar")).to_contain_text("Alles verstuurd", timeout=20_000)
    assert stored_notes(live_app) == [text]
    # Back online, the copy is fetched again and the card opens as before.
    page.goto(sam_url)
    expect(page.get_by_text(re.compile("Ik gebruik lithium"))).to_be_visible()
    wait_for(page, "document.documentElement.dataset.caseloadReady === 'true'")
    assert page.evaluate(COUNT_ROWS)["clients"] >= 1
