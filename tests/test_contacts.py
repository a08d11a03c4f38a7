"""The contactenboek: who to call, search, freshness, changes with their audit, import and export."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import select

from tests.conftest import page_csrf_token
from webapp.audit.models import AuditAction, AuditEvent
from webapp.contacts.models import Contact
from webapp.contacts.services import resolve_target, who_to_call
from webapp.db import utcnow

VALID = {"is_person": "persoon", "name": "Eva Jansen", "organisation": "Basisteam Domstad-Centrum",
         "function": "wijkagent", "level": "operationeel", "phone": "06 21234567", "hours": "ma-vr 08:00-16:00",
         "outside_hours": "Bel het basisteam.", "postcodes": "3515, 3516 AB", "email": "eva@politie.example"}


def post_form(client, url, data):
    return client.post(url, data={**data, "csrf_token": page_csrf_token(client, "/contacten/nieuw")})


def audit(db, action):
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action, AuditEvent.object_type == "contacts")
                              .order_by(AuditEvent.id)).all()


# -- who to call ---------------------------------------------------------------------------------

def names(options):
    return [o.name for o in options]


def test_the_wijkagent_of_the_postcode_then_the_basisteam_then_0900(demo):
    region = demo.user("demo-hulpverlener").region
    assert names(who_to_call(region, "3511")) == ["Mark Visser", "Basisteam Domstad-Centrum, balie", "0900-8844"]
    assert names(who_to_call(region, "3512")) == ["Aylin Yilmaz", "Basisteam Domstad-Centrum, balie", "0900-8844"]
    assert names(who_to_call(region, "3601")) == ["Peter Hoekstra", "Basisteam Vechtoever, balie", "0900-8844"]


def test_no_wijkagent_for_the_area_falls_back_to_the_basisteam(demo):
    options = who_to_call(demo.user("demo-hulpverlener").region, "3520")
    assert names(options) == ["Basisteam Domstad-Centrum, balie", "0900-8844"]


def test_nothing_known_for_the_area_falls_back_to_0900_with_a_reason(demo):
    [only] = who_to_call(demo.user("demo-hulpverlener").region, "9999")
    assert only.e164 == "+319008844" and only.national
    assert only.note == "Geen wijkagent of basisteam politie gevonden voor 9999: bel dit nummer."


def test_reachability_hours_and_what_to_do_outside_them(demo):
    from zoneinfo import ZoneInfo

    region = demo.user("demo-hulpverlener").region
    monday_10 = dt.datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))
    sunday_10 = dt.datetime(2026, 11, 29, 10, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))
    at_work = who_to_call(region, "3511", now=monday_10)[0]
    weekend = who_to_call(region, "3511", now=sunday_10)[0]
    assert at_work.name == weekend.name == "Mark Visser"
    assert at_work.open_now and not weekend.open_now
    assert weekend.hours_description == "ma–vr 08:00–17:00"
    assert weekend.outside_hours == "Bel het basisteam of 0900-8844 en vraag naar de opco."


def test_two_wijkagenten_for_one_area_open_one_first(demo):
    from webapp.contacts.services import create_contact
    from zoneinfo import ZoneInfo

    region = demo.user("demo-coordinator").region
    create_contact(region, {"is_person": True, "name": "Aa Avonddienst", "organisation": "Basisteam",
                            "function": "wijkagent", "level": "operationeel", "phone": "+31620000001",
                            "hours": {"ma": [["18:00", "23:00"]]}, "postcodes": ["3511"]}, demo.user("demo-coordinator"))
    evening = dt.datetime(2026, 11, 23, 19, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))
    morning = dt.datetime(2026, 11, 23, 9, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))
    assert names(who_to_call(region, "3511", now=evening))[:2] == ["Aa Avonddienst", "Mark Visser"]
    assert names(who_to_call(region, "3511", now=morning))[:2] == ["Mark Visser", "Aa Avonddienst"]


def test_veilig_thuis_uses_the_region_then_the_national_number(demo, make_user):
    region = demo.user("demo-hulpverlener").region
    assert names(resolve_target("veilig-thuis", region)) == ["Veilig Thuis Domstad", "Veilig Thuis"]


def test_who_page_and_its_errors(demo, login_as):
    client = login_as(demo.user("demo-wijkagent"))
    html = client.get("/contacten/wie-bel-ik?postcode=3511 XY").text
    assert re.findall(r'<span class="call-action">Bel ([^<]+)</span>', html)[:3] == [
        "Mark Visser", "Basisteam Domstad-Centrum, balie", "0900-8844"]
    bad = client.get("/contacten/wie-bel-ik?postcode=351")
    assert bad.status_code == 422
    assert re.search(r'<p class="field-error" id="who-error">.*geen postcode', bad.text)


def test_call_table_for_the_phone_matches_the_server(demo, login_as):
    table = login_as(demo.user("demo-hulpverlener")).get("/contacten/bellen.json").get_json()
    keys = table["postcodes"]["3511"]["wijkagent"]
    assert [table["options"][k]["name"] for k in keys] == ["Mark Visser", "Basisteam Domstad-Centrum, balie", "0900-8844"]
    assert table["options"][keys[0]]["tel"] == "tel:+31620345678"
    assert set(table["postcodes"]) >= {"3511", "3512", "3601"}
    assert [table["options"][k]["e164"] for k in table["default"]["112"]] == ["112"]


# -- search ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("q, expected", [
    ("cri", "Crisisdienst GGZ Veldhaven (24/7)"),
    ("CRISIS veldhaven", "Crisisdienst GGZ Veldhaven (24/7)"),
    ("3512", "Aylin Yilmaz"),
    ("wijkagent vechtoever", "Peter Hoekstra"),
    ("yılmaz", None),
])
def test_search_by_name_function_organisation_and_postcode(demo, login_as, q, expected):
    html = login_as(demo.user("demo-wijkagent")).get("/contacten/", query_string={"q": q}).text
    found = re.findall(r'<a class="contact-name" href="/contacten/\d+">([^<]+)</a>', html)
    if expected:
        assert expected in [f.replace("&#39;", "'") for f in found]
    else:
        assert found == []


def test_filters_by_function_and_level(demo, login_as):
    client = login_as(demo.user("demo-wijkagent"))
    html = client.get("/contacten/?functie=wijkagent").text
    found = re.findall(r'<a class="contact-name" href="/contacten/\d+">([^<]+)</a>', html)
    assert sorted(found) == ["Aylin Yilmaz", "Mark Visser", "Peter Hoekstra"]
    strategic = re.findall(r'<a class="contact-name" href="/contacten/\d+">([^<]+)</a>',
                           client.get("/contacten/?niveau=strategisch").text)
    assert sorted(strategic) == ["Dr. Willem Verbeek", "Henk Mulder"]


def test_the_directory_shows_national_numbers_and_when_it_was_updated(demo, login_as):
    html = login_as(demo.user("demo-hulpverlener")).get("/contacten/").text
    for number in ("tel:112", "tel:+319008844", "tel:+318002000"):
        assert number in html
    assert "bijgewerkt op" in html


# -- freshness ---------------------------------------------------------------------------------

def test_the_180_day_rule(demo):
    contact = demo.contacts["Mark Visser"]
    now = utcnow()
    contact.verified_at = now - dt.timedelta(days=179)
    assert not contact.is_stale(now)
    contact.verified_at = now - dt.timedelta(days=181)
    assert contact.is_stale(now)
    contact.verified_at = None
    assert contact.is_stale(now)


def test_coordinators_see_the_stale_contacts_and_confirm_them_with_one_tap(demo, login_as):
    client = login_as(demo.user("demo-coordinator"))
    html = client.get("/contacten/controleren").text
    stale = re.findall(r'<a class="contact-name" href="/contacten/(\d+)">([^<]+)</a>', html)
    assert {name for _, name in stale} == {"Peter Hoekstra", "Basisteam Vechtoever, balie", "Meldkamer Middenland (partnerlijn)",
                                           "Officier van justitie Wvggz (piket)", "Meldpunt zorg en overlast Domstad"}
    contact_id = dict((n, i) for i, n in stale)["Peter Hoekstra"]
    response = client.post(f"/contacten/{contact_id}/klopt-nog", headers={"HX-Request": "true"},
                           data={"csrf_token": page_csrf_token(client)})
    assert "Gecontroleerd: Peter Hoekstra" in response.text and "<html" not in response.text
    demo.db.session.expire_all()
    contact = demo.db.session.get(Contact, int(contact_id))
    assert not contact.is_stale() and contact.verified_by.username == "demo-coordinator"
    [row] = audit(demo.db, AuditAction.UPDATE)
    assert row.reason == "verified" and row.details["old"]["verified_at"] is not None
    assert "Peter Hoekstra" not in client.get("/contacten/controleren").text


# -- changes, validation and audit -------------------------------------------------------------

def test_coordinator_creates_a_contact_and_the_audit_has_the_new_values(demo, login_as):
    client = login_as(demo.user("demo-coordinator"))
    response = post_form(client, "/contacten/nieuw", VALID)
    assert response.status_code == 303
    contact = demo.db.session.scalar(select(Contact).where(Contact.name == "Eva Jansen"))
    assert contact.phone == "+31621234567" and contact.postcode_list == ["3515", "3516"]
    assert contact.hours == {d: [["08:00", "16:00"]] for d in ("ma", "di", "wo", "do", "vr")}
    [row] = audit(demo.db, AuditAction.CREATE)
    assert row.object_id == str(contact.id) and row.details["new"]["phone"] == "+31621234567"
    assert row.username == "demo-coordinator"


@pytest.mark.parametrize("field, value, message", [
    ("phone", "12345", "geen geldig telefoonnummer"),
    ("phone", "", "Vul een telefoonnummer in."),
    ("postcodes", "3511, 351", "geen postcode"),
    ("hours", "altijd open", "begrijp ik niet"),
    ("email", "eva@", "geen geldig e-mailadres"),
    ("name", "", "Vul een naam in."),
])
def test_bad_input_is_refused_next_to_the_field_and_nothing_is_saved(demo, login_as, field, value, message):
    client = login_as(demo.user("demo-coordinator"))
    response = post_form(client, "/contacten/nieuw", {**VALID, field: value})
    assert response.status_code == 422
    error = re.search(rf'<p class="field-error" id="{field}-error">([^<]+)</p>', response.text)
    assert error and message in error.group(1).replace("&#39;", "'")
    assert f'value="{VALID["organisation"]}"' in response.text  # what was typed is still there
    assert demo.db.session.scalar(select(Contact).where(Contact.name == "Eva Jansen")) is None


def test_inline_validation_returns_the_error_of_one_field(demo, login_as):
    client = login_as(demo.user("demo-coordinator"))
    response = client.post("/contacten/valideer?veld=phone", headers={"HX-Request": "true"},
                           data={**VALID, "phone": "0612", "email": "fout", "csrf_token": page_csrf_token(client)})
    assert response.status_code == 200 and "<html" not in response.text
    assert re.search(r'<p class="field-error" id="phone-error">', response.text)
    assert 'id="email-error"' not in response.text  # only the field just left


def test_an_update_is_audited_with_old_and_new_values(demo, login_as):
    client = login_as(demo.user("demo-coordinator"))
    contact = demo.contacts["Mark Visser"]
    data = {**VALID, "name": "Mark Visser", "phone": "06 29999999", "postcodes": "3511, 3513"}
    response = post_form(client, f"/contacten/{contact.id}/bewerken", data)
    assert response.status_code == 303
    [row] = audit(demo.db, AuditAction.UPDATE)
    assert row.details["old"]["phone"] == "+31620345678" and row.details["new"]["phone"] == "+31629999999"
    assert "postcodes" not in row.details["new"]  # unchanged fields are not listed


def test_htmx_submit_swaps_the_form_or_follows_hx_location(demo, login_as):
    client = login_as(demo.user("demo-coordinator"))
    token = page_csrf_token(client, "/contacten/nieuw")
    bad = client.post("/contacten/nieuw", headers={"HX-Request": "true"}, data={**VALID, "phone": "1", "csrf_token": token})
    assert bad.status_code == 422 and bad.text.lstrip().startswith("<form")
    good = client.post("/contacten/nieuw", headers={"HX-Request": "true"}, data={**VALID, "csrf_token": token})
    assert good.status_code == 204 and good.headers["HX-Location"].startswith("/contacten/")


def test_delete_is_audited_with_the_old_values(demo, login_as):
    client = login_as(demo.user("demo-coordinator"))
    contact_id = demo.contacts["Wijkteam Binnenstad"].id
    response = client.post(f"/contacten/{contact_id}/verwijderen", data={"csrf_token": page_csrf_token(client)})
    assert response.status_code == 303
    demo.db.session.expire_all()
    assert demo.db.session.get(Contact, contact_id) is None
    [row] = audit(demo.db, AuditAction.DELETE)
    assert row.details["old"]["name"] == "Wijkteam Binnenstad"


def test_other_regions_are_invisible_and_only_coordinators_edit(demo, login_as, make_user):
    from webapp.organisations.models import Organisation, OrganisationKind, Region
    from webapp.contacts.services import create_contact

    elsewhere = Region(name="Regio Elders")
    demo.db.session.add(elsewhere)
    demo.db.session.flush()
    outsider = create_contact(elsewhere, {"is_person": True, "name": "Ver Weg", "organisation": "X", "function": "wijkagent",
                                          "level": "operationeel", "phone": "+31620000009", "hours": None, "postcodes": []}, None)
    demo.db.session.commit()
    coordinator = login_as(demo.user("demo-coordinator"))
    assert coordinator.get(f"/contacten/{outsider.id}").status_code == 404
    assert coordinator.get(f"/contacten/{outsider.id}/bewerken").status_code == 404
    assert "Ver Weg" not in coordinator.get("/contacten/").text
    denied = demo.db.session.scalars(select(AuditEvent).where(AuditEvent.action == AuditAction.ACCESS_DENIED)).all()
    assert len(denied) == 2 and all(r.object_id == str(outsider.id) for r in denied)


# -- import and export -------------------------------------------------------------------------

def test_csv_round_trip_changes_nothing(demo, login_as):
    client = login_as(demo.user("demo-coordinator"))
    exported = client.get("/contacten/export.csv")
    assert exported.mimetype == "text/csv"
    text = exported.data.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("id;naam;soort;organisatie;functie")
    before = {c.id: (c.phone, c.hours, c.postcode_list, c.updated_at) for c in demo.db.session.scalars(select(Contact))}
    preview = client.post("/contacten/importeren", data={"inhoud": text, "csrf_token": page_csrf_token(client)})
    assert preview.status_code == 200
    assert f"0 nieuw, 0 gewijzigd, {len(before)} ongewijzigd" in preview.text
    assert 'name="bevestigen"' not in preview.text  # nothing to save
    confirmed = client.post("/contacten/importeren", data={"inhoud": text, "bevestigen": "ja",
                                                           "csrf_token": page_csrf_token(client)})
    assert confirmed.status_code == 303
    demo.db.session.expire_all()
    after = {c.id: (c.phone, c.hours, c.postcode_list, c.updated_at) for c in demo.db.session.scalars(select(Contact))}
    assert after == before
    assert audit(demo.db, AuditAction.UPDATE) == [] and audit(demo.db, AuditAction.CREATE) == []
    assert len(audit(demo.db, AuditAction.EXPORT)) == 1


def test_import_is_all_or_nothing_with_errors_per_row_and_column(demo, login_as):
    client = login_as(demo.user("demo-coordinator"))
    text = ("naam;soort;organisatie;functie;telefoon;bereikbaar;postcodes\n"
            "Nieuw Goed;persoon;Basisteam;wijkagent;06 21111111;24/7;3511\n"
            "Nieuw Fout;persoon;Basisteam;politieman;12345;soms;35\n")
    response = client.post("/contacten/importeren", data={"inhoud": text, "bevestigen": "ja",
                                                          "csrf_token": page_csrf_token(client)})
    assert response.status_code == 422
    assert "Er is niets opgeslagen" in response.text
    row = re.search(r'<tr class="row-error">(.*?)</tr>', response.text, re.S).group(1)
    assert "<td>3</td>" in row
    for column in ("functie", "telefoon", "bereikbaar", "postcodes"):
        assert f"<strong>{column}</strong>" in row
    assert demo.db.session.scalar(select(Contact).where(Contact.name.like("Nieuw%"))) is None


def test_import_of_new_and_changed_rows(demo, login_as):
    client = login_as(demo.user("demo-coordinator"))
    mark = demo.contacts["Mark Visser"]
    text = ("id;naam;soort;organisatie;functie;niveau;telefoon;email;bereikbaar;postcodes\n"
            f"{mark.id};Mark Visser;persoon;Basisteam Domstad-Centrum;Wijkagent;operationeel;06 20345678;{mark.email};24/7;"
            "3511, 3513\n"
            ";Nieuwe Wijkagent;persoon;Basisteam Domstad-Centrum;wijkagent;;0302345678;;ma-vr 09:00-17:00;3516\n")
    preview = client.post("/contacten/importeren", data={"inhoud": text, "csrf_token": page_csrf_token(client)})
    assert "1 nieuw, 1 gewijzigd" in preview.text and "Wijzigt: hours" in preview.text
    client.post("/contacten/importeren", data={"inhoud": text, "bevestigen": "ja", "csrf_token": page_csrf_token(client)})
    demo.db.session.expire_all()
    assert demo.db.session.get(Contact, mark.id).hours is None
    assert names(who_to_call(mark.region if hasattr(mark, "region") else demo.user("demo-coordinator").region, "3516"))[0] \
        == "Nieuwe Wijkagent"


def test_vcard_export_for_the_address_book(demo, login_as):
    response = login_as(demo.user("demo-hulpverlener")).get("/contacten/contactenboek.vcf")
    assert response.mimetype == "text/vcard"
    text = response.data.decode()
    assert text.count("BEGIN:VCARD") == len(demo.contacts) + 2
    assert "FN:Mark Visser" in text and "TEL;TYPE=WORK,VOICE:+31620345678" in text
    assert "TEL;TYPE=WORK,VOICE:+319008844" in text
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
