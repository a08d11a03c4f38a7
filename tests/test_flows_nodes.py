"""Every node of every flow, one test each (like GOV.UK's smart answers): its answers lead to steps
that exist and are linked on the page, it can be reached from the start by following the page's
links, and an outcome shows the numbers its calls resolve to as tel: buttons. And the pictures of
the flows that `flask flows graph` draws for the people who check the content."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET  # the SVG our own `dot` run just wrote
from collections import deque

import pytest

from webapp.flows.loader import load_library

LIBRARY = load_library()
TEL = re.compile(r'href="(tel:\+?\d+)"')
SVG = "{http://www.w3.org/2000/svg}"


def every_step():
    for flow in LIBRARY.flows.values():
        for step in flow.steps.values():
            yield pytest.param(flow.id, step.id, id=f"{flow.id}:{step.id}")


def every_outcome():
    for flow in LIBRARY.flows.values():
        for step in flow.outcomes:
            yield pytest.param(flow.id, step.id, id=f"{flow.id}:{step.id}")


def shortest_path(flow, target: str) -> list[str] | None:
    """Step ids from the start to ``target``, following answers and "next" links."""
    parents = {flow.start: None}
    queue = deque([flow.start])
    while queue:
        here = queue.popleft()
        if here == target:
            path = []
            while here is not None:
                path.append(here)
                here = parents[here]
            return path[::-1]
        for nxt in flow.steps[here].successors:
            if nxt in flow.steps and nxt not in parents:
                parents[nxt] = here
                queue.append(nxt)
    return None


@pytest.fixture
def hulpverlener(demo, login_as):
    return login_as(demo.user("demo-hulpverlener"))


@pytest.mark.parametrize("flow_id, step_id", list(every_step()))
def test_every_answer_reaches_an_existing_step_linked_from_the_page(hulpverlener, flow_id, step_id):
    flow = LIBRARY.flows[flow_id]
    step = flow.steps[step_id]
    page = hulpverlener.get(f"/stappenplan/{flow_id}/{step_id}")
    assert page.status_code == 200
    assert f"<h1 tabindex=\"-1\">{step.title}" in page.text.replace("&#39;", "'")
    for target in step.successors:
        assert target in flow.steps, f"{step_id} leads to '{target}', which is not a step"
        assert f'href="/stappenplan/{flow_id}/{target}"' in page.text, f"{step_id} has no link to {target}"
    if step.kind == "question":
        labels = re.findall(r'<span class="answer-label">([^<]+)</span>', page.text)
        assert [label.replace("&#39;", "'") for label in labels] == [a.label for a in step.answers]
    elif step.kind == "outcome" and not step.successors:
        assert "answer-label" not in page.text  # an end has no way on


@pytest.mark.parametrize("flow_id, step_id", list(every_step()))
def test_every_step_is_reached_from_the_start_by_its_links(hulpverlener, flow_id, step_id):
    flow = LIBRARY.flows[flow_id]
    path = shortest_path(flow, step_id)
    assert path is not None, f"{step_id} cannot be reached from '{flow.start}'"
    for here, there in zip(path, path[1:]):
        page = hulpverlener.get(f"/stappenplan/{flow_id}/{here}")
        assert page.status_code == 200
        assert f'href="/stappenplan/{flow_id}/{there}"' in page.text, f"{here} has no link to {there}"


@pytest.mark.parametrize("setting", [None, "klinisch"])
@pytest.mark.parametrize("postcode", [None, "3511"])
@pytest.mark.parametrize("flow_id, step_id", list(every_outcome()))
def test_every_outcome_shows_the_numbers_of_its_calls(demo, hulpverlener, flow_id, step_id, postcode, setting):
    """The numbers each call resolves to for a hulpverlener of the demo region, as tel: links: for
    the team's own setting (ambulant, a FACT team) and for 'klinisch' chosen in the flow. An outcome
    is for the one who asks: a call for the other setting only (the clinic's beveiliging) is not
    offered. Each number is shown once: a call whose numbers all stood under an earlier call has no
    group of its own."""
    from urllib.parse import urlencode

    from webapp.contacts.functions import always_resolves
    from webapp.contacts.services import resolve_target
    from webapp.flows.services import SETTING_ONLY_TARGETS

    step = LIBRARY.flows[flow_id].steps[step_id]
    user = demo.user("demo-hulpverlener")
    assert user.organisation.setting == "ambulant"
    chosen = setting or user.organisation.setting
    query = {k: v for k, v in (("postcode", postcode), ("setting", setting)) if v}
    url = f"/stappenplan/{flow_id}/{step_id}" + (f"?{urlencode(query)}" if query else "")
    page = hulpverlener.get(url)
    assert page.status_code == 200
    shown = set(TEL.findall(page.text))
    earlier: set[str] = set()
    for call in step.calls:
        group = f'data-target="{call.target}"'
        if SETTING_ONLY_TARGETS.get(call.target, chosen) != chosen:
            assert group not in page.text, f"{call.target} is for {SETTING_ONLY_TARGETS[call.target]} only"
            continue
        expected = {option.tel for option in resolve_target(call.target, user.region, postcode)}
        assert expected <= shown, f"{call.target}: {sorted(expected - shown)} not on the page"
        if always_resolves(call.target):
            assert expected, f"{call.target} always resolves, yet nothing to call"
        if expected and expected <= earlier:
            assert group not in page.text, f"{call.target}: its numbers stand above already, yet it has a group"
        else:
            assert group in page.text
        if not expected:
            assert "Nog geen nummer in het contactenboek" in page.text
        earlier |= expected
    if not step.no_police:
        assert shown, f"{flow_id}:{step_id} has nothing to call"
    if step.calls and step.calls[0].target == "112":
        assert TEL.findall(page.text)[0] == "tel:112"  # 112 first means the first button


# -- the pictures -----------------------------------------------------------------------------------

def test_the_dot_source_has_a_node_per_step_and_an_edge_per_link():
    from webapp.flows.graph import to_dot

    for flow in LIBRARY.flows.values():
        source = to_dot(flow)
        assert source.startswith(f'digraph "{flow.id}" {{')
        nodes = re.findall(r'^  "([a-z0-9-]+)" \[label=', source, re.M)
        edges = re.findall(r'^  "([a-z0-9-]+)" -> "([a-z0-9-]+)"', source, re.M)
        assert sorted(nodes) == sorted(flow.steps)
        assert sorted(edges) == sorted((s.id, t) for s in flow.steps.values() for t in s.successors)


def test_flows_graph_writes_one_svg_per_flow_with_every_step_title(app, tmp_path):
    result = app.test_cli_runner().invoke(args=["flows", "graph", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert f"{len(LIBRARY.flows)} flows drawn" in result.output
    assert sorted(p.name for p in tmp_path.glob("*.svg")) == sorted(f"{f}.svg" for f in LIBRARY.flows)
    for flow in LIBRARY.flows.values():
        root = ET.parse(tmp_path / f"{flow.id}.svg").getroot()
        assert root.tag == f"{SVG}svg"
        texts = {t.text for t in root.iter(f"{SVG}text")}
        missing = [s.title for s in flow.steps.values() if s.title not in texts]
        assert not missing, f"{flow.id}.svg lacks {missing}"
        assert (tmp_path / f"{flow.id}.dot").read_text().startswith("digraph")


def test_flows_graph_says_when_graphviz_is_missing(app, tmp_path, monkeypatch):
    monkeypatch.setattr("shutil.which", lambda name: None)
    result = app.test_cli_runner().invoke(args=["flows", "graph", "--out", str(tmp_path)])
    assert result.exit_code != 0 and "apt-get install graphviz" in result.output
    assert not list(tmp_path.glob("*.svg"))
