"""The 112-belkaart says only what is true: the user's own details, the client's record, or a prompt.

The page is kept offline and holds no client data; the phone fills the client's places from the
caseload copy (caseload.js). These tests hold both halves: what the server sends, and the fields
the copy gives the phone. tests/browser/test_belkaart_browser.py holds the filled card on a phone.
"""
from __future__ import annotations

import html as html_lib
import re

from markupsafe import escape

from webapp.flows.loader import load_library
from webapp.flows.services import BELKAART_PROMPTS, CLIENT_FIELDS

BELKAART = load_library().belkaart
PLACE = re.compile(r"\{(\w+)\}")


# Everything the card may say that is not data, checked by a person against the seeds: the labels
# and the words around the places. Kept here on purpose, not read from the YAML: a sentence added to
# the belkaart (an example that reads like a fact) fails until someone puts it on this list.
FIXED_PHRASES = [
    "Eerst", "Waar", "Wie", "Wat", "Waarom", "Cliënt",
    "Er is geweld. Ik heb nu politie nodig.",
    "Het adres is", "Ik ben", "bij",
    "Het is een noodsituatie: we krijgen het zelf niet onder controle.",
    "Het gaat om", "Medisch:", "Wat helpt:",
]


def fixed_phrases() -> list[str]:
    return FIXED_PHRASES + list(BELKAART_PROMPTS.values())


def test_the_card_says_nothing_beyond_the_vetted_phrases():
    for item in BELKAART.items:
        assert (item.label or item.title) in FIXED_PHRASES, item.id
        for part in PLACE.split(item.say or "")[::2]:
            assert leftover(part, FIXED_PHRASES) == "", f"{item.id}: {part!r} is not a vetted phrase"


def leftover(text: str, allowed: list[str]) -> str:
    """What remains of the card's text once every allowed phrase is taken out (longest first)."""
    for phrase in sorted(set(allowed), key=len, reverse=True):
        text = text.replace(phrase, " ")
    return re.sub(r"[\s.,:;?!]+", "", text)


def card_lines(page_html: str) -> str:
    block = re.search(r'<ol class="belkaart-lines" data-belkaart-lines>(.*?)</ol>', page_html, re.S).group(1)
    return html_lib.unescape(re.sub(r"<[^>]+>", " ", block))


def test_the_card_has_a_place_or_a_prompt_for_every_fact():
    places = {name for item in BELKAART.items for name in PLACE.findall(item.say or "")}
    assert {"adres", "toegang", "client_naam", "medicatie", "helpt"} <= places
    assert "postcode" not in places  # the address line holds the postcode: said once
    assert set(CLIENT_FIELDS) | {"wat_nu"} == set(BELKAART_PROMPTS)


def test_the_served_card_holds_only_fixed_phrases_and_the_users_own_details(demo, login_as):
    user = demo.user("demo-hulpverlener")
    response = login_as(user).get("/stappenplan/belkaart")
    assert response.headers["Veldwijzer-Offline"] == "keep"
    page = response.text
    lines = card_lines(page)
    account = [user.display_name, user.role.label.lower(), user.organisation.root.name]
    assert leftover(lines, fixed_phrases() + account) == ""
    for name in CLIENT_FIELDS:  # empty until the phone fills it from the selected client
        assert f'<span class="fill fill-prompt" data-fill="{name}">{escape(BELKAART_PROMPTS[name])}</span>' in page
    for client in demo.clients.values():  # a kept page: no client's data in it
        assert client.name not in page and client.street not in page
    assert 'href="tel:112"' in page


def test_the_copy_gives_the_card_only_what_the_crisiskaart_says(demo, login_as):
    copy = login_as(demo.user("demo-hulpverlener")).get("/api/v1/caseload").get_json()
    by_name = {c["name"]: c for c in copy["clients"]}
    card = demo.clients["Sam de Vries"].crisiskaart
    assert by_name["Sam de Vries"]["belkaart"] == {"toegang": card.section("toegang").text,
                                                    "medicatie": card.section("medisch").text,
                                                    "helpt": card.section("helpt").text}
    assert by_name["Lotte Smit"]["belkaart"] == {"toegang": None, "medicatie": None, "helpt": None}  # no card


def test_an_empty_crisiskaart_gives_the_card_nothing(demo, login_as):
    import datetime as dt

    from webapp.clients.services import save_crisiskaart

    lotte = demo.clients["Lotte Smit"]
    fatima = demo.user("demo-hulpverlener")
    save_crisiskaart(lotte, {"made_on": dt.date.today(), "signed_by": "Lotte Smit", "valid_until": None},
                     {"toegang": {"text": "  ", "police_consent": False}}, fatima)
    copy = login_as(fatima).get("/api/v1/caseload").get_json()
    entry = next(c for c in copy["clients"] if c["name"] == "Lotte Smit")
    assert entry["card_version"] == 1
    assert entry["belkaart"] == {"toegang": None, "medicatie": None, "helpt": None}
