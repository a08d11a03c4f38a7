"""The decision flows: valid data, every path ends in something to call, and the pages a person walks."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from webapp.flows.loader import CONTENT_DIR, FlowError, load_library, read_lock, version_problems

LIBRARY = load_library()
TEL = re.compile(r'href="tel:(\+?\d+)"')


def all_paths():
    from webapp.flows.services import walk_paths

    for flow in LIBRARY.flows.values():
        for path in walk_paths(flow):
            yield pytest.param(flow.id, path, id=f"{flow.id}:{'>'.join(path)}")


# -- the data ---------------------------------------------------------------------------------

def test_the_library_has_the_four_flows_and_the_belkaart():
    assert set(LIBRARY.flows) == {"politie-inschakelen", "politie-verzoek-ggz", "samen-op-in-acuut", "na-incident"}
    assert LIBRARY.belkaart.items
    assert len(LIBRARY.flows["na-incident"].actions) == 37


def test_every_flow_version_is_recorded_in_the_lock_file():
    assert version_problems(LIBRARY, read_lock()) == []


@pytest.mark.parametrize("flow_id, path", list(all_paths()))
def test_every_path_ends_in_an_outcome_with_a_number_or_no_police(app, demo, login_as, flow_id, path):
    """Generated from the data: walk the path as a user would, page by page."""
    flow = LIBRARY.flows[flow_id]
    client = login_as(demo.user("demo-hulpverlener"))
    for here, there in zip(path, path[1:]):
        page = client.get(f"/stappenplan/{flow_id}/{here}")
        assert page.status_code == 200
        assert f'href="/stappenplan/{flow_id}/{there}"' in page.text, f"{here} has no way to {there}"
    end = flow.steps[path[-1]]
    assert end.kind == "outcome"
    page = client.get(f"/stappenplan/{flow_id}/{end.id}")
    numbers = TEL.findall(page.text)
    if not end.no_police:
        assert numbers, f"{flow_id}:{end.id} shows no number to call"
    else:
        assert end.no_police


@pytest.mark.parametrize("flow_id", sorted(LIBRARY.flows))
def test_outcomes_have_a_number_even_with_an_empty_directory(app, make_user, login_as, flow_id):
    """Before a region has filled its contactenboek, the national numbers carry every outcome."""
    client = login_as(make_user("hulpverlener"))
    for step in LIBRARY.flows[flow_id].outcomes:
        html = client.get(f"/stappenplan/{flow_id}/{step.id}").text
        if not step.no_police:
            assert set(TEL.findall(html)) & {"112", "+319008844", "+318002000"}, step.id


# -- broken files are refused, naming the file and the step -----------------------------------

@pytest.fixture
def content_copy(tmp_path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, target)
    return target


def mutate(directory: Path, flow_id: str, change) -> None:
    path = directory / f"{flow_id}.yaml"
    data = yaml.safe_load(path.read_text())
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True))


@pytest.mark.parametrize("change, step, message", [
    (lambda d: d["steps"]["start"]["answers"][0].update(next="bestaat-niet"), "start", "bestaat niet"),
    (lambda d: d["steps"]["stap-3-delen"].update(next="stap-3-informatie"), "stap-3-informatie", "kring"),
    (lambda d: d["steps"].update({"wees": {"kind": "outcome", "title": "Los", "no_police": True,
                                          "sources": [{"doc": "000", "section": "§1"}]}}), "wees", "niet te bereiken"),
    (lambda d: d["steps"]["stap-4-inzet"].pop("next"), "stap-4-inzet", "volgende stap"),
    (lambda d: d["steps"]["risico-vraag"].update(calls=[{"target": "crisisdienst", "why": "x"}]), "risico-vraag",
     "altijd bereikbaar"),
    (lambda d: d["steps"]["bel-112"].update(sources=[]), "bel-112", "bron"),
    (lambda d: d["steps"]["bel-112"]["calls"][0].update(target="113"), "bel-112", "onbekend belnummer"),
    (lambda d: d["steps"]["start"].update(answers=d["steps"]["start"]["answers"][:1]), "start", "twee antwoorden"),
    (lambda d: d["steps"]["start"].update(colour="rood"), "start", "Unknown field"),
])
def test_a_broken_flow_is_rejected_with_file_and_step(content_copy, change, step, message):
    mutate(content_copy, "politie-inschakelen", change)
    with pytest.raises(FlowError) as error:
        load_library(content_copy)
    text = str(error.value)
    assert text.startswith("politie-inschakelen.yaml"), text
    assert f"'{step}'" in text, text
    assert message in text, text


def test_a_changed_flow_needs_a_new_version(content_copy):
    mutate(content_copy, "samen-op-in-acuut", lambda d: d.update(title="Samen op in acuut (nieuw)"))
    library = load_library(content_copy)
    [problem] = version_problems(library, read_lock(content_copy))
    assert problem.startswith("samen-op-in-acuut:") and "raise `version`" in problem
    mutate(content_copy, "samen-op-in-acuut", lambda d: d.update(version=d["version"] + 1))
    [problem] = version_problems(load_library(content_copy), read_lock(content_copy))
    assert "is new" in problem


def test_a_broken_flow_stops_the_app_from_starting(content_copy, monkeypatch):
    import webapp.flows.services as services
    from webapp import create_app

    mutate(content_copy, "na-incident", lambda d: d["actions"][0].update(phase="later"))
    monkeypatch.setattr(services, "load_library", lambda: load_library(content_copy))
    with pytest.raises(FlowError, match="na-incident.yaml: actie 'a01': onbekende fase 'later'"):
        create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x"})


# -- the pages ---------------------------------------------------------------------------------

def test_flow_list_shows_the_flows_for_the_role_first(demo, login_as):
    html = login_as(demo.user("demo-wijkagent")).get("/stappenplan/").text
    titles = re.findall(r'<a class="tile[^"]*" href="/stappenplan/([a-z0-9-]+)/', html)
    wijkagent_flows = {f.id for f in LIBRARY.flows.values() if "wijkagent" in f.audience}
    assert set(titles[:len(wijkagent_flows)]) == wijkagent_flows
    assert "politie-verzoek-ggz" in wijkagent_flows
    assert 'href="/stappenplan/belkaart"' in html


def test_a_question_works_with_and_without_javascript(demo, login_as):
    """htmx swaps the next step in; without JavaScript the same link is a plain page."""
    client = login_as(demo.user("demo-hulpverlener"))
    html = client.get("/stappenplan/politie-inschakelen/start").text
    link = re.search(r'<a class="answer[^"]*" href="([^"]+)" hx-get="([^"]+)"[^>]*hx-push-url="true"', html)
    assert link and link.group(1) == link.group(2) == "/stappenplan/politie-inschakelen/bel-112"
    assert "htmx.min.js" in html
    swapped = client.get(link.group(1), headers={"HX-Request": "true"})
    assert '<article id="flow-step"' in swapped.text  # htmx selects the step from the page


def test_only_answers_for_danger_now_are_in_the_urgent_colour(demo, login_as):
    client = login_as(demo.user("demo-hulpverlener"))
    start = client.get("/stappenplan/politie-inschakelen/start").text
    assert re.findall(r'class="answer answer-urgent" href="([^"]+)"', start) == ["/stappenplan/politie-inschakelen/bel-112"]
    sharing = client.get("/stappenplan/samen-op-in-acuut/delen-wie").text  # a question about who shares: no danger
    assert "answer-urgent" not in sharing and sharing.count('class="answer"') == 2


def test_the_acute_outcome_puts_112_first(demo, login_as):
    html = login_as(demo.user("demo-hulpverlener")).get("/stappenplan/politie-inschakelen/bel-112").text
    assert TEL.findall(html)[0] == "112"
    assert html.index('href="tel:112"') < html.index('class="lead"')  # before any text


def test_postcode_gives_the_wijkagent_of_that_area_then_basisteam_then_0900(demo, login_as):
    client = login_as(demo.user("demo-hulpverlener"))
    html = client.get("/stappenplan/politie-inschakelen/risico-vraag?postcode=3511 AB").text
    assert "Nummers voor postcode <strong>3511</strong>" in html
    names = re.findall(r'<span class="call-action">Bel ([^<]+)</span>', html)
    assert names[:3] == ["Mark Visser", "Basisteam Domstad-Centrum, balie", "0900-8844"]
    other = client.get("/stappenplan/politie-inschakelen/risico-vraag?postcode=3512").text
    assert re.findall(r'<span class="call-action">Bel ([^<]+)</span>', other)[0] == "Aylin Yilmaz"


def test_a_bad_postcode_is_explained_next_to_the_field(demo, login_as):
    response = login_as(demo.user("demo-hulpverlener")).get("/stappenplan/politie-inschakelen/risico-vraag?postcode=12")
    assert response.status_code == 422
    assert re.search(r'<p class="field-error" id="postcode-error">[^<]*geen postcode', response.text)
    assert 'href="tel:+319008844"' in response.text  # the numbers are still there


def test_unknown_flows_and_steps_are_404(demo, login_as):
    client = login_as(demo.user("demo-hulpverlener"))
    assert client.get("/stappenplan/bestaat-niet/start").status_code == 404
    assert client.get("/stappenplan/politie-inschakelen/bestaat-niet").status_code == 404
    assert client.get("/stappenplan/politie-inschakelen/").headers["Location"] == "/stappenplan/politie-inschakelen/start"


def test_every_step_cites_its_sources(demo, login_as):
    html = login_as(demo.user("demo-hulpverlener")).get("/stappenplan/politie-inschakelen/stap-3-informatie").text
    sources = html[html.index('<details class="sources">'):]
    sources = sources[:sources.index("</details>")]
    assert "<li>Handreiking GGZ–politie, stap 3 – Informatie vooraf delen tussen politie en GGZ-instelling</li>" in sources
    assert "<li>Handreiking GGZ–politie, stap 3, voetnoot 5</li>" in sources
    assert "§" not in sources and "(000)" not in sources  # words, not codes


@pytest.mark.parametrize("section, words", [
    ("§5 Stap 2 – Verzoek om ondersteuning bij de politie", "stap 2 – Verzoek om ondersteuning bij de politie"),
    ("§3.1 GGZ – Aangiftebeleid", "paragraaf 3.1 GGZ – Aangiftebeleid"),
    ("§1 Visie", "hoofdstuk 1 Visie"),
    ("§3.2.1, r. 3784–3830", "paragraaf 3.2.1"),
    ("Toolkit hfst. 1, Stap 1 Fysieke veiligheid (r. 103–128, 172–223)", "hoofdstuk 1, Stap 1 Fysieke veiligheid"),
    ("Mogelijke acties, nr. 31 en 32", "Mogelijke acties, nr. 31 en 32"),
])
def test_a_source_is_shown_in_words(section, words):
    from webapp.flows.loader import section_in_words

    assert section_in_words(section) == words


def test_no_source_in_any_flow_is_shown_as_a_code():
    labels = [s.label for f in LIBRARY.flows.values() for step in f.steps.values() for s in step.sources]
    labels += [a.source.label for f in LIBRARY.flows.values() for a in f.actions]
    assert labels and not [label for label in labels if re.search(r"§|\(00\d\)|\br\. \d", label)]


def test_checklist_keeps_the_chosen_actions(demo, login_as):
    client = login_as(demo.user("demo-hulpverlener"))
    flow = LIBRARY.flows["na-incident"]
    step = next(s for s in flow.steps.values() if s.kind == "checklist")
    html = client.get(f"/stappenplan/na-incident/{step.id}?gekozen=a04&gekozen=a29").text
    assert "Jullie keuze (2)" in html
    chosen = re.search(r'<ol>(.*?)</ol>', html, re.S).group(1)
    texts = {a.id: a.text for a in flow.actions}
    assert texts["a04"].replace("'", "&#39;") in chosen and texts["a29"].replace("'", "&#39;") in chosen
    assert html.count("checked") == 2
    assert html.count('name="gekozen"') == 37


def test_belkaart_fills_in_the_organisation(demo, login_as):
    html = login_as(demo.user("demo-hulpverlener")).get("/stappenplan/belkaart").text
    assert 'href="tel:112"' in html
    assert '<span class="fill fill-known">GGZ Veldhaven</span>' in html
    assert '<span class="fill fill-known">Fatima El Amrani</span>' in html
    assert 'data-fill="adres"' in html  # filled in on the phone when a client is selected


def test_the_belkaart_names_its_sources_in_words_once_each(demo, login_as):
    html = login_as(demo.user("demo-hulpverlener")).get("/stappenplan/belkaart").text
    explain = html[html.index('<details class="belkaart-explain">'):]
    lines = re.findall(r'<p class="muted">Bron: ([^<]*)</p>', explain[:explain.index("</details>")])
    assert len(lines) == len(LIBRARY.belkaart.items)
    assert "Onderzoek samenwerking politie en zorg, paragraaf 3.2.1; Handreiking GGZ–politie, stap 3 – Informatie vooraf delen tussen politie en GGZ-instelling" in lines[3]
    for line in lines:
        sources = line.split("; ")
        assert len(sources) == len(set(sources)), line
        assert not re.search(r"§|\(00\d\)|\br\. \d", line), line  # words, not codes


def test_flow_pages_may_be_kept_offline(demo, login_as):
    response = login_as(demo.user("demo-wijkagent")).get("/stappenplan/samen-op-in-acuut/" +
                                                         LIBRARY.flows["samen-op-in-acuut"].start)
    assert response.headers["Veldwijzer-Offline"] == "keep"
    assert response.headers["Cache-Control"] == "no-store"
