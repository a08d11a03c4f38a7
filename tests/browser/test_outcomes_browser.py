"""From the home screen to the number, counted in taps, at 360 x 740: online, and offline with
the page closed, the service workers stopped and the server gone."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import (log_in, open_sam_ready_for_offline, screenshot, set_up_pin,
                                    wait_until_offline_ready)

pytestmark = pytest.mark.browser

MARK_VISSER = "tel:+31620345678"  # the wijkagent of 3511, Sam's area


def cold_offline(context, page, server):
    """Close the page, stop every service worker (CDP) and the server; a fresh page on home."""
    fresh = context.new_page()
    errors = []
    fresh.on("pageerror", lambda exc: errors.append(str(exc)))
    page.close()
    cdp = context.new_cdp_session(fresh)
    cdp.send("ServiceWorker.enable")
    cdp.send("ServiceWorker.stopAllWorkers")
    cdp.detach()
    server.stop()
    fresh.goto(server.url + "/")
    expect(fresh.locator("#connection")).to_have_text(re.compile("Offline"))
    return fresh, errors


def acute_taps(page):
    """Home: 112 is there at once; through the triage it is two taps."""
    expect(page.get_by_role("link", name=re.compile(r"^Bel 112"))).to_have_attribute("href", "tel:112")
    page.get_by_role("link", name=re.compile("Politie nodig")).click()                    # tap 1
    page.get_by_role("link", name=re.compile("Nu gevaar")).click()                        # tap 2
    expect(page.get_by_role("heading", name="Bel nu 112")).to_be_visible()
    call = page.locator(".call-button").first
    expect(call).to_have_attribute("href", "tel:112")
    expect(call).to_be_in_viewport(ratio=1)
    expect(page.get_by_role("link", name=re.compile("112-belkaart"))).to_be_visible()
    expect(page.get_by_text("In de instelling (klinisch)")).to_have_count(0)  # an ambulant worker
    expect(page.get_by_label("Voor welke postcode?")).to_have_count(0)


def planned_taps(page):
    page.get_by_role("link", name=re.compile("Politie nodig")).click()                    # tap 1
    page.get_by_role("link", name=re.compile("Geweld verwacht")).click()                  # tap 2
    page.get_by_role("link", name=re.compile("Ja, maar het risico blijft te groot")).click()  # tap 3
    page.get_by_role("link", name=re.compile("Naar stap 2")).click()                      # tap 4
    expect(page.get_by_role("heading", name=re.compile("Stap 2"))).to_be_visible()
    first = page.locator(".call-button").first
    expect(first).to_have_attribute("href", MARK_VISSER)  # Sam's wijkagent, first
    expect(first).to_be_in_viewport(ratio=1)
    expect(page.get_by_text("Staat hierboven al")).to_have_count(0)


def test_acute_from_home_to_112_in_two_taps_online_and_offline(context, page, live_server):
    log_in(page, live_server, "demo-hulpverlener")
    set_up_pin(page)  # the first login's one-time question; from then on home is free
    page.screenshot(path=str(screenshot(page, "home-112")), full_page=False)
    acute_taps(page)
    page.screenshot(path=str(screenshot(page, "outcome-acuut-ambulant")), full_page=False)

    page.goto(live_server.url + "/")
    wait_until_offline_ready(page)
    offline, errors = cold_offline(context, page, live_server)
    acute_taps(offline)
    assert not errors, errors


def test_planned_visit_for_sam_from_home_to_the_wijkagent_in_four_taps_online_and_offline(context, page, live_server):
    open_sam_ready_for_offline(page, live_server)
    page.get_by_role("link", name="Politie nodig? Stappenplan").click()  # Sam is the selected client
    expect(page.get_by_text(re.compile("Voor: Sam de Vries"))).to_be_visible()

    page.goto(live_server.url + "/")
    planned_taps(page)
    expect(page.get_by_text(re.compile("Voor: Sam de Vries"))).to_be_visible()
    page.screenshot(path=str(screenshot(page, "outcome-stap-2-sam")), full_page=False)
    # Stap 3 hands over to the briefing of the selected client.
    page.get_by_role("link", name=re.compile("Wat vertel ik als de politie er is")).click()
    expect(page.get_by_role("link", name="Politie-briefing van Sam de Vries")).to_be_visible()

    page.goto(live_server.url + "/")
    offline, errors = cold_offline(context, page, live_server)
    planned_taps(offline)  # locked and offline: the selected client's area still gives the wijkagent
    offline.screenshot(path=str(screenshot(offline, "outcome-stap-2-sam-offline")), full_page=False)
    assert not errors, errors
