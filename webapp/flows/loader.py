"""Loading and validating the flow files: structure by schema, then the graph.

A flow is valid when every answer leads somewhere, every path ends in an outcome, no step
is unreachable, there are no loops, and every step names its source. Errors name the file
and the step.
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from marshmallow import ValidationError

from webapp.contacts.functions import CALL_TARGETS, always_resolves
from webapp.flows.schema import PLACEHOLDERS, SOURCE_DOCUMENTS, SOURCE_SHORT_NAMES, BelkaartSchema, FlowSchema

CONTENT_DIR = Path(__file__).resolve().parent / "content"
BELKAART_ID = "belkaart-112"
LOCK_FILE = "versions.lock.json"


class FlowError(ValueError):
    pass


@dataclass(frozen=True)
class Source:
    doc: str
    section: str

    @property
    def document(self) -> str:
        return SOURCE_DOCUMENTS[self.doc]

    @property
    def label(self) -> str:
        """The source in words, as the interface shows it: "Handreiking GGZ–politie, stap 3 – …"."""
        return f"{SOURCE_SHORT_NAMES[self.doc]}, {section_in_words(self.section)}"


# A flow file keeps the exact reference for the people who check the content against the seeds
# ("§5 Stap 3", "§3.2.1, r. 3784–3830": line numbers of the text extraction). A reader of the
# interface gets words: the line numbers mean nothing outside the extraction, so they are left out.
_LINE_REFERENCES = re.compile(r"\s*\(r\. [^)]*\)|,?\s*\br\. \d[\d–, ]*$")


def section_in_words(section: str) -> str:
    text = _LINE_REFERENCES.sub("", section).strip()
    text = re.sub(r"^§5 Stap (\d+)", r"stap \1", text)               # 000 §5 is the stappenplan itself
    text = re.sub(r"^§(\d+)(?=[\s,]|$)", r"hoofdstuk \1", text)
    text = re.sub(r"^§(\d+(?:\.\d+)+)", r"paragraaf \1", text)
    text = re.sub(r"^Toolkit hfst\. (\d+)", r"hoofdstuk \1", text)
    return text


@dataclass(frozen=True)
class Answer:
    label: str
    next: str
    hint: str | None = None
    urgent: bool = False


@dataclass(frozen=True)
class Call:
    target: str
    why: str


@dataclass(frozen=True)
class Step:
    id: str
    kind: str
    title: str
    sources: tuple[Source, ...]
    text: str | None = None
    points: tuple[str, ...] = ()
    warning: str | None = None
    settings: dict = field(default_factory=dict)
    answers: tuple[Answer, ...] = ()
    next: str | None = None
    next_label: str | None = None
    calls: tuple[Call, ...] = ()
    no_police: bool = False

    @property
    def successors(self) -> tuple[str, ...]:
        return tuple(a.next for a in self.answers) + ((self.next,) if self.next else ())


@dataclass(frozen=True)
class Action:
    id: str
    text: str
    phase: str
    actor: str
    source: Source


@dataclass(frozen=True)
class PromptGroup:
    label: str
    items: tuple[str, ...]
    source: Source


@dataclass(frozen=True)
class Flow:
    id: str
    version: int
    title: str
    summary: str
    audience: tuple[str, ...]
    start: str
    steps: dict
    content_hash: str
    phases: tuple[dict, ...] = ()
    actors: tuple[dict, ...] = ()
    actions: tuple[Action, ...] = ()
    agreement_prompts: tuple[PromptGroup, ...] = ()

    def step(self, step_id: str) -> Step | None:
        return self.steps.get(step_id)

    @property
    def outcomes(self) -> list[Step]:
        return [s for s in self.steps.values() if s.kind == "outcome"]


@dataclass(frozen=True)
class BelkaartItem:
    id: str
    title: str
    sources: tuple[Source, ...]
    say: str | None = None
    points: tuple[str, ...] = ()
    label: str | None = None


@dataclass(frozen=True)
class Belkaart:
    id: str
    version: int
    title: str
    summary: str
    intro: str
    items: tuple[BelkaartItem, ...]
    after_call: tuple[BelkaartItem, ...]
    content_hash: str


@dataclass(frozen=True)
class Library:
    flows: dict
    belkaart: Belkaart

    def get(self, flow_id: str) -> Flow | None:
        return self.flows.get(flow_id)


def content_hash(data: dict) -> str:
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _read(path: Path) -> dict:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise FlowError(f"{path.name}: geen geldige YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise FlowError(f"{path.name}: het bestand bevat geen flow")
    return data


def _schema_errors(filename: str, messages, path=()) -> list[str]:
    """Flatten marshmallow's nested errors into lines that name the file and the step."""
    lines = []
    if isinstance(messages, dict):
        for key, value in messages.items():
            if key == "value" and path and path[0] == "steps":
                lines += _schema_errors(filename, value, path)
            else:
                lines += _schema_errors(filename, value, path + (str(key),))
    else:
        where = list(path)
        prefix = filename
        if len(where) >= 2 and where[0] == "steps":
            prefix += f": stap '{where[1]}'"
            where = where[2:]
        text = "; ".join(messages) if isinstance(messages, list) else str(messages)
        lines.append(f"{prefix}: {'.'.join(where) or 'bestand'}: {text}")
    return lines


