"""push() against the in-memory store: the answer per item, deduplication, rollback of a refused item."""
from __future__ import annotations

import datetime as dt
import logging

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sync import (BatchTooLarge, ClientTooOld, EnvelopeInvalid, MutationType, NotCanonical, Registry, Status,
                  StoreUnavailable, decode_cursor, parse_push, process_push, push)
from sync.engine import SERVER_ERROR
from sync.handlers import DEFAULT_CONFLICT, ITEM_TOO_OLD, NoteCreateSchema
from sync.protocol import HASH_MISMATCH
from tests.sync.builders import (DEVICE, NOT_IN_CASELOAD, OTHER_TEAM_CLIENT, FakeApp, body, mutation, new_id,
                                 note_payload)

NOTE_CONFLICT = "Deze notitie is al eerder met andere inhoud ontvangen."


@pytest.fixture
def app() -> FakeApp:
    return FakeApp()


def send(app: FakeApp, *items, registry=None, **kw) -> list[dict]:
    response = push(app.store, body(*items), app, registry=registry or app.registry(), **kw)
    assert response["schema_version"] == 1
    return response["results"]


def statuses(results) -> list[str]:
    return [r["status"] for r in results]


def test_a_new_note_is_applied_with_its_checked_data_audit_and_change(app):
    item = mutation(note_payload(text="Cliënt opende de deur niet."))
    [result] = send(app, item)
    assert result == {"id": item["id"], "status": "applied"}
    [note] = app.notes()
    assert note["id"] == item["id"]
    assert note["text"] == "Cliënt opende de deur niet."
    assert note["written_at"] == dt.datetime(2026, 11, 23, 14, 4, tzinfo=dt.timezone.utc)
    assert note["device_id"] == DEVICE
    assert note["device_time"] == dt.datetime(2026, 11, 23, 14, 5, tzinfo=dt.timezone.utc)
    assert app.store.rows["audit"] == [{"action": "note.create", "object_id": item["id"], "user_id": 1}]
    assert app.store.claims[item["id"]].content_hash == item["hash"]


def test_a_resend_with_the_same_content_is_a_duplicate_and_stores_nothing_new(app):
    item = mutation()
    send(app, item)
    assert send(app, item) == [{"id": item["id"], "status": "duplicate"}]
    assert len(app.notes()) == 1
    assert len(app.store.rows["audit"]) == 1


def test_the_same_id_with_other_content_is_a_conflict_and_changes_nothing(app):
    first = mutation(note_payload(text="Eerste versie."))
    send(app, first)
    changed = mutation(note_payload(text="Andere inhoud."), id_=first["id"])
    assert send(app, changed) == [{"id": first["id"], "status": "conflict", "reason": NOTE_CONFLICT}]
    assert [n["text"] for n in app.notes()] == ["Eerste versie."]
    assert app.store.claims[first["id"]].content_hash == first["hash"]


def test_every_mutation_gets_one_result_in_request_order(app):
    stored = mutation()
    send(app, stored)
    items = [
        mutation(note_payload(text="Nieuw.")),
        stored,
        mutation(note_payload(text="Anders."), id_=stored["id"]),
        "geen object",
        mutation(note_payload(kind="melding")),
        mutation(note_payload(client_id=OTHER_TEAM_CLIENT)),
        dict(mutation(), hash="f" * 64),
        mutation(note_payload(text="Ook nieuw.")),
    ]
    results = send(app, *items)
    assert statuses(results) == ["applied", "duplicate", "conflict", "rejected", "rejected", "rejected",
                                 "rejected", "applied"]
    assert [r["id"] for r in results] == [items[0]["id"], stored["id"], stored["id"], None,
                                          items[4]["id"], items[5]["id"], items[6]["id"], items[7]["id"]]
    assert results[4]["errors"] == {"kind": ["Kies een soort notitie: observatie, afspraak of incident."]}
    assert results[5]["reason"] == NOT_IN_CASELOAD
    assert results[6]["reason"] == HASH_MISMATCH
    assert sorted(n["text"] for n in app.notes()) == ["Cliënt was rustig.", "Nieuw.", "Ook nieuw."]


def test_reason_and_errors_appear_only_where_they_belong(app):
    results = send(app, mutation(), mutation(note_payload(text="")))
    assert set(results[0]) == {"id", "status"}
    assert set(results[1]) == {"id", "status", "reason", "errors"}


