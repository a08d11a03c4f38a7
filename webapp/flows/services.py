"""The flow library of the running app, and walking it."""
from __future__ import annotations

from collections.abc import Iterator

from flask import current_app

from webapp.flows.loader import Flow, Library, load_library

EXTENSION_KEY = "veldwijzer.flows"


def init_flows(app) -> None:
    """Load and validate every flow at start-up: a broken flow file stops the app from starting."""
    app.extensions[EXTENSION_KEY] = load_library()


def library() -> Library:
    return current_app.extensions[EXTENSION_KEY]


def flows_for(role: str) -> list[Flow]:
    """All flows; those meant for this role first."""
    flows = list(library().flows.values())
    return sorted(flows, key=lambda f: (role not in f.audience, f.title))


def walk_paths(flow: Flow) -> Iterator[list[str]]:
    """Every path from the start to an end (an outcome with no way forward), as step ids."""
    def walk(step_id: str, trail: list[str]):
        trail = trail + [step_id]
        step = flow.steps[step_id]
        if not step.successors:
            yield trail
            return
        for nxt in dict.fromkeys(step.successors):
            yield from walk(nxt, trail)

    yield from walk(flow.start, [])
