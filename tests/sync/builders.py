"""Mutations, batches and a stand-in for the web app (apply functions, caseload, audit) for the sync tests."""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from sync import Mutation, Rejected, build_registry, content_hash
from sync.memory import MemoryStore

DEVICE = "6f1c1a52-0d7e-4d43-9d38-0a4b1e6e2f10"
DEVICE_TIME = "2026-11-23T14:05:00.000Z"
CASELOAD_CLIENT = "sam-de-vries-0001"
OTHER_TEAM_CLIENT = "noor-jansen-0002"
NOT_IN_CASELOAD = "Deze cliënt hoort niet (meer) bij jouw caseload."


def new_id() -> str:
    return str(uuid.uuid4())


def note_payload(**overrides: Any) -> dict[str, Any]:
    payload = {"client_id": CASELOAD_CLIENT, "kind": "observatie", "text": "Cliënt was rustig.",
               "written_at": "2026-11-23T14:04:00.000Z"}
    payload.update(overrides)
    return {key: value for key, value in payload.items() if value is not ...}


def mutation(payload: dict[str, Any] | None = None, *, type_: str = "note.create", id_: str | None = None,
             schema_version: int = 1, device_time: Any = DEVICE_TIME, hash_: str | None = None) -> dict[str, Any]:
    item = {"id": id_ or new_id(), "type": type_, "schema_version": schema_version, "device_time": device_time,
            "payload": note_payload() if payload is None else payload}
    item["hash"] = hash_ if hash_ is not None else content_hash(item)
    return item


def body(*mutations: Any, device_id: str = DEVICE, schema_version: int = 1) -> dict[str, Any]:
    return {"schema_version": schema_version, "device_id": device_id, "mutations": list(mutations)}


@dataclass
class FakeApp:
    """What the web app does in its apply functions, on the memory store: check access, write, log, audit."""

    store: MemoryStore = field(default_factory=MemoryStore)
    caseload: set[str] = field(default_factory=lambda: {CASELOAD_CLIENT})
    user_id: int = 1
    explode_on_text: str | None = None

    def registry(self):
        return build_registry({"note.create": self.apply_note, "visit.plan": self.apply_visit_event,
                               "visit.checkin": self.apply_visit_event, "visit.checkout": self.apply_visit_event})

    def apply_note(self, m: Mutation, context: Any) -> None:
        assert context is self
        if m.data["client_id"] not in self.caseload:
            raise Rejected(NOT_IN_CASELOAD)
        row = {"id": m.id, **m.data, "device_id": m.device_id, "device_time": m.device_time}
        self.store.rows["notes"].append(row)
        self.store.rows["audit"].append({"action": "note.create", "object_id": m.id, "user_id": self.user_id})
        if self.explode_on_text is not None and m.data["text"] == self.explode_on_text:
            raise RuntimeError("a bug in the web app, after writing")
        self.store.append_change("note", m.id, "upsert", {"text": m.data["text"]}, audience=f"user:{self.user_id}")

    def apply_visit_event(self, m: Mutation, context: Any) -> None:
        self.store.rows["visit_events"].append({"id": m.id, "type": m.type, **m.data})

    def notes(self) -> list[dict[str, Any]]:
        return self.store.rows["notes"]
