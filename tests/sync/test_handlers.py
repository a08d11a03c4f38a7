"""The payload schemas of issue 6 (messages in Dutch) and the registry of mutation types."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sync import Mutation, MutationType, Registry, Rejected, build_registry
from sync.handlers import (ITEM_TOO_NEW, ITEM_TOO_OLD, SHIPPED_TYPES, NoteCreateSchema, VisitCheckinSchema,
                           flatten_errors)
from tests.sync.builders import DEVICE, note_payload

UTC = dt.timezone.utc
# Words of marshmallow's English defaults; none may reach a user.
ENGLISH = re.compile(r"\b(must|not a valid|missing|field|invalid|unknown|length|shorter|longer|greater|less|"
                     r"one of|value|data)\b", re.IGNORECASE)


def load(type_: str, payload: dict, schema_version: int = 1) -> dict:
    registry = build_registry({type_: lambda m, c: None})
    return registry.get(type_).load(make_mutation(type_, payload, schema_version))


def make_mutation(type_: str, payload: dict, schema_version: int = 1) -> Mutation:
    return Mutation(id="4b0f8a0e-6a53-4a4e-9a57-6a8c3c1f0a11", type=type_, schema_version=schema_version,
                    hash="0" * 64, device_time=dt.datetime(2026, 11, 23, tzinfo=UTC), payload=payload,
                    device_id=DEVICE)


def refusal(type_: str, payload: dict) -> Rejected:
    with pytest.raises(Rejected) as caught:
        load(type_, payload)
    return caught.value


# -- note.create ------------------------------------------------------------------------------

def test_a_note_loads_with_its_time_as_aware_utc():
    data = load("note.create", note_payload(written_at="2026-11-23T15:04:00+01:00", visit_id="bezoek-1",
                                            supersedes="4b0f8a0e-6a53-4a4e-9a57-6a8c3c1f0a12"))
    assert data["written_at"] == dt.datetime(2026, 11, 23, 14, 4, tzinfo=UTC)
    assert data["written_at"].utcoffset() == dt.timedelta(0)
    assert (data["visit_id"], data["supersedes"], data["kind"]) == (
        "bezoek-1", "4b0f8a0e-6a53-4a4e-9a57-6a8c3c1f0a12", "observatie")


def test_visit_and_supersedes_may_be_absent_or_null():
    assert "visit_id" not in load("note.create", note_payload())
    data = load("note.create", note_payload(visit_id=None, supersedes=None))
    assert data["visit_id"] is None and data["supersedes"] is None


@pytest.mark.parametrize("kind", ["observatie", "afspraak", "incident"])
def test_every_kind_of_note_is_accepted(kind):
    assert load("note.create", note_payload(kind=kind))["kind"] == kind


@pytest.mark.parametrize("change, field, message", [
    ({"text": ...}, "text", "Vul de tekst van de notitie in."),
    ({"text": ""}, "text", "Vul de tekst van de notitie in."),
    ({"text": " \n\t "}, "text", "Vul de tekst van de notitie in."),
    ({"text": None}, "text", "Vul de tekst van de notitie in."),
    ({"text": 12}, "text", "Vul de tekst van de notitie in."),
    ({"text": "a" * 10_001}, "text", "De notitie is te lang: maximaal 10.000 tekens."),
    ({"text": "nul\x00teken"}, "text", "Vul de tekst van de notitie in."),
    ({"kind": "melding"}, "kind", "Kies een soort notitie: observatie, afspraak of incident."),
    ({"kind": ...}, "kind", "Kies een soort notitie: observatie, afspraak of incident."),
    ({"kind": "Observatie"}, "kind", "Kies een soort notitie: observatie, afspraak of incident."),
    ({"client_id": ...}, "client_id", "Kies de cliënt bij wie deze notitie hoort."),
    ({"client_id": "sam de vries"}, "client_id", "Kies de cliënt bij wie deze notitie hoort."),
    ({"client_id": 42}, "client_id", "Kies de cliënt bij wie deze notitie hoort."),
    ({"visit_id": ""}, "visit_id", "Het huisbezoek bij deze notitie is niet herkend."),
    ({"supersedes": "x" * 65}, "supersedes", "De notitie die je verbetert is niet herkend."),
    ({"written_at": ...}, "written_at",
     "Het tijdstip van de notitie ontbreekt of klopt niet (zoals 2026-11-23T14:05:00Z)."),
    ({"written_at": "2026-11-23T14:04:00"}, "written_at",
     "Het tijdstip van de notitie ontbreekt of klopt niet (zoals 2026-11-23T14:05:00Z)."),
    ({"written_at": "23-11-2026 14:04"}, "written_at",
     "Het tijdstip van de notitie ontbreekt of klopt niet (zoals 2026-11-23T14:05:00Z)."),
    ({"written_at": 1700000000}, "written_at",
     "Het tijdstip van de notitie ontbreekt of klopt niet (zoals 2026-11-23T14:05:00Z)."),
    ({"written_at": "0001-01-01T00:00:00+01:00"}, "written_at",
     "Het tijdstip van de notitie ontbreekt of klopt niet (zoals 2026-11-23T14:05:00Z)."),
    ({"author": "sam"}, "author", "Dit veld kent de server niet."),
])
def test_a_bad_note_is_refused_with_a_dutch_message_on_the_field(change, field, message):
    payload = note_payload(**change)
    refused = refusal("note.create", payload)
    assert refused.reason == "De notitie is niet goed ingevuld."
    assert refused.errors == {field: [message]}


def test_a_note_of_exactly_ten_thousand_characters_is_fine():
    assert len(load("note.create", note_payload(text="é" * 10_000))["text"]) == 10_000


def test_all_errors_of_a_note_are_reported_together():
    refused = refusal("note.create", {"kind": "x"})
    assert set(refused.errors) == {"client_id", "kind", "text", "written_at"}


# -- visits --------------------------------------------------------------------------------------

def visit_plan(**overrides):
    payload = {"visit_id": "bezoek-1", "client_id": "sam-de-vries-0001", "planned_at": "2026-11-24T09:00:00Z",
               "checklist": {"bekend_risico": True, "met_collega": False, "wijkagent_antwoord": "go"}}
    payload.update(overrides)
    return {k: v for k, v in payload.items() if v is not ...}


def test_a_planned_visit_loads_with_its_checklist():
    data = load("visit.plan", visit_plan())
    assert data["checklist"] == {"bekend_risico": True, "met_collega": False, "wijkagent_antwoord": "go"}
    assert data["planned_at"] == dt.datetime(2026, 11, 24, 9, tzinfo=UTC)


def test_a_planned_visit_without_checklist_gets_an_empty_one():
    assert load("visit.plan", visit_plan(checklist=...))["checklist"] == {}


@pytest.mark.parametrize("checklist, message", [
    (["bekend_risico"], "De checklist moet per punt ja/nee of een korte tekst bevatten."),
    (None, "De checklist moet per punt ja/nee of een korte tekst bevatten."),
    ({"bekend_risico": 1}, "De checklist moet per punt ja/nee of een korte tekst bevatten."),
    ({"bekend_risico": None}, "De checklist moet per punt ja/nee of een korte tekst bevatten."),
    ({"bekend_risico": {"ja": True}}, "De checklist moet per punt ja/nee of een korte tekst bevatten."),
    ({"10": True}, "Een punt van de checklist heeft een ongeldige naam."),
    ({"Bekend risico": True}, "Een punt van de checklist heeft een ongeldige naam."),
    ({f"punt_{i}": True for i in range(51)}, "De checklist heeft te veel punten: maximaal 50."),
    ({"toelichting": "x" * 1001}, "Een antwoord in de checklist is te lang: maximaal 1.000 tekens."),
])
def test_a_bad_checklist_is_refused(checklist, message):
    refused = refusal("visit.plan", visit_plan(checklist=checklist))
    assert refused.reason == "Het geplande huisbezoek is niet goed ingevuld."
    assert refused.errors == {"checklist": [message]}


def test_a_planned_visit_needs_its_visit_client_and_time():
    refused = refusal("visit.plan", {})
    assert refused.errors == {
        "visit_id": ["De id van het huisbezoek ontbreekt of klopt niet."],
        "client_id": ["Kies de cliënt voor dit huisbezoek."],
        "planned_at": ["Vul in wanneer het huisbezoek gepland is (zoals 2026-11-23T14:05:00Z)."],
    }


@pytest.mark.parametrize("minutes", [5, 60, 480])
def test_a_checkin_takes_five_to_480_minutes(minutes):
    data = load("visit.checkin", {"visit_id": "bezoek-1", "at": "2026-11-24T09:02:00Z", "expected_minutes": minutes})
    assert data["expected_minutes"] == minutes
    assert data["at"] == dt.datetime(2026, 11, 24, 9, 2, tzinfo=UTC)


@pytest.mark.parametrize("minutes", [4, 481, 0, -5, "30", True, None])
def test_a_checkin_with_another_duration_is_refused(minutes):
    refused = refusal("visit.checkin", {"visit_id": "bezoek-1", "at": "2026-11-24T09:02:00Z",
                                        "expected_minutes": minutes})
    assert refused.reason == "De melding 'binnen' is niet goed ingevuld."
    assert refused.errors == {"expected_minutes": ["Kies een verwachte duur tussen 5 en 480 minuten."]}


def test_a_checkout_needs_a_time():
    assert load("visit.checkout", {"visit_id": "bezoek-1", "at": "2026-11-24T09:40:00Z"})["visit_id"] == "bezoek-1"
    refused = refusal("visit.checkout", {"visit_id": "bezoek-1"})
    assert refused.reason == "De melding 'buiten' is niet goed ingevuld."
    assert refused.errors == {"at": ["Het tijdstip van vertrek ontbreekt of klopt niet (zoals 2026-11-23T14:05:00Z)."]}


# -- every message is Dutch --------------------------------------------------------------------

timestamps = st.datetimes(timezones=st.sampled_from([dt.timezone.utc, dt.timezone(dt.timedelta(hours=1)),
                                                      dt.timezone(dt.timedelta(hours=-5))])).map(dt.datetime.isoformat)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-1000, 10**6) | st.text(max_size=12) | timestamps,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3),
    max_leaves=8)


def payloads_for(schema_cls):
    names = sorted(schema_cls().fields) + ["onbekend", "10"]
    return st.dictionaries(st.sampled_from(names), json_values, max_size=len(names))


@pytest.mark.parametrize("type_", sorted(SHIPPED_TYPES))
@settings(max_examples=60, deadline=None, database=None)
@given(data=st.data())
def test_whatever_the_payload_every_error_message_is_dutch(type_, data):
    payload = data.draw(payloads_for(SHIPPED_TYPES[type_].schemas[1]))
    try:
        load(type_, payload)
    except Rejected as refused:
        messages = [refused.reason] + [m for texts in (refused.errors or {}).values() for m in texts]
        for message in messages:
            assert not ENGLISH.search(message), message
            assert message.endswith("."), message


# -- the registry -------------------------------------------------------------------------------

def test_the_registry_holds_only_the_types_given_an_apply_function():
    registry = build_registry({"note.create": lambda m, c: None})
    assert registry.names == {"note.create"}
    assert "visit.plan" not in registry
    assert registry.get("visit.plan") is None


def test_a_type_without_a_shipped_schema_is_a_programming_error():
    with pytest.raises(ValueError, match="note.delete"):
        build_registry({"note.delete": lambda m, c: None})


def test_a_type_can_be_registered_once():
    registry = build_registry({"note.create": lambda m, c: None})
    with pytest.raises(ValueError, match="twice"):
        registry.register(MutationType("note.create", {1: NoteCreateSchema}, lambda m, c: None))
    with pytest.raises(ValueError, match="no schema"):
        Registry([MutationType("x.y", {}, lambda m, c: None)])


def test_an_item_version_the_type_does_not_know_is_refused_as_too_old_or_too_new():
    mutation_type = MutationType("visit.checkin", {2: VisitCheckinSchema, 3: VisitCheckinSchema}, lambda m, c: None)
    payload = {"visit_id": "b", "at": "2026-11-24T09:02:00Z", "expected_minutes": 30}
    with pytest.raises(Rejected) as old:
        mutation_type.load(make_mutation("visit.checkin", payload, schema_version=1))
    assert old.value.reason == ITEM_TOO_OLD
    with pytest.raises(Rejected) as new:
        mutation_type.load(make_mutation("visit.checkin", payload, schema_version=4))
    assert new.value.reason == ITEM_TOO_NEW
    assert mutation_type.load(make_mutation("visit.checkin", payload, schema_version=3))["expected_minutes"] == 30


def test_nested_errors_are_flattened_with_dots_and_said_once():
    assert flatten_errors({"a": {"b": ["x", "x"], 0: {"c": ["y"]}}, "d": ["z"]}) == {
        "a.b": ["x"], "a.0.c": ["y"], "d": ["z"]}
    assert flatten_errors(["los"]) == {"_schema": ["los"]}
