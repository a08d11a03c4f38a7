"""Import and export of the directory: CSV (both ways, all or nothing) and vCard (for the phone's address book)."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from webapp.contacts.functions import FUNCTION_LABELS, NATIONAL_NUMBERS, ContactFunction, Level
from webapp.contacts.hours import HoursError, describe_hours, format_hours, parse_hours
from webapp.contacts.models import Contact
from webapp.contacts.phones import (InvalidInput, display_phone, format_postcode_list, normalise_phone,
                                    parse_postcode_list)
from webapp.contacts.services import snapshot

COLUMNS = ("id", "naam", "soort", "organisatie", "functie", "niveau", "telefoon", "telefoon_2",
           "telefoon_2_omschrijving", "email", "bereikbaar", "buiten_bereikbaarheid", "postcodes", "notities",
           "gecontroleerd_op")
REQUIRED = ("naam", "soort", "organisatie", "functie", "telefoon", "bereikbaar")
MAX_ROWS = 5000


def export_csv(contacts: list[Contact]) -> str:
    out = io.StringIO()
    out.write("\ufeff")  # so that spreadsheet programs read UTF-8
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for c in contacts:
        writer.writerow([
            c.id, c.name, "persoon" if c.is_person else "functie", c.organisation, c.function.value, c.level.value,
            display_phone(c.phone), display_phone(c.phone_alt), c.phone_alt_label or "", c.email or "",
            format_hours(c.hours), c.outside_hours or "", format_postcode_list(c.postcode_list), c.notes or "",
            c.verified_at.date().isoformat() if c.verified_at else "",
        ])
    return out.getvalue()


@dataclass
class RowResult:
    line: int
    action: str = "new"                         # new | update | same | error
    contact_id: int | None = None
    values: dict = field(default_factory=dict)
    changes: dict = field(default_factory=dict)  # field -> [old, new]
    errors: dict = field(default_factory=dict)   # column -> Dutch message
    name: str = ""


@dataclass
class ImportPreview:
    rows: list[RowResult]
    file_errors: list[str] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.file_errors and all(r.action != "error" for r in self.rows)

    def count(self, action: str) -> int:
        return sum(1 for r in self.rows if r.action == action)


def _choice(value: str, enum, labels: dict, what: str):
    text = value.strip()
    for member in enum:
        if text.casefold() in (member.value, labels.get(member, "").casefold()):
            return member.value
    raise InvalidInput(f"'{text}' is geen bekende {what}.")


def _row_values(row: dict) -> tuple[dict, dict]:
    values, errors = {}, {}

    def take(column, parse):
        try:
            return parse((row.get(column) or "").strip())
        except (InvalidInput, HoursError) as exc:
            errors[column] = str(exc)

    for column in REQUIRED:
        if not (row.get(column) or "").strip():
            errors[column] = "Dit veld is verplicht."
    soort = (row.get("soort") or "").strip().lower()
    if soort and soort not in ("persoon", "functie"):
        errors["soort"] = "Schrijf 'persoon' of 'functie'."
    values["is_person"] = soort != "functie"
    values["name"] = (row.get("naam") or "").strip()
    values["organisation"] = (row.get("organisatie") or "").strip()
    if "functie" not in errors:
        values["function"] = take("functie", lambda v: _choice(v, ContactFunction, FUNCTION_LABELS, "functie"))
    level = (row.get("niveau") or "").strip()
    values["level"] = take("niveau", lambda v: _choice(v, Level, {lv: lv.label for lv in Level}, "niveau")) \
        if level else Level.OPERATIONEEL.value
    if "telefoon" not in errors:
        values["phone"] = take("telefoon", normalise_phone)
    alt = (row.get("telefoon_2") or "").strip()
    values["phone_alt"] = take("telefoon_2", normalise_phone) if alt else None
    values["phone_alt_label"] = (row.get("telefoon_2_omschrijving") or "").strip() or None
    email = (row.get("email") or "").strip()
    if email and ("@" not in email or " " in email):
        errors["email"] = f"'{email}' is geen geldig e-mailadres."
    values["email"] = email or None
    if "bereikbaar" not in errors:
        values["hours"] = take("bereikbaar", parse_hours)
    values["outside_hours"] = (row.get("buiten_bereikbaarheid") or "").strip() or None
    values["postcodes"] = take("postcodes", parse_postcode_list) or []
    values["notes"] = (row.get("notities") or "").strip() or None
    for name, limit, column in (("name", 160, "naam"), ("organisation", 160, "organisatie")):
        if len(values[name]) > limit:
            errors[column] = f"Maximaal {limit} tekens."
    return values, errors


def preview_import(text: str, existing: dict[int, Contact]) -> ImportPreview:
    """Check every row of a CSV file. Nothing is written here; `valid` says whether it may be."""
    text = text.lstrip("\ufeff")
    if not text.strip():
        return ImportPreview(rows=[], file_errors=["Het bestand is leeg."])
    try:
        dialect = csv.Sniffer().sniff(text.splitlines()[0], delimiters=";,\t")
    except csv.Error:
        return ImportPreview(rows=[], file_errors=["Dit is geen CSV-bestand met kolommen gescheiden door ; of ,."])
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    headers = [h.strip().lower() for h in reader.fieldnames or []]
    missing = [c for c in REQUIRED if c not in headers]
    unknown = [h for h in headers if h not in COLUMNS]
    file_errors = []
    if missing:
        file_errors.append("Deze kolommen ontbreken: " + ", ".join(missing) + ".")
    if unknown:
        file_errors.append("Deze kolommen ken ik niet: " + ", ".join(unknown) + ".")
    if file_errors:
        return ImportPreview(rows=[], file_errors=file_errors)
    reader.fieldnames = headers

    rows, seen_ids = [], set()
    for index, row in enumerate(reader, start=2):
        if index - 1 > MAX_ROWS:
            return ImportPreview(rows=rows, file_errors=[f"Meer dan {MAX_ROWS} rijen; splits het bestand."])
        if not any((v or "").strip() for v in row.values() if isinstance(v, str)):
            continue
        values, errors = _row_values(row)
        result = RowResult(line=index, values=values, errors=errors, name=values.get("name", ""))
        raw_id = (row.get("id") or "").strip()
        if raw_id:
            if not raw_id.isdigit() or int(raw_id) not in existing:
                errors["id"] = "Dit id hoort niet bij een contact in jouw regio. Laat het leeg voor een nieuw contact."
            elif int(raw_id) in seen_ids:
                errors["id"] = "Dit id staat twee keer in het bestand."
            else:
                seen_ids.add(int(raw_id))
                result.contact_id = int(raw_id)
        if errors:
            result.action = "error"
        elif result.contact_id:
            old = snapshot(existing[result.contact_id])
            new = {**old, **values}
            result.changes = {k: [old[k], new[k]] for k in values if old[k] != new[k]}
            result.action = "update" if result.changes else "same"
        rows.append(result)
    return ImportPreview(rows=rows)


# -- vCard 3.0 (RFC 2426) ----------------------------------------------------------------------

def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;").replace("\n", "\\n")


def _fold(line: str) -> str:
    """Lines longer than 75 octets continue on the next line after a space."""
    out, current = [], b""
    for char in line:
        encoded = char.encode()
        if len(current) + len(encoded) > 75:
            out.append(current.decode())
            current = b" "
        current += encoded
    out.append(current.decode())
    return "\r\n".join(out)


def _card(name: str, organisation: str | None, title: str, phones: list[tuple[str, str]], email: str | None,
          note: str) -> str:
    lines = ["BEGIN:VCARD", "VERSION:3.0", f"FN:{_escape(name)}", f"N:{_escape(name)};;;;"]
    if organisation:
        lines.append(f"ORG:{_escape(organisation)}")
    lines.append(f"TITLE:{_escape(title)}")
    for kind, number in phones:
        lines.append(f"TEL;TYPE={kind}:{number}")
    if email:
        lines.append(f"EMAIL;TYPE=INTERNET:{email}")
    lines.append(f"NOTE:{_escape(note)}")
    lines.append("END:VCARD")
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"


def export_vcard(contacts: list[Contact]) -> str:
    cards = []
    for key in ("0900-8844", "0800-2000"):
        n = NATIONAL_NUMBERS[key]
        cards.append(_card(f"{n.name} ({n.kind})" if n.name != n.kind else n.name, None, n.kind,
                           [("WORK,VOICE", n.e164)], None, n.when))
    for c in contacts:
        phones = [("WORK,VOICE", c.phone)] + ([("WORK,CELL" if (c.phone_alt_label or "").lower() == "mobiel"
                                                else "WORK,VOICE", c.phone_alt)] if c.phone_alt else [])
        note = f"{c.function.label}. Bereikbaar: {describe_hours(c.hours)}."
        if c.outside_hours and c.hours is not None:
            note += f" Daarbuiten: {c.outside_hours}"
        cards.append(_card(c.name, c.organisation, c.function.label, phones, c.email, note))
    return "".join(cards)


def apply_import(preview: ImportPreview, region, existing: dict[int, Contact], actor) -> tuple[int, int]:
    """Write a valid preview: all rows or, if any is wrong, none. Returns (created, updated)."""
    from webapp.contacts.services import create_contact, update_contact

    if not preview.valid:
        raise ValueError("an import with errors is never written")
    created = updated = 0
    for row in preview.rows:
        if row.action == "new":
            create_contact(region, row.values, actor)
            created += 1
        elif row.action == "update":
            update_contact(existing[row.contact_id], row.values, actor)
            updated += 1
    return created, updated
