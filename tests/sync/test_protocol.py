"""The wire format: canonical JSON, the content hash, and reading a push request."""
from __future__ import annotations

import datetime as dt
import hashlib

import pytest

from sync import (MAX_BATCH, BatchTooLarge, ClientTooOld, EnvelopeInvalid, Mutation, NotCanonical, Result, Status,
                  UnsupportedSchema, canonical_json, content_hash, parse_push)
from sync.protocol import HASH_MISMATCH, ITEM_INVALID, ITEM_NOT_OBJECT, NOT_CANONICAL, check_schema_version
from tests.sync.builders import DEVICE, body, mutation, new_id, note_payload

# The test vector of sync/protocol.py's docstring, for the JavaScript client's tests too.
VECTOR = {"type": "note.create", "schema_version": 1,
          "payload": {"text": "Café", "client_id": "c-1", "nested": {"b": 1, "a": [True, None, "é"]}}}
VECTOR_CANONICAL = ('{"payload":{"client_id":"c-1","nested":{"a":[true,null,"é"],"b":1},"text":"Café"},'
                    '"schema_version":1,"type":"note.create"}')
VECTOR_DIGEST = "e8aa6c2de886d3b236efe56882c49377c741cf8eebed51a190e5be650bf11347"


def test_hash_of_the_fixed_example_matches_an_independent_computation():
    assert hashlib.sha256(VECTOR_CANONICAL.encode("utf-8")).hexdigest() == VECTOR_DIGEST
    assert canonical_json(VECTOR) == VECTOR_CANONICAL
    assert content_hash(VECTOR) == VECTOR_DIGEST


def test_non_ascii_is_written_as_is_and_escapes_match_json_stringify():
    # JSON.stringify of the same value, checked with Node 20.
    value = {"x": 'a"b\\c\n\t\x01\x1f\x7f\u2028 €𝄞/'}
    assert canonical_json(value) == '{"x":"a\\"b\\\\c\\n\\t\\u0001\\u001f\x7f\u2028 €𝄞/"}'
    assert canonical_json({"t": "é"}).encode("utf-8") == b'{"t":"\xc3\xa9"}'


def test_key_order_does_not_change_the_hash():
    shuffled = {"payload": {"nested": {"a": [True, None, "é"], "b": 1}, "client_id": "c-1", "text": "Café"},
                "schema_version": 1, "type": "note.create"}
    assert content_hash(shuffled) == VECTOR_DIGEST


def test_only_type_version_and_payload_are_hashed():
    with_extras = dict(VECTOR, id=new_id(), device_time="2026-01-01T00:00:00Z", hash="x")
    assert content_hash(with_extras) == VECTOR_DIGEST
    assert content_hash(dict(VECTOR, schema_version=2)) != VECTOR_DIGEST
    assert content_hash(dict(VECTOR, type="note.other")) != VECTOR_DIGEST


def test_array_order_does_change_the_hash():
    reordered = {**VECTOR, "payload": {**VECTOR["payload"], "nested": {"a": [None, True, "é"], "b": 1}}}
    assert content_hash(reordered) != VECTOR_DIGEST


@pytest.mark.parametrize("value, path", [
    ({"a": 1.5}, "a"),
    ({"a": [1, {"b": 2.0}]}, "a[1].b"),
    ({"a": 2**53}, "a"),
    ({"a": -(2**53)}, "a"),
    ({"a": "\ud800"}, "a"),
    ({"\udfff": 1}, ""),
    ({1: "x"}, ""),
    ({"a": (1, 2)}, "a"),
    (float("nan"), ""),
])
def test_values_without_one_canonical_form_are_refused(value, path):
    with pytest.raises(NotCanonical) as caught:
        canonical_json(value)
    assert caught.value.path == path


def test_largest_safe_integers_are_fine():
    assert canonical_json([2**53 - 1, -(2**53 - 1), 0, True, None]) == \
        "[9007199254740991,-9007199254740991,0,true,null]"


# -- the envelope -----------------------------------------------------------------------------------

def test_a_good_request_is_read_into_mutations():
    item = mutation(note_payload(), device_time="2026-11-23T15:05:00.000+01:00")
    request = parse_push(body(item))
    assert request.device_id == DEVICE
    [(index, parsed)] = request.items
    assert index == 0
    assert isinstance(parsed, Mutation)
    assert (parsed.id, parsed.type, parsed.schema_version, parsed.hash) == (item["id"], "note.create", 1, item["hash"])
    assert parsed.device_time == dt.datetime(2026, 11, 23, 14, 5, tzinfo=dt.timezone.utc)
    assert parsed.payload == item["payload"]
    assert parsed.device_id == DEVICE
    assert parsed.data is None


def test_an_empty_batch_is_fine():
    assert parse_push(body()).items == []


@pytest.mark.parametrize("version", [0, -1])
def test_a_request_below_the_minimum_version_is_426(version):
    with pytest.raises(ClientTooOld) as caught:
        parse_push(body(mutation(), schema_version=version))
    assert caught.value.http_status == 426
    assert "te oud" in caught.value.message


