"""The 112-belkaart on a phone, filled for the selected client: one screen, 112 in sight, and no
word that is not the client's record, the user's account or the card's fixed phrases."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, open_sam_ready_for_offline, screenshot, wait_for
from tests.test_belkaart import fixed_phrases, leftover
from webapp.flows.services import BELKAART_PROMPTS

pytestmark = pytest.mark.browser


def record_of(app, name: str) -> dict[str, str | None]:
    """The client's values for the card's places, read from the database, and the account's."""
    from sqlalchemy import select

    from webapp.auth.models import User
    from webapp.clients.models import Client
    from webapp.db import db

    with app.app_context():
        client = db.session.scalar(select(Client).where(Client.name == name))
        user = db.session.scalar(select(User).where(User.username == "demo-hulpverlener"))
        card = client.crisiskaart

        def text(key):
            section = card.section(key) if card else None
            return (section.text or "").strip() or None if section else None

        values = {"adres": client.address_line, "client_naam": client.name, "toegang": text("toegang"),
                  "medicatie": text("medisch"), "helpt": text("helpt")}
        account = [user.display_name, user.role.label.lower(), user.organisation.root.name]
        db.session.remove()
    return values, account


def select_and_open_belkaart(page, server, name: str):
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Cliënten").click()
    page.get_by_role("link", name=name).click()
    page.get_by_role("link", name="Politie nodig? Stappenplan").click()  # selects the client
    expect(page.get_by_text(f"Voor: {name}")).to_be_visible()
    page.goto(server.url + "/stappenplan/belkaart")
    wait_for(page, "document.querySelector('[data-fill=client_naam]').classList.contains('fill-known')")


def assert_card_says_only_the_record(page, values: dict, account: list[str]):
    for place, value in values.items():
        expect(page.locator(f"[data-fill={place}]")).to_have_text(value or BELKAART_PROMPTS[place])
    text = page.locator("[data-belkaart-lines]").text_content()
    assert leftover(text, fixed_phrases() + account + [v for v in values.values() if v]) == "", text


def test_the_belkaart_for_sam_fits_one_screen_and_says_only_his_record(page, live_server, live_app):
    open_sam_ready_for_offline(page, live_server)
    page.goto(live_server.url + "/")
    select_and_open_belkaart(page, live_server, "Sam de Vries")
    values, account = record_of(live_app, "Sam de Vries")
    assert all(values.values()), values  # Sam's card has every place: all filled
    assert_card_says_only_the_record(page, values, account)
    page.screenshot(path=str(screenshot(page, "belkaart-sam")), full_page=False)

    call = page.get_by_role("link", name="Bel 112")
    expect(call).to_have_attribute("href", "tel:112")
    expect(call).to_be_in_viewport(ratio=1)
    nav_top = page.locator(".bottomnav").bounding_box()["y"]
    last = page.locator("[data-belkaart-lines] li").last.bounding_box()
    button = call.bounding_box()
    assert last["y"] + last["height"] <= button["y"], "a line is hidden behind the 112 button"
    assert button["y"] + button["height"] <= nav_top <= PHONE["height"], "the card does not fit one screen"


def test_the_belkaart_for_a_client_with_an_empty_crisiskaart_asks(page, live_server, live_app):
    import datetime as dt

    from sqlalchemy import select

    from webapp.auth.models import User
    from webapp.clients.models import Client
    from webapp.clients.services import save_crisiskaart
    from webapp.db import db

    with live_app.app_context():
        lotte = db.session.scalar(select(Client).where(Client.name == "Lotte Smit"))
        fatima = db.session.scalar(select(User).where(User.username == "demo-hulpverlener"))
        save_crisiskaart(lotte, {"made_on": dt.date.today(), "signed_by": "Lotte Smit", "valid_until": None}, {}, fatima)
        db.session.commit()
        db.session.remove()

    open_sam_ready_for_offline(page, live_server)
    page.goto(live_server.url + "/")
    select_and_open_belkaart(page, live_server, "Lotte Smit")
    values, account = record_of(live_app, "Lotte Smit")
    assert values["toegang"] is values["medicatie"] is values["helpt"] is None
    assert_card_says_only_the_record(page, values, account)
    expect(page.get_by_text("Verdieping? Ingang? Hoe kom je binnen?")).to_be_visible()
    page.screenshot(path=str(screenshot(page, "belkaart-empty-crisiskaart")), full_page=False)
