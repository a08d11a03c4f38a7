"""The contactenboek on a phone: search as you type, offline too; inline validation for coordinators."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in, screenshot, wait_until_offline_ready

pytestmark = pytest.mark.browser


def find_crisisdienst(page):
    page.get_by_label("Zoek op naam, functie, organisatie of postcode").press_sequentially("cri")
    results = page.locator("#contact-results")
    crisis = results.get_by_role("link", name="Crisisdienst GGZ Veldhaven (24/7)")
    expect(crisis).to_be_visible()
    expect(results.get_by_role("link", name="Mark Visser")).to_be_hidden()
    expect(results.get_by_role("link", name=re.compile("Bel 030 800 2400"))).to_be_visible()


def test_wijkagent_finds_the_crisisdienst_online_and_offline(page, live_server):
    log_in(page, live_server, "demo-wijkagent")
    page.goto(live_server.url + "/contacten/")
    find_crisisdienst(page)
    screenshot(page, "contacts-search-online")
    wait_until_offline_ready(page)

    live_server.stop()
    page.goto(live_server.url + "/contacten/")
    expect(page.locator("#connection")).to_have_text(re.compile("Offline"))
    find_crisisdienst(page)
    screenshot(page, "contacts-search-offline")

    # "Wie bel ik voor postcode 3512?" offline, from the kept call table.
    page.goto(live_server.url + "/contacten/")
    page.get_by_label("Wie bel ik voor postcode…").fill("3512")
    page.get_by_role("button", name="Zoek", exact=True).click()
    expect(page.locator(".call-button").first).to_have_attribute("href", "tel:+31620456789")


def test_coordinator_edits_a_number_and_a_wrong_one_is_refused_next_to_the_field(page, live_server):
    log_in(page, live_server, "demo-coordinator")
    page.goto(live_server.url + "/contacten/")
    page.get_by_role("link", name="Mark Visser").click()
    page.get_by_role("link", name="Bewerken").click()
    phone = page.get_by_label("Telefoonnummer")
    phone.fill("06 123")
    phone.blur()  # leaving the field checks it on the server
    error = page.locator("#phone-error")
    expect(error).to_have_text(re.compile("geen geldig telefoonnummer"))
    expect(phone).to_have_attribute("aria-invalid", "true")
    screenshot(page, "contact-edit-invalid")

    page.get_by_label("Telefoonnummer").fill("06 29876543")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_role("heading", name="Mark Visser")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("Bel Mark Visser"))).to_have_attribute("href", "tel:+31629876543")
