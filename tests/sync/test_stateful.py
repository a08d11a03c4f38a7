"""A stateful property test of push: random batches from a pool of notes, against the in-memory store.

Batches hold duplicates (inside and across batches), changed content for known ids
(conflicts), items that are invalid before deduplication (bad hash, a float) and
after it (empty text, an unknown type, a client outside the caseload), whole batches
resent in another order after a lost response, and the caseload changing in
between. A model says what every answer must be; the store must end with exactly
the distinct valid notes, each once, with the content first seen.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from sync import push
from tests.sync.builders import OTHER_TEAM_CLIENT, FakeApp, body, mutation, note_payload

VALID = ("v0", "v1", "v2")               # three contents for one id: the later ones conflict with the first
INVALID_BEFORE_CLAIM = ("bad_hash", "float")
INVALID_AFTER_CLAIM = ("empty", "unknown_type")
VARIANTS = VALID + INVALID_BEFORE_CLAIM + INVALID_AFTER_CLAIM + ("other_client",)


@dataclass(frozen=True)
class Sent:
    id: str
    variant: str
    wire: dict[str, Any]


def build(note_id: str, variant: str) -> dict[str, Any]:
    text = {"v0": "Eerste inhoud.", "v1": "Gewijzigde inhoud.", "v2": "Nog eens anders."}.get(variant, "Inhoud.")
    if variant == "bad_hash":
        return mutation(note_payload(text="Eerste inhoud."), id_=note_id, hash_="0" * 64)
    if variant == "float":
        return mutation(note_payload(text="Eerste inhoud.", score=0.5), id_=note_id, hash_="0" * 64)
    if variant == "empty":
        return mutation(note_payload(text="   "), id_=note_id)
    if variant == "unknown_type":
        return mutation(note_payload(), id_=note_id, type_="note.unknown")
    if variant == "other_client":
        return mutation(note_payload(client_id=OTHER_TEAM_CLIENT, text="Over een andere cliënt."), id_=note_id)
    return mutation(note_payload(text=text), id_=note_id)


class PushMachine(RuleBasedStateMachine):
    @initialize(pool_size=st.integers(min_value=2, max_value=6))
    def start(self, pool_size: int) -> None:
        self.app = FakeApp()
        self.registry = self.app.registry()
        # Fixed ids, so that hypothesis can replay and shrink a failing run.
        self.ids = [str(uuid.UUID(int=(0x5EED << 64) + i, version=4)) for i in range(pool_size)]
        self.items = {(i, v): Sent(i, v, build(i, v)) for i in self.ids for v in VARIANTS}
        self.expected_hash: dict[str, str] = {}     # the model of the claims
        self.expected_text: dict[str, str] = {}     # the model of the notes: first valid content per id
        self.sent: list[list[Sent]] = []

    # -- rules --------------------------------------------------------------------------------

    @rule(data=st.data(), response_lost=st.booleans())
    def send_a_batch(self, data: st.DataObject, response_lost: bool) -> None:
        picks = data.draw(st.lists(st.tuples(st.sampled_from(self.ids), st.sampled_from(VARIANTS)), max_size=12))
        batch = [self.items[pick] for pick in picks]
        self.push_and_check(batch)
        if response_lost:
            # The phone never saw the answer: everything stays in its outbox, to be sent again.
            self.sent.append(batch)

    @precondition(lambda self: self.sent)
    @rule(data=st.data())
    def resend_a_batch_in_another_order(self, data: st.DataObject) -> None:
        batch = data.draw(st.sampled_from(self.sent))
        self.push_and_check(data.draw(st.permutations(batch)))

    @rule()
    def other_client_joins_the_caseload(self) -> None:
        self.app.caseload.add(OTHER_TEAM_CLIENT)

    @rule()
    def other_client_leaves_the_caseload(self) -> None:
        self.app.caseload.discard(OTHER_TEAM_CLIENT)

    # -- the model ------------------------------------------------------------------------------

    def expect(self, sent: Sent) -> str:
        """What the server must answer, given what it has; updates the model like the server."""
        if sent.variant in INVALID_BEFORE_CLAIM:
            return "rejected"
        stored = self.expected_hash.get(sent.id)
        if stored is not None:
            return "duplicate" if stored == sent.wire["hash"] else "conflict"
        if sent.variant in INVALID_AFTER_CLAIM:
            return "rejected"
        if sent.variant == "other_client" and OTHER_TEAM_CLIENT not in self.app.caseload:
            return "rejected"
        self.expected_hash[sent.id] = sent.wire["hash"]
        self.expected_text[sent.id] = sent.wire["payload"]["text"]
        return "applied"

    def push_and_check(self, batch: list[Sent]) -> None:
        response = push(self.app.store, body(*[s.wire for s in batch]), self.app, registry=self.registry)
        results = response["results"]
        # Every mutation gets exactly one result, in order.
        assert len(results) == len(batch)
        assert [r["id"] for r in results] == [s.id for s in batch]
        for sent, result in zip(batch, results):
            expected = self.expect(sent)
            assert result["status"] == expected, (sent.variant, result)
            assert ("reason" in result) == (expected in ("conflict", "rejected"))

    # -- what must hold after every step --------------------------------------------------------

    @invariant()
    def each_applied_note_exists_exactly_once(self) -> None:
        if not hasattr(self, "app"):
            return
        ids = [note["id"] for note in self.app.notes()]
        assert len(ids) == len(set(ids))
        assert len(self.app.store.rows["audit"]) == len(ids)

    @invariant()
    def the_notes_are_the_distinct_valid_ids_with_their_first_content(self) -> None:
        if not hasattr(self, "app"):
            return
        assert {note["id"]: note["text"] for note in self.app.notes()} == self.expected_text
        assert {i: claim.content_hash for i, claim in self.app.store.claims.items()} == self.expected_hash


PushMachine.TestCase.settings = settings(max_examples=50, stateful_step_count=20, deadline=None, database=None)
TestPushMachine = PushMachine.TestCase
