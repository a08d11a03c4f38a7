"""Walking the flows on a phone without a server: the number to call is there (issue: stappenplan)."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in, screenshot, wait_until_offline_ready

pytestmark = pytest.mark.browser


def test_walk_the_flows_offline_to_the_number(page, live_server):
    log_in(page, live_server, "demo-hulpverlener")
    wait_until_offline_ready(page)
    live_server.stop()

    # Acute: from the start to 112 in two taps.
    page.goto(live_server.url + "/stappenplan/")
    page.get_by_role("link", name=re.compile("Politie inschakelen bij")).click()
    expect(page.get_by_role("heading", name="Wat is er aan de hand?")).to_be_visible()
    page.get_by_role("link", name=re.compile("Nu gevaar")).click()
    expect(page.get_by_role("heading", name="Bel nu 112")).to_be_visible()
    call = page.get_by_role("link", name=re.compile(r"^Bel 112"))
    expect(call).to_have_attribute("href", "tel:112")
    expect(page.locator("#connection")).to_have_text(re.compile("Offline"))
    screenshot(page, "flow-acuut-112-offline")

    # Planned: the wijkagent of postcode 3511, found on the phone from the kept call table.
    page.goto(live_server.url + "/stappenplan/politie-inschakelen/start")
    page.get_by_role("link", name=re.compile("Geweld verwacht")).click()
    page.get_by_role("link", name=re.compile("Ja, maar het risico blijft te groot")).click()
    expect(page.get_by_role("heading", name=re.compile("Stap 1"))).to_be_visible()
    page.get_by_role("link", name=re.compile("Naar stap 2")).click()
    expect(page.get_by_role("heading", name=re.compile("Stap 2"))).to_be_visible()
    page.get_by_label("Voor welke postcode?").fill("3511")
    page.get_by_role("button", name="Toon nummers").click()
    expect(page.get_by_text("Nummers voor postcode 3511")).to_be_visible()
    wijkagent = page.get_by_role("link", name=re.compile("Bel Mark Visser"))
    expect(wijkagent).to_have_attribute("href", "tel:+31620345678")
    first_call = page.locator(".call-button").first
    expect(first_call).to_have_attribute("href", "tel:+31620345678")
    screenshot(page, "flow-planbaar-3511-offline")

    # Walking on keeps the postcode.
    page.get_by_role("link", name=re.compile("Wat vertel ik als de politie er is")).click()
    expect(page.get_by_role("heading", name=re.compile("Stap 3"))).to_be_visible()
    assert "postcode=3511" in page.url


def test_outcome_screens_put_the_number_first(page, live_server):
    """Screenshots of every outcome of the main flow; the first call button is within the first screen."""
    from webapp.flows.loader import load_library
    from webapp.flows.services import SETTING_ONLY_TARGETS

    log_in(page, live_server, "demo-hulpverlener")
    flow = load_library().flows["politie-inschakelen"]
    for step in flow.outcomes:
        page.goto(f"{live_server.url}/stappenplan/{flow.id}/{step.id}?postcode=3511")
        expect(page.get_by_role("heading", level=1)).to_have_text(step.title)
        # demo-hulpverlener works ambulant: a clinic's own team is not offered
        if [c for c in step.calls if SETTING_ONLY_TARGETS.get(c.target, "ambulant") == "ambulant"]:
            button = page.locator(".call-button").first
            box = button.bounding_box()
            assert box and box["y"] + box["height"] <= 740, f"{step.id}: the first number is below the fold"
        page.screenshot(path=str(screenshot(page, f"outcome-{step.id}")), full_page=False)