def test_the_same_id_twice_in_one_batch_is_applied_once_then_duplicate_or_conflict(app):
    item = mutation(note_payload(text="Eén keer."))
    changed = mutation(note_payload(text="Twee keer."), id_=item["id"])
    assert statuses(send(app, item, item, changed)) == ["applied", "duplicate", "conflict"]
    assert [n["text"] for n in app.notes()] == ["Eén keer."]


def test_a_refused_item_is_rolled_back_claim_included_so_a_later_valid_resend_applies(app):
    item = mutation(note_payload(client_id=OTHER_TEAM_CLIENT))
    [result] = send(app, item)
    assert result == {"id": item["id"], "status": "rejected", "reason": NOT_IN_CASELOAD}
    assert item["id"] not in app.store.claims
    assert app.notes() == []
    app.caseload.add(OTHER_TEAM_CLIENT)   # the client joins the user's caseload
    assert statuses(send(app, item)) == ["applied"]


def test_a_second_copy_of_a_refused_item_in_the_same_batch_is_refused_too_never_acknowledged(app):
    # "duplicate" would tell the phone to drop a note the server does not have.
    item = mutation(note_payload(client_id=OTHER_TEAM_CLIENT))
    assert statuses(send(app, item, item)) == ["rejected", "rejected"]


def test_a_crash_in_one_item_rolls_back_only_that_item(app, caplog):
    app.explode_on_text = "Dit gaat mis."
    bad = mutation(note_payload(text="Dit gaat mis."))
    good = mutation(note_payload(text="Dit gaat goed."))
    with caplog.at_level(logging.ERROR, logger="sync.engine"):
        results = send(app, bad, good)
    assert results[0] == {"id": bad["id"], "status": "rejected", "reason": SERVER_ERROR}
    assert results[1]["status"] == "applied"
    assert [n["text"] for n in app.notes()] == ["Dit gaat goed."]
    assert [a["object_id"] for a in app.store.rows["audit"]] == [good["id"]]
    assert bad["id"] not in app.store.claims
    assert bad["id"] in caplog.text and "RuntimeError" in caplog.text


def test_an_unknown_type_is_refused_and_not_claimed(app):
    item = mutation({"x": "y"}, type_="note.delete")
    [result] = send(app, item)
    assert result["status"] == "rejected"
    assert "note.delete" in result["reason"] and "Werk de app bij" in result["reason"]
    assert item["id"] not in app.store.claims


def test_a_conflict_for_a_visit_has_the_visit_reason_and_for_an_unknown_type_the_general_one(app):
    checkin = mutation({"visit_id": "bezoek-1", "at": "2026-11-24T09:02:00Z", "expected_minutes": 30},
                       type_="visit.checkin")
    send(app, checkin)
    changed = mutation({"visit_id": "bezoek-1", "at": "2026-11-24T09:02:00Z", "expected_minutes": 45},
                       type_="visit.checkin", id_=checkin["id"])
    assert send(app, changed)[0]["reason"] == "Deze melding 'binnen' is al eerder met andere inhoud ontvangen."
    other = mutation({"x": 1}, type_="iets.anders", id_=checkin["id"])
    assert send(app, other)[0] == {"id": checkin["id"], "status": "conflict", "reason": DEFAULT_CONFLICT}


def test_something_already_stored_is_acknowledged_even_if_todays_rules_would_refuse_it(app):
    item = mutation()
    send(app, item)
    # The server moved on: note.create now reads schema_version 2 only.
    newer = Registry([MutationType("note.create", {2: NoteCreateSchema}, app.apply_note)])
    assert statuses(send(app, item, registry=newer)) == ["duplicate"]
    [fresh] = send(app, mutation(), registry=newer)
    assert (fresh["status"], fresh["reason"]) == ("rejected", ITEM_TOO_OLD)


def test_the_response_cursor_is_after_the_changes_of_the_push(app):
    response = push(app.store, body(mutation(), mutation()), app, registry=app.registry())
    assert decode_cursor(response["cursor"]) == 2 == app.store.last_seq()