def _sources(items) -> tuple[Source, ...]:
    return tuple(Source(**s) for s in items)


def load_flow(path: Path) -> Flow:
    raw = _read(path)
    try:
        data = FlowSchema().load(raw)
    except ValidationError as exc:
        raise FlowError("\n".join(_schema_errors(path.name, exc.messages))) from exc
    name = path.stem
    if data["id"] != name:
        raise FlowError(f"{path.name}: id '{data['id']}' moet gelijk zijn aan de bestandsnaam '{name}'")

    steps = {}
    for step_id, s in data["steps"].items():
        steps[step_id] = Step(
            id=step_id, kind=s["kind"], title=s["title"], sources=_sources(s["sources"]), text=s.get("text"),
            points=tuple(s.get("points") or ()), warning=s.get("warning"), settings=dict(s.get("settings") or {}),
            answers=tuple(Answer(**a) for a in s.get("answers") or ()), next=s.get("next"),
            next_label=s.get("next_label"), calls=tuple(Call(**c) for c in s.get("calls") or ()),
            no_police=bool(s.get("no_police")))
    actions = tuple(Action(id=a["id"], text=a["text"], phase=a["phase"], actor=a["actor"], source=Source(**a["source"]))
                    for a in data.get("actions") or ())
    prompts = tuple(PromptGroup(label=g["label"], items=tuple(g["items"]), source=Source(**g["source"]))
                    for g in data.get("agreement_prompts") or ())
    flow = Flow(id=data["id"], version=data["version"], title=data["title"], summary=data["summary"],
                audience=tuple(data["audience"]), start=data["start"], steps=steps, content_hash=content_hash(raw),
                phases=tuple(data.get("phases") or ()), actors=tuple(data.get("actors") or ()), actions=actions,
                agreement_prompts=prompts)
    check_graph(flow, path.name)
    return flow