def test_an_old_client_gets_426_even_if_the_rest_of_its_envelope_changed_shape():
    with pytest.raises(ClientTooOld):
        parse_push({"schema_version": 0, "outbox": []})


def test_a_request_above_our_version_is_400():
    with pytest.raises(UnsupportedSchema) as caught:
        parse_push(body(schema_version=2))
    assert caught.value.http_status == 400


@pytest.mark.parametrize("envelope, field", [
    ({"device_id": DEVICE, "mutations": []}, "schema_version"),
    ({"schema_version": "één", "device_id": DEVICE, "mutations": []}, "schema_version"),
    ({"schema_version": True, "device_id": DEVICE, "mutations": []}, "schema_version"),
    ({"schema_version": 1, "mutations": []}, "device_id"),
    ({"schema_version": 1, "device_id": "telefoon-van-sam", "mutations": []}, "device_id"),
    ({"schema_version": 1, "device_id": DEVICE.upper(), "mutations": []}, "device_id"),
    ({"schema_version": 1, "device_id": DEVICE}, "mutations"),
    ({"schema_version": 1, "device_id": DEVICE, "mutations": {"0": {}}}, "mutations"),
])
def test_missing_or_ill_typed_envelope_fields_are_400_with_the_field(envelope, field):
    with pytest.raises(EnvelopeInvalid) as caught:
        parse_push(envelope)
    assert caught.value.http_status == 400
    assert list(caught.value.errors) == [field]
    assert caught.value.errors[field][0].endswith(".")


@pytest.mark.parametrize("not_a_body", [None, [], "{}", 1])
def test_a_body_that_is_no_object_is_400(not_a_body):
    with pytest.raises(EnvelopeInvalid) as caught:
        parse_push(not_a_body)
    assert caught.value.errors == {"_schema": ["Verwacht een JSON-object."]}


def test_more_than_max_batch_is_413_and_exactly_max_batch_is_fine():
    assert len(parse_push(body(*[mutation() for _ in range(MAX_BATCH)])).items) == MAX_BATCH
    with pytest.raises(BatchTooLarge) as caught:
        parse_push(body(*[mutation() for _ in range(MAX_BATCH + 1)]))
    assert caught.value.http_status == 413
    assert "maximaal 100" in caught.value.message


def test_schema_version_from_a_query_string_is_read_as_a_number():
    assert check_schema_version("1") == 1
    with pytest.raises(ClientTooOld):
        check_schema_version("0")


# -- items ---------------------------------------------------------------------------------------

def parse_one(item) -> Mutation | Result:
    [(_, parsed)] = parse_push(body(item)).items
    return parsed


@pytest.mark.parametrize("change, field", [
    ({"id": ...}, "id"),
    ({"id": "not-a-uuid"}, "id"),
    ({"id": "6F1C1A52-0D7E-4D43-9D38-0A4B1E6E2F10"}, "id"),
    ({"id": "{6f1c1a52-0d7e-4d43-9d38-0a4b1e6e2f10}"}, "id"),
    ({"type": ...}, "type"),
    ({"type": ""}, "type"),
    ({"type": "x" * 65}, "type"),
    ({"schema_version": "1"}, "schema_version"),
    ({"schema_version": True}, "schema_version"),
    ({"schema_version": 0}, "schema_version"),
    ({"hash": ...}, "hash"),
    ({"hash": "abc"}, "hash"),
    ({"hash": "E" * 64}, "hash"),
    ({"device_time": ...}, "device_time"),
    ({"device_time": "2026-11-23T14:05:00"}, "device_time"),
    ({"device_time": "2026-11-23"}, "device_time"),
    ({"device_time": "gisteren"}, "device_time"),
    ({"device_time": 1700000000}, "device_time"),
    ({"device_time": "0001-01-01T00:00:00+01:00"}, "device_time"),
    ({"payload": ...}, "payload"),
    ({"payload": ["tekst"]}, "payload"),
])
def test_an_item_with_a_bad_field_is_rejected_with_that_field(change, field):
    item = mutation()
    for key, value in change.items():
        if value is ...:
            del item[key]
        else:
            item[key] = value
    result = parse_one(item)
    assert isinstance(result, Result)
    assert result.status is Status.REJECTED
    assert result.reason == ITEM_INVALID
    assert list(result.errors) == [field]
    assert result.id == (item.get("id") if isinstance(item.get("id"), str) else None)


def test_an_item_that_is_no_object_is_rejected_without_an_id():
    result = parse_one("note")
    assert result == Result(None, Status.REJECTED, ITEM_NOT_OBJECT)


def test_a_hash_that_does_not_match_the_content_is_rejected():
    item = mutation(note_payload(text="Eerste versie."))
    item["payload"] = note_payload(text="Gewijzigd onderweg.")
    result = parse_one(item)
    assert (result.status, result.reason, result.id) == (Status.REJECTED, HASH_MISMATCH, item["id"])


def test_a_float_in_the_payload_is_rejected_with_its_place():
    item = mutation(note_payload(extra={"score": [1, 2.5]}), hash_="0" * 64)
    result = parse_one(item)
    assert (result.status, result.reason) == (Status.REJECTED, NOT_CANONICAL)
    assert list(result.errors) == ["payload.extra.score[1]"]
