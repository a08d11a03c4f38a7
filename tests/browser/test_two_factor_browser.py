"""Two-factor login in a real browser at phone size: set it up from the QR page, then log in with a code."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in, screenshot, wait_until_offline_ready
from tests.conftest import DEMO_PASSWORD, totp_code

pytestmark = pytest.mark.browser


def test_set_up_two_factor_and_log_in_with_a_code(page, live_server):
    csp_errors = []
    page.on("console", lambda msg: csp_errors.append(msg.text) if "Content Security Policy" in msg.text else None)
    log_in(page, live_server, "demo-wijkagent")
    # Let the service worker finish fetching the offline pages: a request of the old session still in
    # flight at logout would write the old session cookie back over the login form's (a known race).
    wait_until_offline_ready(page)
    page.get_by_role("link", name="Account en beveiliging").click()
    page.get_by_role("link", name="Tweestapsverificatie instellen").click()
    expect(page.get_by_role("heading", name="Tweestapsverificatie instellen")).to_be_visible()
    qr = page.locator("svg.qr")
    expect(qr).to_be_visible()
    box = qr.bounding_box()
    assert 150 <= box["width"] <= 360 and abs(box["width"] - box["height"]) < 2  # square and scannable
    secret = page.locator("code.secret").inner_text().replace(" ", "")
    screenshot(page, "two-factor-enrol")

    page.get_by_label("Eerste code uit de app").fill("000000" if totp_code(secret) != "000000" else "111111")
    page.get_by_role("button", name="Bevestigen").click()
    expect(page.locator("#code-error")).to_contain_text("Deze code klopt niet")

    page.get_by_label("Eerste code uit de app").fill(totp_code(secret))
    page.get_by_role("button", name="Bevestigen").click()
    expect(page.get_by_role("heading", name="Je herstelcodes")).to_be_visible()
    codes = page.locator("ol.recovery-codes li")
    expect(codes).to_have_count(10)
    screenshot(page, "two-factor-recovery-codes")
    page.get_by_role("link", name="Ik heb de codes bewaard").click()
    expect(page.get_by_text(re.compile("Staat aan sinds"))).to_be_visible()

    page.get_by_role("button", name="Uitloggen").click()
    page.get_by_label("Gebruikersnaam").fill("demo-wijkagent")
    page.get_by_label("Wachtwoord").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    expect(page.get_by_role("heading", name="Code invullen")).to_be_visible()
    page.get_by_label("Code").fill(totp_code(secret, 1))
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(live_server.url + "/")
    expect(page.get_by_role("heading", name="Wat heb je nodig?")).to_be_visible()
    assert csp_errors == []


def test_coordinator_reads_the_log_of_a_client(page, live_server):
    log_in(page, live_server, "demo-coordinator")
    page.get_by_role("link", name="Logboek").first.click()
    page.get_by_role("link", name="Sam de Vries").click()
    expect(page.get_by_role("heading", name="Logboek: Sam de Vries")).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="regel")).to_be_visible()
    screenshot(page, "audit-client-log")
    wide = page.evaluate("""[...document.querySelectorAll('main *')].filter(e => e.getBoundingClientRect().right > 361)
                            .map(e => e.tagName + '.' + e.className).slice(0, 8)""")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360 + 1, wide  # the table scrolls in its own box
