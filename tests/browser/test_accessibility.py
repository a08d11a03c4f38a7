"""axe-core on every main screen: no violations of WCAG 2.1 A and AA.

axe comes from the npm registry (devDependencies; never copied into webapp/static). The app's
Content Security Policy forbids injected scripts, so axe runs in a context of its own that
bypasses CSP (Playwright's bypass_csp); the pages and their styles are otherwise the same.
"""
from __future__ import annotations

import json

import pytest

from tests.browser.conftest import PHONE, log_in, screenshot, set_up_pin, wait_for, wait_until_offline_ready
from tests.conftest import ROOT

pytestmark = pytest.mark.browser

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture
def axe_page(browser):
    if not AXE.is_file():
        pytest.fail(f"{AXE} is missing; `make test` runs npm ci")
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True,
                                  locale="nl-NL", timezone_id="Europe/Amsterdam", bypass_csp=True)
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


def violations(page, name: str, connection: str = "online") -> list[str]:
    page.wait_for_load_state("load")
    wait_for(page, f"document.documentElement.dataset.connection === '{connection}'")  # the header has settled
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("""(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags},
                                                           resultTypes: ['violations']})""", WCAG_21_AA)
    found = []
    for v in result["violations"]:
        for node in v["nodes"]:
            found.append(f"{name}: {v['id']} ({v['impact']}) {v['help']} at {node['target']}: "
                         f"{node.get('failureSummary', '').splitlines()[-1].strip()}")
    if found:
        screenshot(page, f"axe-{name}")
    return found


def check(page, server, screens, connection="online") -> list[str]:
    found = []
    for name, path in screens:
        page.goto(server.url + path)
        found += violations(page, name, connection)
    return found


def test_the_screens_of_the_hulpverlener_have_no_wcag_violations(axe_page, live_server, live_app):
    from webapp.clients.models import Client
    from webapp.contacts.models import Contact
    from webapp.db import db

    with live_app.app_context():
        sam = db.session.scalar(db.select(Client).where(Client.name == "Sam de Vries")).public_id
        contact = db.session.scalar(db.select(Contact).where(Contact.name == "Mark Visser")).id
    page = axe_page
    found = check(page, live_server, [("login", "/login")])
    log_in(page, live_server, "demo-hulpverlener")
    found += check(page, live_server, [
        ("home", "/"),
        ("stappenplan", "/stappenplan/"),
        ("stap", "/stappenplan/politie-inschakelen/start"),
        ("uitkomst", "/stappenplan/politie-inschakelen/bel-112"),
        ("vraag-met-postcode", "/stappenplan/politie-inschakelen/planbaar-opgeschaald"),
        ("stap-2", "/stappenplan/politie-inschakelen/stap-2-verzoek?postcode=3511"),
        ("stap-3", "/stappenplan/politie-inschakelen/stap-3-informatie"),
        ("belkaart", "/stappenplan/belkaart"),
        ("contacten", "/contacten/"),
        ("contact", f"/contacten/{contact}"),
        ("clienten", "/clienten/"),
        ("client", f"/clienten/{sam}"),
        ("briefing", f"/clienten/{sam}/briefing"),
        ("notities", "/notities/"),
        ("incidenten", "/incidenten/"),
        ("incident-melden", "/incidenten/nieuw?flow=politie-inschakelen&stap=bel-112"),
        ("account", "/account"),
        ("mijn-logboek", "/logboek/mijn"),
    ])
    page.goto(f"{live_server.url}/clienten/{sam}/briefing")
    set_up_pin(page)  # the PIN sheet of the first login would cover the button
    page.get_by_role("button", name="Laat zien aan de agent").click()
    page.get_by_role("button", name="Terug naar de app").wait_for()
    found += violations(page, "briefing-voor-de-agent")
    assert not found, "\n" + "\n".join(found)


def test_the_aop_lookup_of_the_wijkagent_has_no_wcag_violations(axe_page, live_server):
    page = axe_page
    log_in(page, live_server, "demo-wijkagent")
    found = check(page, live_server, [("wijkagent-home", "/"), ("aop-zoeken", "/aop/")])
    page.locator("[name=name]").fill("Sam de Vries")
    page.locator("[name=date_of_birth]").fill("1985-03-12")
    page.locator("[name=reason]").fill("melding onrustige situatie, incident 2026-1234")
    page.locator("form.form [type=submit]").click()
    page.get_by_role("heading", name="Sam de Vries").wait_for()
    found += violations(page, "aop-resultaat")
    assert not found, "\n" + "\n".join(found)


def test_the_coordinator_screens_have_no_wcag_violations(axe_page, live_server):
    page = axe_page
    log_in(page, live_server, "demo-coordinator")
    found = check(page, live_server, [("coordinator-home", "/"), ("stap-zonder-setting", "/stappenplan/politie-inschakelen/start"),
                                      ("incidenten-overzicht", "/incidenten/overzicht"),
                                      ("gebruikers", "/gebruikers/"), ("logboek", "/logboek/"),
                                      ("apparaten", "/apparaten/"), ("controleren", "/contacten/controleren")])
    assert not found, "\n" + "\n".join(found)


