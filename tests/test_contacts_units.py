"""The parsers behind the directory: phone numbers, postcodes and reachability hours."""
from __future__ import annotations

import datetime as dt

import pytest

from webapp.contacts.hours import HoursError, describe_hours, format_hours, is_open, parse_hours
from webapp.contacts.phones import (InvalidInput, display_phone, format_postcode_list, normalise_phone,
                                    normalise_postcode_area, parse_postcode_list)


@pytest.mark.parametrize("text, e164, shown", [
    ("030-1234567", "+31301234567", "030 123 4567"),
    ("06 12345678", "+31612345678", "06 12345678"),
    ("+31 6 1234 5678", "+31612345678", "06 12345678"),
    ("0031612345678", "+31612345678", "06 12345678"),
    ("0900-8844", "+319008844", "0900 8844"),
    ("112", "112", "112"),
    ("+32 2 555 12 12", "+3225551212", "+32 2 555 12 12"),
])
def test_phone_numbers_are_stored_in_e164_and_shown_the_dutch_way(text, e164, shown):
    assert normalise_phone(text) == e164
    assert display_phone(e164) == shown


@pytest.mark.parametrize("text, message", [
    ("", "Vul een telefoonnummer in."),
    ("12345", "geen geldig telefoonnummer"),
    ("bel me", "geen telefoonnummer"),
    ("06 1234", "geen geldig telefoonnummer"),
])
def test_bad_phone_numbers_get_a_dutch_message(text, message):
    with pytest.raises(InvalidInput, match=message):
        normalise_phone(text)


@pytest.mark.parametrize("text, area", [("3511", "3511"), ("3511 AB", "3511"), ("3511ab", "3511"), (" 1012 ", "1012")])
def test_full_postcodes_are_reduced_to_their_area(text, area):
    assert normalise_postcode_area(text) == area


@pytest.mark.parametrize("text", ["0511", "351", "35111", "3511 A", "3511 SS", "abcd"])
def test_bad_postcodes_are_refused(text):
    with pytest.raises(InvalidInput):
        normalise_postcode_area(text)


def test_postcode_lists_and_ranges():
    assert parse_postcode_list("3511, 3512 AB;3520-3522") == ["3511", "3512", "3520", "3521", "3522"]
    assert format_postcode_list(["3511", "3512", "3513", "3520", "3522", "3523"]) == "3511-3513, 3520, 3522, 3523"
    assert parse_postcode_list(format_postcode_list(["3601", "3602", "3603", "3604"])) == ["3601", "3602", "3603", "3604"]
    with pytest.raises(InvalidInput):
        parse_postcode_list("3530-3511")


def test_hours_round_trip_and_description():
    schedule = parse_hours("ma-vr 08:00-17:00; za 10:00-12:00, 13:00-14:00")
    assert schedule["ma"] == [["08:00", "17:00"]] and schedule["za"] == [["10:00", "12:00"], ["13:00", "14:00"]]
    assert "zo" not in schedule
    assert format_hours(schedule) == "ma-vr 08:00-17:00; za 10:00-12:00, 13:00-14:00"
    assert parse_hours(format_hours(schedule)) == schedule
    assert parse_hours("24/7") is None and format_hours(None) == "24/7"
    assert describe_hours(None) == "24 uur per dag, 7 dagen per week"


@pytest.mark.parametrize("text, message", [
    ("", "Vul de bereikbaarheid in"),
    ("maandag 9-5", "begrijp ik niet"),
    ("ma-vr 17:00-08:00", "na de begintijd"),
    ("vr-ma 08:00-17:00", "eerste dag"),
    ("ma 25:00-26:00", "geen tijd"),
])
def test_bad_hours_get_a_dutch_message(text, message):
    with pytest.raises(HoursError, match=message):
        parse_hours(text)


def amsterdam(day, hour, minute=0):
    """A moment in Amsterdam on a day of the week of 23-29 November 2026 (Monday 23rd)."""
    from zoneinfo import ZoneInfo

    return dt.datetime(2026, 11, 23 + day, hour, minute, tzinfo=ZoneInfo("Europe/Amsterdam"))


def test_open_now_follows_the_amsterdam_clock():
    office = parse_hours("ma-vr 08:00-17:00")
    assert is_open(office, amsterdam(0, 8, 0))
    assert is_open(office, amsterdam(4, 16, 59))
    assert not is_open(office, amsterdam(4, 17, 0))
    assert not is_open(office, amsterdam(5, 12))  # Saturday
    assert not is_open(office, amsterdam(0, 7, 59).astimezone(dt.timezone.utc))
    assert is_open(None, amsterdam(6, 3))  # 24/7
