"""An outcome shows one answer for the one who asks: their setting (klinisch or ambulant), their
area's numbers, the region's own agreement first, and on the way to 112 only what helps now."""
from __future__ import annotations

import re

FLOW = "/stappenplan/politie-inschakelen"
TEL = re.compile(r'href="tel:(\+?\d+)"')
CALLER = re.compile(r'<span class="call-action">Bel ([^<]+)</span>')


def test_the_acute_outcome_for_an_ambulant_worker_holds_only_what_helps_now(demo, login_as):
    user = demo.user("demo-hulpverlener")
    assert user.organisation.setting == "ambulant"  # a FACT team
    page = login_as(user).get(f"{FLOW}/bel-112").text
    assert TEL.findall(page)[0] == "112"
    assert 'data-target="beveiliging"' not in page  # no clinic intervention team at a client's home
    assert "In de instelling (klinisch)" not in page and "Bij de cliënt thuis (ambulant)" in page
    assert 'name="postcode"' not in page  # no form on the way to 112
    assert "data-structural-for-selected" not in page
    assert re.search(r'<a class="button button-secondary" href="/stappenplan/belkaart">112-belkaart', page)


def test_without_a_known_setting_the_flow_asks_before_the_outcome_and_carries_the_answer(demo, login_as):
    coordinator = login_as(demo.user("demo-coordinator"))  # the instelling itself: no setting
    start = coordinator.get(f"{FLOW}/start").text
    assert 'name="setting" value="klinisch"' in start and 'name="setting" value="ambulant"' in start
    acute = coordinator.get(f"{FLOW}/bel-112").text
    assert "In de instelling (klinisch)" in acute and "Bij de cliënt thuis (ambulant)" in acute  # both: unknown

    chosen = coordinator.get(f"{FLOW}/start?setting=klinisch").text
    assert 'name="setting"' in chosen  # still changeable ...
    assert 'href="/stappenplan/politie-inschakelen/bel-112?setting=klinisch"' in chosen  # ... and carried on
    klinisch = coordinator.get(f"{FLOW}/bel-112?setting=klinisch").text
    assert 'data-target="beveiliging"' in klinisch and "Bij de cliënt thuis (ambulant)" not in klinisch


def test_the_team_setting_is_not_asked_again(demo, login_as):
    page = login_as(demo.user("demo-hulpverlener")).get(f"{FLOW}/planbaar-opgeschaald").text
    assert 'name="postcode"' in page  # asked before the outcome
    assert 'name="setting"' not in page


def test_stap_2_puts_the_areas_wijkagent_first_and_names_every_number_once(demo, login_as):
    page = login_as(demo.user("demo-hulpverlener")).get(f"{FLOW}/stap-2-verzoek?postcode=3511").text
    names = CALLER.findall(page)
    assert names[0] == "Mark Visser"
    assert len(names) == len(set(names))
    assert "Staat hierboven al" not in page
    assert 'name="postcode"' not in page  # the walk brought it


def test_a_regional_agreement_comes_before_the_national_numbers(demo, login_as):
    from webapp.flows.services import save_agreement

    coordinator = demo.user("demo-coordinator")
    save_agreement(coordinator.region, "politie-inschakelen", "stap-2-verzoek", "Bel in Domstad eerst de opco.",
                   [demo.contacts["Operationeel coördinator Domstad"]], coordinator)
    page = login_as(demo.user("demo-hulpverlener")).get(f"{FLOW}/stap-2-verzoek?postcode=3511").text
    assert page.index('<section class="agreement"') < page.index('<section class="calls"')


def test_stap_3_offers_the_briefing_of_the_selected_client_to_care_only(demo, login_as):
    page = login_as(demo.user("demo-hulpverlener")).get(f"{FLOW}/stap-3-informatie").text
    assert re.search(r'<p class="briefing-link" data-briefing-for-selected hidden>', page)  # caseload.js fills it
    assert "Sam de Vries" not in page  # a kept page: the client is filled in on the phone
    assert "data-briefing-for-selected" not in login_as(demo.user("demo-coordinator")).get(f"{FLOW}/start").text


def test_home_has_112_and_goes_straight_to_the_triage(demo, login_as):
    page = login_as(demo.user("demo-hulpverlener")).get("/").text
    assert page.index('href="tel:112"') < page.index('class="tile')
    assert '<a class="tile tile-urgent" href="/stappenplan/politie-inschakelen/start">' in page
    police = login_as(demo.user("demo-wijkagent")).get("/").text
    assert 'href="tel:112"' in police and '<a class="tile tile-urgent" href="/stappenplan/">' in police