def check_graph(flow: Flow, filename: str) -> None:
    def fail(step_id, message):
        raise FlowError(f"{filename}: stap '{step_id}': {message}")

    if flow.start not in flow.steps:
        raise FlowError(f"{filename}: start '{flow.start}' is geen stap")
    for step in flow.steps.values():
        for target in step.successors:
            if target not in flow.steps:
                fail(step.id, f"verwijst naar '{target}', maar die stap bestaat niet")
        if step.kind == "checklist" and not flow.actions:
            fail(step.id, "een checklist-stap heeft acties nodig (actions)")
        for call in step.calls:
            if call.target not in CALL_TARGETS:
                fail(step.id, f"onbekend belnummer '{call.target}'")
        if step.kind == "outcome" and not step.no_police and not any(always_resolves(c.target) for c in step.calls):
            fail(step.id, "deze uitkomst heeft geen nummer dat altijd bereikbaar is (112, 0900-8844, wijkagent, …); "
                          "of zet no_police: true")
        if not step.successors and step.kind != "outcome":
            fail(step.id, "hier loopt het pad dood: alleen een uitkomst mag het einde zijn")

    # Reachability and loops, by a depth-first walk from the start.
    state: dict[str, str] = {}

    def visit(step_id: str, trail: tuple[str, ...]):
        if state.get(step_id) == "done":
            return
        if state.get(step_id) == "active":
            fail(step_id, "de stappen vormen een kring: " + " → ".join(trail + (step_id,)))
        state[step_id] = "active"
        for nxt in flow.steps[step_id].successors:
            visit(nxt, trail + (step_id,))
        state[step_id] = "done"

    visit(flow.start, ())
    for step_id in flow.steps:
        if step_id not in state:
            fail(step_id, "deze stap is vanaf de start niet te bereiken")

    phases = {p["id"] for p in flow.phases}
    actors = {a["id"] for a in flow.actors}
    seen = set()
    for action in flow.actions:
        if action.id in seen:
            raise FlowError(f"{filename}: actie '{action.id}' staat er twee keer in")
        seen.add(action.id)
        if action.phase not in phases:
            raise FlowError(f"{filename}: actie '{action.id}': onbekende fase '{action.phase}'")
        if action.actor not in actors:
            raise FlowError(f"{filename}: actie '{action.id}': onbekende actor '{action.actor}'")


def load_belkaart(path: Path) -> Belkaart:
    raw = _read(path)
    try:
        data = BelkaartSchema().load(raw)
    except ValidationError as exc:
        raise FlowError("\n".join(_schema_errors(path.name, exc.messages))) from exc

    def items(rows):
        result = []
        for row in rows or ():
            for name in re.findall(r"\{(\w+)\}", row.get("say") or ""):
                if name not in PLACEHOLDERS:
                    raise FlowError(f"{path.name}: onderdeel '{row['id']}': onbekende invulplek {{{name}}}")
            result.append(BelkaartItem(id=row["id"], title=row["title"], sources=_sources(row["sources"]),
                                       say=row.get("say"), points=tuple(row.get("points") or ()),
                                       label=row.get("label")))
        return tuple(result)

    return Belkaart(id=data["id"], version=data["version"], title=data["title"], summary=data["summary"],
                    intro=data["intro"], items=items(data["items"]), after_call=items(data.get("after_call")),
                    content_hash=content_hash(raw))


def load_library(directory: Path = CONTENT_DIR) -> Library:
    flows = {}
    belkaart = None
    for path in sorted(directory.glob("*.yaml")):
        if path.stem == BELKAART_ID:
            belkaart = load_belkaart(path)
        else:
            flow = load_flow(path)
            flows[flow.id] = flow
    if belkaart is None:
        raise FlowError(f"{BELKAART_ID}.yaml ontbreekt in {directory}")
    return Library(flows=flows, belkaart=belkaart)


def read_lock(directory: Path = CONTENT_DIR) -> dict:
    path = directory / LOCK_FILE
    return json.loads(path.read_text()) if path.exists() else {}


def write_lock(library: Library, directory: Path = CONTENT_DIR) -> dict:
    entries = {f.id: {"version": f.version, "sha256": f.content_hash} for f in library.flows.values()}
    entries[library.belkaart.id] = {"version": library.belkaart.version, "sha256": library.belkaart.content_hash}
    (directory / LOCK_FILE).write_text(json.dumps(dict(sorted(entries.items())), indent=2) + "\n")
    return entries


def version_problems(library: Library, lock: dict) -> list[str]:
    """Flows whose content changed without a new version number."""
    problems = []
    documents = list(library.flows.values()) + [library.belkaart]
    for doc in documents:
        locked = lock.get(doc.id)
        if locked is None:
            problems.append(f"{doc.id}: not in {LOCK_FILE}; run `flask flows lock`")
        elif locked["sha256"] != doc.content_hash and doc.version <= locked["version"]:
            problems.append(f"{doc.id}: the content changed but the version is still {doc.version}; "
                            f"raise `version` and run `flask flows lock`")
        elif locked["sha256"] != doc.content_hash:
            problems.append(f"{doc.id}: version {doc.version} is new; run `flask flows lock` to record it")
    return problems