def test_the_offline_screens_have_no_wcag_violations(axe_page, live_server):
    """At the door without a network: the offline banner, the kept pages and the offline page."""
    page = axe_page
    log_in(page, live_server, "demo-hulpverlener")
    wait_until_offline_ready(page)
    live_server.stop()
    found = check(page, live_server, [("offline-home", "/"), ("offline-belkaart", "/stappenplan/belkaart"),
                                      ("offline-notities", "/notities/"), ("offline-incidenten", "/incidenten/"),
                                      ("offline-pagina", "/logboek/mijn")], connection="offline")
    assert page.get_by_role("heading", name="Geen verbinding").is_visible()  # the last one was never kept
    assert not found, "\n" + "\n".join(found)


def test_axe_finds_a_violation_when_there_is_one(axe_page, live_server):
    """The check can fail: an image without a text alternative is reported."""
    page = axe_page
    page.goto(live_server.url + "/login")
    page.evaluate("""() => { const i = document.createElement('img'); i.src = '/static/icons/icon-192.png';
                            document.querySelector('main').appendChild(i); }""")
    found = violations(page, "login-with-a-bad-image")
    assert any("image-alt" in f for f in found), json.dumps(found)


# Larger system text: the phone's text size setting scales the root font size, and every size in
# app.css is in rem, so 200 % here is what a user with the largest text setting gets.
LARGE_TEXT = "html { font-size: 200% !important; }"
WIDE_THINGS = """() => {
  const out = [];
  const root = document.documentElement;  // clientWidth: the layout viewport, 360 (a phone zooms out, innerWidth grows)
  if (root.scrollWidth > root.clientWidth) out.push('page ' + root.scrollWidth);
  for (const a of document.querySelectorAll('.bottomnav a')) {
    if (a.scrollWidth > a.clientWidth + 1) out.push('nav label ' + a.textContent.trim());
  }
  return out;
}"""


def too_wide(page, server, screens) -> list[str]:
    found = []
    for name, path in screens:
        page.goto(server.url + path)
        page.wait_for_load_state("load")
        page.add_style_tag(content=LARGE_TEXT)
        found += [f"{name}: {thing}" for thing in page.evaluate(WIDE_THINGS)]
    return found


def test_with_the_largest_text_nothing_needs_sideways_scrolling(axe_page, live_server, live_app):
    from webapp.clients.models import Client
    from webapp.db import db

    with live_app.app_context():
        sam = db.session.scalar(db.select(Client).where(Client.name == "Sam de Vries")).public_id
    page = axe_page
    log_in(page, live_server, "demo-hulpverlener")
    found = too_wide(page, live_server, [
        ("home", "/"), ("stappenplan", "/stappenplan/"), ("belkaart", "/stappenplan/belkaart"),
        ("contacten", "/contacten/"), ("client", f"/clienten/{sam}"), ("crisiskaart", f"/clienten/{sam}/crisiskaart"),
        ("incident-melden", f"/incidenten/nieuw/{sam}"), ("notities", "/notities/"), ("account", "/account"),
        ("uitkomst", "/stappenplan/politie-inschakelen/bel-112"),
    ])
    # On the outcome, the 112 button is whole and can be tapped after scrolling to it.
    call = page.get_by_role("link", name="Bel 112")
    call.scroll_into_view_if_needed()
    assert call.is_visible() and call.evaluate("a => a.scrollWidth <= a.clientWidth + 1")
    screenshot(page, "grote-tekst-uitkomst")
    assert not found, "\n".join(found)

    # The check can fail: a wide element is reported.
    page.evaluate("() => { const d = document.createElement('div'); d.style.width = '500px'; d.textContent = 'x';"
                  " document.querySelector('main').appendChild(d); }")
    assert page.evaluate(WIDE_THINGS) == [f"page {page.evaluate('document.documentElement.scrollWidth')}"]


def test_with_the_largest_text_the_coordinator_and_wijkagent_screens_fit(axe_page, live_server):
    page = axe_page
    log_in(page, live_server, "demo-coordinator")
    found = too_wide(page, live_server, [("gebruikers", "/gebruikers/"), ("apparaten", "/apparaten/"),
                                         ("overzicht", "/incidenten/overzicht"), ("contact-nieuw", "/contacten/nieuw"),
                                         ("controleren", "/contacten/controleren")])
    page.context.clear_cookies()
    log_in(page, live_server, "demo-wijkagent")
    found += too_wide(page, live_server, [("aop-zoeken", "/aop/"), ("wijkagent-contacten", "/contacten/")])
    assert not found, "\n".join(found)
