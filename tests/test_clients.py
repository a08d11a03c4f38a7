"""Cliënten, crisiskaart and AOP: need-to-know access for care and police, consent, versions, audit."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import select

from tests.conftest import page_csrf_token
from webapp.audit.models import AuditAction, AuditEvent, AuditOutcome
from webapp.clients.models import AopStatus, Client


def audit_rows(db, action=None):
    query = select(AuditEvent).order_by(AuditEvent.id)
    if action:
        query = query.where(AuditEvent.action == action)
    return db.session.scalars(query).all()


def lookup(client, name, born, reason="melding onrustige situatie, incident 2026-1234"):
    return client.post("/aop/", data={"name": name, "date_of_birth": born, "reason": reason,
                                      "csrf_token": page_csrf_token(client, "/aop/")})


# -- care: own caseload only ----------------------------------------------------------------------

def test_hulpverlener_reads_sam_and_gets_404_for_noor(demo, login_as):
    client = login_as(demo.user("demo-hulpverlener"))
    sam, noor = demo.clients["Sam de Vries"], demo.clients["Noor Jansen"]
    page = client.get(f"/clienten/{sam.public_id}")
    assert page.status_code == 200
    assert "Ik gebruik lithium" in page.text and "Bel eerst de crisisdienst" in page.text  # the full card
    assert page.headers["Cache-Control"] == "no-store" and 'hx-history="false"' in page.text
    assert client.get(f"/clienten/{noor.public_id}").status_code == 404
    read, denied = audit_rows(demo.db, AuditAction.READ), audit_rows(demo.db, AuditAction.ACCESS_DENIED)
    assert [(r.client_id, r.username) for r in read] == [(sam.id, "demo-hulpverlener")]
    assert [(r.client_id, r.outcome) for r in denied] == [(noor.id, AuditOutcome.DENIED)]


def test_caseload_for_a_team_and_for_a_coordinator(demo, login_as):
    team = login_as(demo.user("demo-hulpverlener")).get("/clienten/").text
    assert "Sam de Vries" in team and "Daan Bos" in team and "Noor Jansen" not in team
    org = login_as(demo.user("demo-coordinator")).get("/clienten/").text
    assert all(name in org for name in ("Sam de Vries", "Noor Jansen", "Daan Bos", "Lotte Smit"))


def test_search_within_the_organisation_points_to_the_other_team(demo, login_as):
    client = login_as(demo.user("demo-hulpverlener"))
    html = client.get("/clienten/?q=noor").text
    assert "Noor Jansen" in html and "niet in jouw caseload" in html
    assert f'href="/clienten/{demo.clients["Noor Jansen"].public_id}"' not in html
    [row] = audit_rows(demo.db, AuditAction.SEARCH)
    assert row.details == {"results": 1}


def test_a_stale_card_and_an_expired_aop_warn(demo, login_as):
    client = login_as(demo.user("demo-coordinator"))
    html = client.get(f"/clienten/{demo.clients['Noor Jansen'].public_id}").text
    assert "Ouder dan 18 maanden" in html
    aop = demo.clients["Sam de Vries"].aop
    aop.valid_until = dt.date.today() - dt.timedelta(days=1)
    demo.db.session.commit()
    html = client.get(f"/clienten/{demo.clients['Sam de Vries'].public_id}").text
    assert "Deze afspraak is verlopen" in html


# -- the crisiskaart: versions and consent -------------------------------------------------------

def card_form(**overrides):
    data = {"made_on": "2026-10-01", "signed_by": "Sam de Vries", "valid_until": "2027-10-01",
            "s_medisch-text": "Lithium; astma.", "s_medisch-police_consent": "y",
            "s_signalen-text": "Slaapt niet.", "s_wensen-text": "Eerst crisisdienst.",
            "s_contactpersonen-entries-0-relation": "zus", "s_contactpersonen-entries-0-name": "Eva de Vries",
            "s_contactpersonen-entries-0-phone": "06 20111222", "change_note": "Na evaluatie bijgewerkt"}
    data.update(overrides)
    return data


def test_an_edit_makes_a_new_version_and_the_old_one_stays_readable(demo, login_as):
    client = login_as(demo.user("demo-hulpverlener"))
    sam = demo.clients["Sam de Vries"]
    url = f"/clienten/{sam.public_id}/crisiskaart"
    response = client.post(url, data={**card_form(), "csrf_token": page_csrf_token(client, url)})
    assert response.status_code == 303
    demo.db.session.expire_all()
    sam = demo.db.session.get(Client, sam.id)
    assert [v.number for v in sam.crisiskaart_versions] == [1, 2]
    assert sam.crisiskaart.section("medisch").text == "Lithium; astma."
    assert sam.crisiskaart.section("contactpersonen").entries == [
        {"relation": "zus", "name": "Eva de Vries", "phone": "+31620111222"}]
    old = client.get(f"/clienten/{sam.public_id}/crisiskaart/versies/1").text
    assert "Dit is een oudere versie" in old and "Ik gebruik lithium" in old
    [row] = [r for r in audit_rows(demo.db, AuditAction.UPDATE) if r.object_type == "crisiskaart_versions"]
    assert row.client_id == sam.id and row.details["version"] == 2 and "medisch" in row.details["changed_sections"]


def test_bad_card_input_is_refused_next_to_the_field(demo, login_as):
    client = login_as(demo.user("demo-hulpverlener"))
    url = f"/clienten/{demo.clients['Sam de Vries'].public_id}/crisiskaart"
    response = client.post(url, data={**card_form(**{"made_on": "2026-10-01", "valid_until": "2026-01-01",
                                                     "s_contactpersonen-entries-0-phone": "123"}),
                                      "csrf_token": page_csrf_token(client, url)})
    assert response.status_code == 422
    assert re.search(r'id="valid_until-error">[^<]*ligt voor de datum', response.text)
    assert re.search(r'id="s_contactpersonen-entries-0-phone-error">[^<]*geen geldig telefoonnummer', response.text)
    assert "Lithium; astma." in response.text  # nothing typed is lost


def test_withdrawing_consent_removes_the_section_from_police_view_and_briefing_at_once(app, demo, login_as):
    sam = demo.clients["Sam de Vries"]
    care = login_as(demo.user("demo-hulpverlener"))
    police = login_as(demo.user("demo-wijkagent"), test_client=app.test_client())
    assert "Ik gebruik lithium" in lookup(police, "Sam de Vries", "1985-03-12").text
    assert "Ik gebruik lithium" in care.get(f"/clienten/{sam.public_id}/briefing").text

    response = care.post(f"/clienten/{sam.public_id}/crisiskaart/toestemming",
                         data={"sectie": "medisch", "toestemming": "nee", "csrf_token": page_csrf_token(care)})
    assert response.status_code == 303
    assert "Ik gebruik lithium" not in lookup(police, "Sam de Vries", "1985-03-12").text
    assert "Ik gebruik lithium" not in care.get(f"/clienten/{sam.public_id}/briefing").text
    assert "Sirenes, veel mensen in huis" in care.get(f"/clienten/{sam.public_id}/briefing").text  # still shared
    demo.db.session.expire_all()
    section = demo.db.session.get(Client, sam.id).crisiskaart.section("medisch")
    assert section.police_consent is False and section.consent_recorded_by.username == "demo-hulpverlener"


# -- police: exact lookup in the own region, only what is shared ---------------------------------

def test_wijkagent_finds_sam_exactly_and_sees_only_the_shared_sections_and_the_aop(demo, login_as):
    police = login_as(demo.user("demo-wijkagent"))
    response = lookup(police, "sam de vries", "1985-03-12")
    html = response.text
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    assert "Geen sirene en geen zwaailicht" in html            # the AOP
    assert "Sirenes, veel mensen in huis" in html              # a shared section
    assert "Ik gebruik lithium" in html                       # shared: medical risks
    assert "Bel eerst de crisisdienst" not in html             # not shared: wensen
    assert "Kat Mimi" not in html                             # not shared: praktisch
    sam = demo.clients["Sam de Vries"]
    search, read = audit_rows(demo.db, AuditAction.SEARCH), audit_rows(demo.db, AuditAction.READ)
    assert [(r.client_id, r.reason, r.details) for r in search] == [
        (sam.id, "melding onrustige situatie, incident 2026-1234", {"found": True})]
    assert [(r.client_id, r.object_type, r.role.value) for r in read] == [(sam.id, "police_view", "wijkagent")]


@pytest.mark.parametrize("name, born", [
    ("Sam de Vris", "1985-03-12"),     # a near miss
    ("Sam", "1985-03-12"),             # part of the name
    ("Sam de Vries", "1985-03-13"),    # another date of birth
    ("Daan Bos", "1992-11-23"),        # exists, but shares nothing with police and has no AOP
])
def test_near_misses_and_persons_without_anything_to_share_give_nothing(demo, login_as, name, born):
    html = lookup(login_as(demo.user("demo-wijkagent")), name, born).text
    assert "Geen afspraak op persoon of gedeelde crisiskaart gevonden" in html
    assert "Geen sirene" not in html and "achterdochtig" not in html
    [row] = audit_rows(demo.db, AuditAction.SEARCH)
    assert row.client_id is None and row.details == {"found": False} and row.reason


def test_the_lookup_needs_a_reason_and_keeps_names_out_of_urls(demo, login_as):
    police = login_as(demo.user("demo-wijkagent"))
    page = police.get("/aop/").text
    assert re.search(r'<form class="form" method="post" action="/aop/"', page)
    response = lookup(police, "Sam de Vries", "1985-03-12", reason="")
    assert response.status_code == 422 and "Geef kort de reden" in response.text
    assert audit_rows(demo.db, AuditAction.SEARCH) == []


def test_police_cannot_open_any_client_url(demo, login_as):
    police = login_as(demo.user("demo-wijkagent"))
    sam = demo.clients["Sam de Vries"]
    for suffix in ("", "/briefing", "/crisiskaart", "/crisiskaart/versies/1", "/aop"):
        assert police.get(f"/clienten/{sam.public_id}{suffix}").status_code == 403
    denied = audit_rows(demo.db, AuditAction.ACCESS_DENIED)
    assert len(denied) == 5 and all(r.role.value == "wijkagent" for r in denied)
    assert audit_rows(demo.db, AuditAction.READ) == []


def test_police_outside_the_region_find_nothing(demo, login_as, make_user):
    from webapp.organisations.models import Organisation, OrganisationKind, Region

    other = Region(name="Regio Ver Weg")
    team = Organisation(name="Basisteam Ver Weg", kind=OrganisationKind.POLITIE_BASISTEAM, region=other)
    demo.db.session.add_all([other, team])
    demo.db.session.commit()
    html = lookup(login_as(make_user("wijkagent", organisation=team)), "Sam de Vries", "1985-03-12").text
    assert "Geen afspraak op persoon of gedeelde crisiskaart gevonden" in html


def test_police_activate_an_aop_proposed_by_ggz(demo, login_as):
    police = login_as(demo.user("demo-wijkagent"))
    lotte = demo.clients["Lotte Smit"]
    assert lotte.aop.status == AopStatus.VOORGESTELD
    html = lookup(police, "Lotte Smit", "1968-01-30").text
    assert "Voorgesteld door GGZ" in html
    opened = police.post("/aop/bewerken", data={"persoon": lotte.public_id, "stap": "open",
                                                "csrf_token": page_csrf_token(police, "/aop/")})
    assert opened.status_code == 200 and "Niet met meer dan twee agenten" in opened.text
    saved = police.post("/aop/bewerken", data={
        "persoon": lotte.public_id, "approach": "Niet met meer dan twee agenten naar binnen.",
        "contact_name": "Crisisdienst", "contact_phone": "030 800 2400", "valid_until": "2027-05-01",
        "consent": "Op verzoek van Lotte.", "status": "actief", "csrf_token": page_csrf_token(police, "/aop/")})
    assert saved.status_code == 200 and "De afspraak op persoon is vastgelegd" in saved.text
    demo.db.session.expire_all()
    aop = demo.db.session.get(Client, lotte.id).aop
    assert aop.status == AopStatus.ACTIEF and aop.updated_by.username == "demo-wijkagent"
    [row] = audit_rows(demo.db, AuditAction.UPDATE)
    assert row.details["old"]["status"] == "voorgesteld" and row.details["new"]["status"] == "actief"


def test_ggz_proposes_an_aop_but_cannot_activate_it(demo, login_as):
    care = login_as(demo.user("demo-hulpverlener"))
    daan = demo.clients["Daan Bos"]
    url = f"/clienten/{daan.public_id}/aop"
    data = {"approach": "Rustig aanbellen.", "contact_name": "FACT-team", "contact_phone": "030 800 2400",
            "valid_until": "2027-05-01", "consent": "Op verzoek van Daan.", "csrf_token": page_csrf_token(care, url)}
    assert care.post(url, data={**data, "status": "actief"}).status_code == 422  # not a choice for GGZ
    assert care.post(url, data=data).status_code == 303
    demo.db.session.expire_all()
    assert demo.db.session.get(Client, daan.id).aop.status == AopStatus.VOORGESTELD


# -- the client record and caseload assignment --------------------------------------------------------

def test_a_new_client_with_bad_input_gets_dutch_errors(demo, login_as):
    care = login_as(demo.user("demo-hulpverlener"))
    response = care.post("/clienten/nieuw", data={
        "name": "Test Persoon", "date_of_birth": "2090-01-01", "postcode": "3511", "house_number": "1",
        "client_number": "123456782", "team_id": demo.user("demo-hulpverlener").organisation_id,
        "csrf_token": page_csrf_token(care, "/clienten/nieuw")})
    assert response.status_code == 422
    assert "Deze datum ligt in de toekomst." in response.text
    assert "geen volledige postcode" in response.text
    assert "Dit lijkt op een BSN" in response.text


def test_only_a_coordinator_assigns_a_caseload(demo, login_as):
    sam = demo.clients["Sam de Vries"]
    oost = demo.orgs["FACT-team Domstad-Oost"]
    form = {"name": sam.name, "date_of_birth": "1985-03-12", "postcode": "3511 AB", "house_number": "12",
            "street": "Oudegracht", "city": "Domstad", "client_number": sam.client_number}
    care = login_as(demo.user("demo-hulpverlener"))
    url = f"/clienten/{sam.public_id}/bewerken"
    assert care.post(url, data={**form, "team_id": oost.id, "csrf_token": page_csrf_token(care, url)}).status_code == 422
    coordinator = login_as(demo.user("demo-coordinator"))
    assert coordinator.post(url, data={**form, "team_id": oost.id,
                                       "csrf_token": page_csrf_token(coordinator, url)}).status_code == 303
    demo.db.session.expire_all()
    assert demo.db.session.get(Client, sam.id).team_id == oost.id
    assert care.get(f"/clienten/{sam.public_id}").status_code == 404  # left the caseload
    [row] = [r for r in audit_rows(demo.db, AuditAction.UPDATE) if r.object_type == "clients"]
    assert row.details["new"] == {"team_id": oost.id}


def test_the_client_page_shows_the_newest_notes_and_the_rest_behind_a_link(demo, login_as):
    import uuid

    from webapp.notes.models import Note
    from webapp.notes.services import NOTES_SHOWN

    sam = demo.clients["Sam de Vries"]
    author = demo.user("demo-hulpverlener")
    start = dt.datetime(2026, 1, 1, 9, tzinfo=dt.UTC)
    total = NOTES_SHOWN + 5
    demo.db.session.add_all(Note(id=str(uuid.uuid4()), client_id=sam.id, kind="observatie", author_id=author.id,
                                 text=f"Notitie nummer {n:03d}.", written_at=start + dt.timedelta(days=n))
                            for n in range(1, total + 1))
    demo.db.session.commit()
    care = login_as(author)

    page = care.get(f"/clienten/{sam.public_id}").text
    shown = re.findall(r"Notitie nummer (\d{3})\.", page)
    assert shown == [f"{n:03d}" for n in range(total, total - NOTES_SHOWN, -1)]  # the newest, newest first
    assert f"De nieuwste {NOTES_SHOWN} van {total} notities." in page
    assert f'href="/clienten/{sam.public_id}?notities=alle#notities">Alle {total} notities tonen</a>' in page

    everything = care.get(f"/clienten/{sam.public_id}?notities=alle").text
    assert re.findall(r"Notitie nummer (\d{3})\.", everything) == [f"{n:03d}" for n in range(total, 0, -1)]
    assert "notities tonen" not in everything
    reads = audit_rows(demo.db, AuditAction.READ)
    assert [(r.object_type, r.client_id) for r in reads if r.object_type == "clients"] == [("clients", sam.id)] * 2

    # The copy's card shows the newest notes as the page does, and offers no link it cannot follow offline.
    card = next(c for c in care.get("/api/v1/caseload").get_json()["clients"] if c["id"] == sam.public_id)["html"]["card"]
    assert len(re.findall(r"Notitie nummer \d{3}\.", card)) == NOTES_SHOWN and "notities tonen" not in card
