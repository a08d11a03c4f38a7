"""Coordinators add local agreements to a step, for their region, with a preview."""
from __future__ import annotations

import re

from sqlalchemy import select

from tests.conftest import page_csrf_token
from webapp.audit.models import AuditAction, AuditEvent

URL = "/stappenplan/politie-inschakelen/stap-2-verzoek"
TEXT = "Bel in Domstad eerst de opco: de wijkagenten zijn na 17:00 niet bereikbaar."


def test_preview_then_save_then_everyone_in_the_region_sees_it(app, demo, login_as):
    coordinator = login_as(demo.user("demo-coordinator"))
    opco = demo.contacts["Operationeel coördinator Domstad"]
    form = {"text": TEXT, "contacts": [opco.id], "csrf_token": page_csrf_token(coordinator, URL + "/regionaal")}
    preview = coordinator.post(URL + "/regionaal", data={**form, "actie": "voorbeeld"})
    assert preview.status_code == 200 and "Voorbeeld: zo staat het bij de stap." in preview.text
    assert TEXT in preview.text and 'href="tel:+31308001199"' in preview.text
    assert TEXT not in coordinator.get(URL).text  # a preview saves nothing

    assert coordinator.post(URL + "/regionaal", data={**form, "actie": "opslaan"}).status_code == 303
    page = login_as(demo.user("demo-hulpverlener")).get(URL).text
    block = re.search(r'<section class="agreement".*?</section>', page, re.S).group(0)
    assert "Regionaal" in block and TEXT in block and 'href="tel:+31308001199"' in block
    assert "Vastgelegd door Ingrid Bakker (GGZ Veldhaven)" in block
    [row] = demo.db.session.scalars(select(AuditEvent).where(AuditEvent.action == AuditAction.CREATE,
                                                             AuditEvent.object_type == "local_agreements")).all()
    assert row.details["new"] == {"text": TEXT, "contacts": [opco.id]}


def test_another_region_does_not_see_it(demo, login_as, make_user):
    from webapp.flows.services import save_agreement
    from webapp.organisations.models import Organisation, OrganisationKind, Region

    save_agreement(demo.user("demo-coordinator").region, "politie-inschakelen", "stap-2-verzoek", TEXT, [],
                   demo.user("demo-coordinator"))
    other = Region(name="Regio Elders")
    team = Organisation(name="Team Elders", kind=OrganisationKind.GGZ_TEAM, region=other)
    demo.db.session.add_all([other, team])
    demo.db.session.commit()
    assert TEXT not in login_as(make_user("hulpverlener", organisation=team)).get(URL).text


def test_edit_and_remove_are_audited_with_old_and_new(demo, login_as):
    from webapp.flows.services import save_agreement

    save_agreement(demo.user("demo-coordinator").region, "politie-inschakelen", "stap-2-verzoek", "Oud.", [],
                   demo.user("demo-coordinator"))
    demo.db.session.commit()
    coordinator = login_as(demo.user("demo-coordinator"))
    edit = coordinator.get(URL + "/regionaal").text
    assert "Oud." in edit
    token = page_csrf_token(coordinator, URL + "/regionaal")
    coordinator.post(URL + "/regionaal", data={"text": "Nieuw.", "actie": "opslaan", "csrf_token": token})
    coordinator.post(URL + "/regionaal", data={"actie": "verwijderen", "csrf_token": token})
    rows = demo.db.session.scalars(select(AuditEvent).where(AuditEvent.object_type == "local_agreements")
                                   .order_by(AuditEvent.id)).all()
    assert [(r.action, r.details["old"]["text"] if r.details["old"] else None) for r in rows[-2:]] == [
        (AuditAction.UPDATE, "Oud."), (AuditAction.DELETE, "Nieuw.")]
    assert "Nieuw." not in coordinator.get(URL).text


def test_empty_text_is_refused_in_dutch(demo, login_as):
    coordinator = login_as(demo.user("demo-coordinator"))
    response = coordinator.post(URL + "/regionaal", data={"text": " ", "actie": "opslaan",
                                                          "csrf_token": page_csrf_token(coordinator, URL + "/regionaal")})
    assert response.status_code == 422 and "Schrijf de afspraak op." in response.text


def test_the_form_prompts_the_coordinator_with_the_handreikings_checklist(demo, login_as):
    """000's closing checklist: what GGZ and police should settle locally, as prompts when writing one."""
    page = login_as(demo.user("demo-coordinator")).get(URL + "/regionaal").text
    prompts = re.search(r'<details class="agreement-prompts" open>.*?</details>', page, re.S).group(0)
    for group in ("GGZ-instelling", "Politie", "Samen"):
        assert f'<h2 class="checklist-phase">{group}</h2>' in prompts
    assert "zonder discussie ter plaatse" in prompts and "Meekijkstages" in prompts and "aangiftebeleid" in prompts
    assert "Bron: Handreiking GGZ–politie, Bijlage: Checklist – Gezamenlijk" in prompts
    other = login_as(demo.user("demo-coordinator")).get("/stappenplan/na-incident/melden/regionaal").text
    assert "agreement-prompts" not in other  # the checklist belongs to the handreiking's flows
