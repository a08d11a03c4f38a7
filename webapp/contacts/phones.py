"""Dutch phone numbers and postcodes: parsed and validated, stored in E.164, shown the Dutch way."""
from __future__ import annotations

import re

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat

SHORT_NUMBERS = {"112"}


class InvalidInput(ValueError):
    pass


def normalise_phone(text: str) -> str:
    """E.164 ('+31301234567') for any Dutch or international number; raises with a Dutch message."""
    raw = (text or "").strip()
    if not raw:
        raise InvalidInput("Vul een telefoonnummer in.")
    if raw in SHORT_NUMBERS:
        return raw
    try:
        number = phonenumbers.parse(raw, "NL")
    except NumberParseException:
        raise InvalidInput(f"'{raw}' is geen telefoonnummer.") from None
    if not phonenumbers.is_valid_number(number):
        raise InvalidInput(f"'{raw}' is geen geldig telefoonnummer. Controleer het aantal cijfers.")
    return phonenumbers.format_number(number, PhoneNumberFormat.E164)


def display_phone(e164: str | None) -> str:
    """'030 123 4567' for Dutch numbers, the international form for others."""
    if not e164:
        return ""
    if e164 in SHORT_NUMBERS:
        return e164
    number = phonenumbers.parse(e164, None)
    if number.country_code == 31:
        return phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL)


def tel_href(e164: str) -> str:
    return "tel:" + e164


_POSTCODE = re.compile(r"^([1-9][0-9]{3})\s?([A-Za-z]{2})?$")


def normalise_postcode_area(text: str) -> str:
    """'3511', '3511 AB' or '3511ab' -> '3511'."""
    raw = (text or "").strip()
    match = _POSTCODE.match(raw)
    if not match:
        raise InvalidInput(f"'{raw}' is geen postcode. Gebruik vier cijfers, zoals 3511, of een hele postcode, zoals 3511 AB.")
    letters = (match.group(2) or "").upper()
    if letters in ("SA", "SD", "SS"):
        raise InvalidInput(f"'{raw}' is geen bestaande postcode.")
    return match.group(1)


def normalise_full_postcode(text: str) -> str:
    """'3511 ab' -> '3511AB'; the letters are required."""
    raw = (text or "").strip()
    match = _POSTCODE.match(raw)
    if not match or not match.group(2):
        raise InvalidInput(f"'{raw}' is geen volledige postcode. Schrijf bijvoorbeeld 3511 AB.")
    return match.group(1) + match.group(2).upper()


def parse_postcode_list(text: str) -> list[str]:
    """'3511, 3512 AB; 3513' -> ['3511', '3512', '3513'] (unique, sorted)."""
    areas = set()
    for part in re.split(r"[,;\n]+", text or ""):
        if part.strip():
            if re.fullmatch(r"\s*\d{4}\s*-\s*\d{4}\s*", part):
                first, last = (int(x) for x in part.split("-"))
                if first < 1000 or last < first or last - first > 200:
                    raise InvalidInput(f"'{part.strip()}' is geen bruikbare reeks postcodes.")
                areas.update(str(n) for n in range(first, last + 1))
            else:
                areas.add(normalise_postcode_area(part))
    return sorted(areas)


def format_postcode_list(postcodes: list[str]) -> str:
    """['3511', '3512', '3513', '3520'] -> '3511-3513, 3520': runs of three or more become a range."""
    numbers = sorted(int(p) for p in postcodes)
    parts, i = [], 0
    while i < len(numbers):
        j = i
        while j + 1 < len(numbers) and numbers[j + 1] == numbers[j] + 1:
            j += 1
        if j - i >= 2:
            parts.append(f"{numbers[i]}-{numbers[j]}")
        else:
            parts.extend(str(n) for n in numbers[i:j + 1])
        i = j + 1
    return ", ".join(parts)
