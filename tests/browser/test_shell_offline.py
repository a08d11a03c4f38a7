"""The app shell works without a network after one visit (issue: foundation)."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in, screenshot, wait_for_service_worker

pytestmark = pytest.mark.browser


def test_shell_opens_offline_after_login(page, live_server):
    log_in(page, live_server, "demo-hulpverlener")
    expect(page.get_by_role("heading", name="Wat heb je nodig?")).to_be_visible()
    wait_for_service_worker(page)
    page.reload()  # now through the service worker, which keeps this page
    expect(page.locator("#connection")).to_have_text(re.compile("Online"))
    screenshot(page, "shell-online")

    live_server.stop()
    page.reload()
    expect(page.get_by_role("heading", name="Wat heb je nodig?")).to_be_visible()
    expect(page.get_by_text("Geen verbinding. Je ziet wat op dit toestel is opgeslagen.")).to_be_visible()
    expect(page.locator("#connection")).to_have_text(re.compile("Offline"))
    expect(page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Stappenplan")).to_be_visible()
    screenshot(page, "shell-offline")

    # A screen that needs the server (the own audit log): the offline page, still with the way to
    # 112, what does work offline for this role, and the sync bar.
    page.goto(live_server.url + "/logboek/mijn")
    expect(page.get_by_role("heading", name="Geen verbinding")).to_be_visible()
    expect(page.get_by_role("link", name="Bel 112")).to_have_attribute("href", "tel:112")
    expect(page.get_by_role("link", name="Notitie maken")).to_be_visible()
    expect(page.get_by_role("link", name="112-belkaart: wat zeg ik?")).to_be_visible()
    expect(page.locator("#sync-bar")).to_be_visible()
    nav = page.get_by_role("navigation", name="Hoofdmenu")
    expect(nav.get_by_role("link", name="Notities")).to_be_visible()
    expect(nav.get_by_role("link", name="AOP")).to_be_hidden()  # not for this role
    screenshot(page, "shell-offline-unknown-page")

    live_server.start()
    page.goto(live_server.url + "/notities/")
    expect(page.get_by_role("heading", name="Notities", exact=True)).to_be_visible()
    expect(page.locator("#connection")).to_have_text(re.compile("Online"))


def test_login_page_at_phone_size_has_large_targets(page, live_server):
    page.goto(live_server.url + "/login")
    button = page.get_by_role("button", name="Inloggen")
    box = button.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 280  # full width of the form
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, "the page scrolls sideways on a phone"
    screenshot(page, "login")


def test_the_sync_bar_leaves_the_screen_to_the_page(page, live_server):
    """At 360 px the status fits beside its buttons, one line for what waits and one for the last
    sync, so that on an outcome the number to call starts high on the screen. The buttons stay
    large enough to tap."""
    log_in(page, live_server, "demo-hulpverlener")
    page.goto(live_server.url + "/stappenplan/politie-inschakelen/bel-112")
    bar = page.locator("#sync-bar")
    expect(bar).to_contain_text("laatst gelukt")
    lines = page.evaluate("""() => [...document.querySelectorAll('#sync-bar .sync-text span')].map(s =>
        Math.round(s.getBoundingClientRect().height / parseFloat(getComputedStyle(s).lineHeight)))""")
    assert lines == [1, 1], f"status lines: {lines}"
    for name in ("Nu synchroniseren", "Vergrendel"):
        box = bar.get_by_role("button", name=name).bounding_box()
        assert box["height"] >= 44 and box["width"] >= 44, name
    call = page.get_by_role("link", name="Bel 112").bounding_box()
    assert call["y"] + call["height"] <= 740 / 2, "the 112 button should be in the upper half of the screen"
    screenshot(page, "sync-bar-outcome")