def test_after_item_sees_every_item_in_order_and_what_it_writes_survives_a_rollback(app):
    seen = []

    def after_item(outcome):
        seen.append(outcome)
        if outcome.result.status is Status.REJECTED and outcome.mutation is not None:
            app.store.rows["audit"].append({"action": "access_denied", "object_id": outcome.mutation.id})

    refused = mutation(note_payload(client_id=OTHER_TEAM_CLIENT))
    fine = mutation()
    send(app, refused, "kapot", fine, after_item=after_item)
    assert [o.index for o in seen] == [0, 1, 2]
    assert [o.result.status for o in seen] == [Status.REJECTED, Status.REJECTED, Status.APPLIED]
    assert seen[0].error.reason == NOT_IN_CASELOAD
    assert seen[1].mutation is None and seen[2].error is None
    assert seen[2].mutation.data["client_id"] == fine["payload"]["client_id"]
    assert [a["action"] for a in app.store.rows["audit"]] == ["access_denied", "note.create"]


def test_the_caller_can_check_the_device_between_parsing_and_applying(app):
    request = parse_push(body(mutation()))
    assert request.device_id == DEVICE   # e.g. refuse a revoked device here, before anything is written
    response = process_push(app.store, request, app, registry=app.registry())
    assert statuses(response["results"]) == ["applied"]


@pytest.mark.parametrize("bad_body, error", [
    (body(mutation(), schema_version=0), ClientTooOld),
    ({"schema_version": 1, "mutations": [mutation()]}, EnvelopeInvalid),
    (body(*[mutation() for _ in range(101)]), BatchTooLarge),
])
def test_an_envelope_error_refuses_the_whole_request_and_writes_nothing(app, bad_body, error):
    with pytest.raises(error):
        push(app.store, bad_body, app, registry=app.registry())
    assert app.store.claims == {} and app.notes() == []


def test_an_empty_batch_answers_no_results_and_the_cursor(app):
    app.store.append_change("note", new_id(), "delete")
    response = push(app.store, body(), app, registry=app.registry())
    assert response["results"] == [] and decode_cursor(response["cursor"]) == 1


def test_after_item_gets_the_loaded_data_also_when_apply_refuses(app):
    seen = []
    send(app, mutation(note_payload(client_id=OTHER_TEAM_CLIENT)), after_item=seen.append)
    assert seen[0].mutation.data["client_id"] == OTHER_TEAM_CLIENT


def test_a_store_failure_fails_the_whole_request_for_the_client_to_retry(app):
    def store_gone(m, c):
        raise StoreUnavailable()

    registry = Registry([MutationType("note.create", {1: NoteCreateSchema}, store_gone)])
    with pytest.raises(StoreUnavailable) as caught:
        push(app.store, body(mutation()), app, registry=registry)
    assert caught.value.http_status == 503
    assert app.store.claims == {}


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**60), 2**60) | st.floats(allow_nan=False) | st.text(max_size=10),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=6), children, max_size=3),
    max_leaves=6)
FIELDS = ("id", "type", "schema_version", "hash", "device_time", "payload")


@st.composite
def wild_items(draw):
    """Anything from garbage to well-formed mutations with random payloads."""
    kind = draw(st.sampled_from(["json", "fields", "hashed"]))
    if kind == "json":
        return draw(json_values)
    payload = draw(st.dictionaries(st.sampled_from(["client_id", "kind", "text", "written_at", "x"]), json_values,
                                   max_size=5))
    type_ = draw(st.sampled_from(["note.create", "visit.plan", "visit.checkin", "x"]))
    try:
        item = mutation(payload, type_=type_)
    except NotCanonical:   # a float somewhere: no hash to compute, the server must refuse it
        item = mutation(payload, type_=type_, hash_="0" * 64)
    if kind == "fields":
        for name in draw(st.lists(st.sampled_from(FIELDS), max_size=3)):
            item[name] = draw(json_values)
    return item


@settings(max_examples=100, deadline=None, database=None)
@given(items=st.lists(wild_items(), max_size=8))
def test_whatever_the_items_each_gets_exactly_one_result_and_nothing_crashes(items):
    app = FakeApp()
    results = push(app.store, body(*items), app, registry=app.registry())["results"]
    assert len(results) == len(items)
    for item, result in zip(items, results):
        assert result["status"] in ("applied", "duplicate", "conflict", "rejected")
        assert result.get("reason") != SERVER_ERROR
        if isinstance(item, dict) and isinstance(item.get("id"), str):
            assert result["id"] == item["id"]
    assert len(app.notes()) == len({r["id"] for r in results if r["status"] == "applied"})
