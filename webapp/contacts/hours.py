"""Reachability hours: "24/7", or hours per weekday written as "ma-vr 08:00-17:00; za 10:00-14:00".

The compact form is what coordinators type and what the CSV carries; it is parsed into a
mapping weekday -> list of (start, end) and checked against the clock in Europe/Amsterdam.
"""
from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
DAYS = ("ma", "di", "wo", "do", "vr", "za", "zo")
DAY_NAMES = {"ma": "maandag", "di": "dinsdag", "wo": "woensdag", "do": "donderdag", "vr": "vrijdag",
             "za": "zaterdag", "zo": "zondag"}
ALWAYS = "24/7"

_PART = re.compile(r"^(?P<days>[a-z]{2}(?:\s*-\s*[a-z]{2})?(?:\s*,\s*[a-z]{2}(?:\s*-\s*[a-z]{2})?)*)\s+"
                   r"(?P<times>\d{1,2}[:.]\d{2}\s*-\s*\d{1,2}[:.]\d{2}(?:\s*,\s*\d{1,2}[:.]\d{2}\s*-\s*\d{1,2}[:.]\d{2})*)$")


class HoursError(ValueError):
    pass


def _time(text: str) -> str:
    hours, minutes = re.split(r"[:.]", text.strip())
    h, m = int(hours), int(minutes)
    if h == 24 and m == 0:
        return "24:00"
    if not (0 <= h < 24 and 0 <= m < 60):
        raise HoursError(f"'{text.strip()}' is geen tijd")
    return f"{h:02d}:{m:02d}"


def _days(text: str) -> list[str]:
    result = []
    for chunk in text.split(","):
        chunk = chunk.strip()
        if "-" in chunk:
            first, last = (c.strip() for c in chunk.split("-"))
            if first not in DAYS or last not in DAYS:
                raise HoursError(f"'{chunk}': gebruik ma, di, wo, do, vr, za, zo")
            i, j = DAYS.index(first), DAYS.index(last)
            if j < i:
                raise HoursError(f"'{chunk}': de eerste dag moet voor de laatste komen")
            result.extend(DAYS[i:j + 1])
        else:
            if chunk not in DAYS:
                raise HoursError(f"'{chunk}': gebruik ma, di, wo, do, vr, za, zo")
            result.append(chunk)
    return result


def parse_hours(text: str | None) -> dict | None:
    """None for 24/7; otherwise {day: [[start, end], ...]} with at least one period."""
    text = (text or "").strip().lower()
    if text in ("", ALWAYS, "24x7", "altijd"):
        if text == "":
            raise HoursError("Vul de bereikbaarheid in, bijvoorbeeld 24/7 of ma-vr 08:00-17:00.")
        return None
    schedule: dict[str, list[list[str]]] = {}
    for part in re.split(r"\s*;\s*", text):
        if not part:
            continue
        match = _PART.match(part)
        if not match:
            raise HoursError(f"'{part}' begrijp ik niet. Schrijf bijvoorbeeld: ma-vr 08:00-17:00; za 10:00-14:00")
        periods = []
        for span in match.group("times").split(","):
            start, end = (_time(t) for t in span.split("-"))
            if end <= start:
                raise HoursError(f"'{span.strip()}': de eindtijd moet na de begintijd liggen")
            periods.append([start, end])
        for day in _days(match.group("days")):
            schedule.setdefault(day, []).extend(periods)
    return {day: sorted(schedule[day]) for day in DAYS if day in schedule}


def format_hours(schedule: dict | None) -> str:
    """The compact form, grouping consecutive days with the same hours: 'ma-vr 08:00-17:00'."""
    if schedule is None:
        return ALWAYS
    groups: list[tuple[list[str], str]] = []
    for day in DAYS:
        if day not in schedule:
            continue
        times = ", ".join(f"{a}-{b}" for a, b in schedule[day])
        if groups and groups[-1][1] == times and DAYS.index(groups[-1][0][-1]) == DAYS.index(day) - 1:
            groups[-1][0].append(day)
        else:
            groups.append(([day], times))
    return "; ".join((f"{d[0]}-{d[-1]}" if len(d) > 1 else d[0]) + " " + t for d, t in groups)


def describe_hours(schedule: dict | None) -> str:
    """For people: '24 uur per dag, 7 dagen per week' or 'ma–vr 08:00–17:00; za 10:00–14:00'."""
    if schedule is None:
        return "24 uur per dag, 7 dagen per week"
    return format_hours(schedule).replace("-", "–")


def is_open(schedule: dict | None, at: dt.datetime | None = None) -> bool:
    if schedule is None:
        return True
    local = (at or dt.datetime.now(dt.timezone.utc)).astimezone(AMSTERDAM)
    day = DAYS[local.weekday()]
    now = f"{local.hour:02d}:{local.minute:02d}"
    return any(start <= now < end for start, end in schedule.get(day, ()))
