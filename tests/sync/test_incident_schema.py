"""The payload schema of "incident.create" (issue 7): what loads, and the Dutch message for what does not.
(The property test in test_handlers.py also runs every shipped type, this one included.)"""
from __future__ import annotations

import datetime as dt

import pytest

from sync.handlers import AANGIFTE_STATUSES, INCIDENT_SETTINGS, INCIDENT_SITUATIONS, POLICE_CALLED, SHIPPED_TYPES
from tests.sync.test_handlers import load, refusal

UTC = dt.timezone.utc
INVALID = "Het incident is niet goed ingevuld."


def incident_payload(**overrides):
    payload = {"client_id": "sam-de-vries-0001", "occurred_at": "2026-11-23T15:04:00+01:00", "setting": "ambulant",
               "situation": "acuut", "police_called": "112",
               "description": "Hij sloeg met de vuist op de tafel en riep: 'ga weg of ik sla je'.",
               "written_at": "2026-11-23T14:20:00Z"}
    payload.update(overrides)
    return {k: v for k, v in payload.items() if v is not ...}


def test_the_type_is_shipped_with_its_own_reasons():
    shipped = SHIPPED_TYPES["incident.create"]
    assert shipped.invalid_reason == INVALID
    assert shipped.conflict_reason == "Dit incident is al eerder met andere inhoud ontvangen."


def test_a_minimal_incident_loads_with_times_in_utc_and_no_aangifte_on_its_own_domicile():
    data = load("incident.create", incident_payload())
    assert data["occurred_at"] == dt.datetime(2026, 11, 23, 14, 4, tzinfo=UTC)
    assert data["written_at"] == dt.datetime(2026, 11, 23, 14, 20, tzinfo=UTC)
    assert data["aangifte_domicilie"] is False
    assert "aangifte_status" not in data and "location" not in data


def test_everything_filled_in_loads():
    data = load("incident.create", incident_payload(
        location="Woning, eerste verdieping", injuries="Blauwe plek bovenarm collega.", police_reference="PL0900-123",
        aangifte_status="niet_gedaan", aangifte_reason="Collega wil eerst met leidinggevende praten.",
        aangifte_domicilie=True, aangifte_reference="PV-77", flow_id="politie-inschakelen", step_id="bel-112"))
    assert (data["aangifte_status"], data["aangifte_domicilie"], data["step_id"]) == ("niet_gedaan", True, "bel-112")


@pytest.mark.parametrize("field, values", [("setting", INCIDENT_SETTINGS), ("situation", INCIDENT_SITUATIONS),
                                           ("police_called", POLICE_CALLED), ("aangifte_status", AANGIFTE_STATUSES)])
def test_every_choice_loads(field, values):
    for value in values:
        extra = {"aangifte_reason": "Reden."} if value == "niet_gedaan" else {}
        assert load("incident.create", incident_payload(**{field: value}, **extra))[field] == value


@pytest.mark.parametrize("change, field, message", [
    ({"description": ...}, "description", "Beschrijf wat er gebeurde: wat werd er gezegd en gedaan."),
    ({"description": "  "}, "description", "Beschrijf wat er gebeurde: wat werd er gezegd en gedaan."),
    ({"description": "x" * 10_001}, "description", "De beschrijving is te lang: maximaal 10.000 tekens."),
    ({"situation": "agressie"}, "situation",
     "Kies wat voor situatie het was: acute noodsituatie, planbare noodsituatie, strafbaar feit, of geen van drieën."),
    ({"police_called": "ja"}, "police_called", "Kies of en hoe de politie is gebeld: 112, wijkagent, 0900-8844 of niet."),
    ({"setting": None}, "setting", "Kies waar het was: klinisch (in de instelling) of ambulant."),
    ({"occurred_at": "2026-11-23 15:04"}, "occurred_at", "Vul in wanneer het incident was (zoals 2026-11-23T14:05:00Z)."),
    ({"occurred_at": "2026-11-23T15:04:00"}, "occurred_at", "Vul in wanneer het incident was (zoals 2026-11-23T14:05:00Z)."),
    ({"client_id": "Sam de Vries"}, "client_id", "Kies de cliënt bij wie dit incident hoort."),
    ({"aangifte_status": "misschien"}, "aangifte_status",
     "Kies de stand van de aangifte: te doen, gedaan of niet gedaan."),
    ({"aangifte_status": "niet_gedaan"}, "aangifte_reason", "Schrijf op waarom er geen aangifte is gedaan."),
    ({"aangifte_domicilie": "ja"}, "aangifte_domicilie", "Kies ja of nee: aangifte op het adres van de organisatie."),
    ({"aangifte_domicilie": 1}, "aangifte_domicilie", "Kies ja of nee: aangifte op het adres van de organisatie."),
    ({"police_reference": "x" * 41}, "police_reference", "Het nummer van de politie is te lang: maximaal 40 tekens."),
    ({"location": "x" * 201}, "location", "Beschrijf de plek in maximaal 200 tekens."),
    ({"flow_id": "Politie Inschakelen"}, "flow_id", "Het stappenplan bij dit incident is niet herkend."),
    ({"step_id": "../admin"}, "step_id", "De stap van het stappenplan bij dit incident is niet herkend."),
    ({"diagnose": "psychose"}, "diagnose", "Dit veld kent de server niet."),
])
def test_what_is_refused_and_the_dutch_message(change, field, message):
    refused = refusal("incident.create", incident_payload(**change))
    assert refused.reason == INVALID
    assert refused.errors == {field: [message]}
