"""The politie-briefing at the door: Sam's facts on the first screen, and a mode to show the agent."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import open_sam_ready_for_offline, screenshot

pytestmark = pytest.mark.browser

HELPT_NIET = "Sirenes, veel mensen in huis"  # from Sam's crisiskaart, shared with police


def assert_first_screen_shows_the_facts(page):
    for text in ("Sam de Vries", "Oudegracht 12, 3511 AB, Domstad", "Wat helpt niet", HELPT_NIET):
        expect(page.locator(".handover").get_by_text(text, exact=False).first).to_be_in_viewport(ratio=1)


def show_to_the_agent(page, name: str):
    page.get_by_role("button", name="Laat zien aan de agent").click()
    expect(page.locator(".topbar")).to_be_hidden()
    expect(page.locator(".bottomnav")).to_be_hidden()
    expect(page.get_by_role("heading", name="Politie-briefing")).to_be_hidden()
    expect(page.get_by_role("heading", name="Vertel de agent ook")).to_be_hidden()
    assert_first_screen_shows_the_facts(page)
    page.screenshot(path=str(screenshot(page, name)), full_page=False)
    page.get_by_role("button", name="Terug naar de app").click()
    expect(page.locator(".topbar")).to_be_visible()


def test_the_briefing_shows_sams_facts_first_and_a_mode_for_the_agent(page, live_server):
    sam_url = open_sam_ready_for_offline(page, live_server)
    page.get_by_role("link", name="Politie-briefing").click()
    expect(page.get_by_role("heading", name="Politie-briefing")).to_be_visible()
    assert_first_screen_shows_the_facts(page)
    page.screenshot(path=str(screenshot(page, "briefing-sam")), full_page=False)
    show_to_the_agent(page, "briefing-sam-agent")

    live_server.stop()  # offline, the briefing comes from the phone's sealed copy
    page.goto(sam_url + "/briefing")
    expect(page.locator("#connection")).to_have_text(re.compile("Offline"))
    assert_first_screen_shows_the_facts(page)
    show_to_the_agent(page, "briefing-sam-agent-offline")
