"""The politie-briefing as a hand-over screen: the facts that change how officers act come first,
the prompts for the hulpverlener after; need to know, audited, never cached."""
from __future__ import annotations

import html as html_lib
import re

from sqlalchemy import func, select

from webapp.audit.models import AuditAction, AuditEvent


def briefing_reads(db, client) -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == AuditAction.READ, AuditEvent.object_type == "police_briefing",
        AuditEvent.client_id == client.id))


def test_the_facts_that_change_police_behaviour_come_first(demo, login_as):
    sam = demo.clients["Sam de Vries"]
    page = html_lib.unescape(login_as(demo.user("demo-hulpverlener")).get(f"/clienten/{sam.public_id}/briefing").text)
    card = sam.crisiskaart
    order = [sam.name, "12-03-1985", sam.address_line, card.section("toegang").text, "Wat helpt niet",
             card.section("helpt_niet").text, sam.aop.approach, card.section("medisch").text, "Vertel de agent ook",
             "Wat is er aan de hand?"]
    positions = [page.index(text, page.index('class="handover"') if i else 0) for i, text in enumerate(order)]
    assert positions == sorted(positions), list(zip(order, positions))
    assert page.index('class="handover"') < page.index(sam.name + "</p>")
    assert "Laat zien aan de agent" in page and "data-briefing-show" in page
    assert card.section("praktisch").text not in page  # not shared with police
    assert not re.search(r"<script>|<style>|style=", page)  # the CSP allows neither


def test_every_read_is_audited_and_never_cached(demo, login_as):
    sam = demo.clients["Sam de Vries"]
    client = login_as(demo.user("demo-hulpverlener"))
    before = briefing_reads(demo.db, sam)
    for _ in range(2):
        response = client.get(f"/clienten/{sam.public_id}/briefing")
        assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    assert briefing_reads(demo.db, sam) == before + 2


def test_a_client_outside_the_caseload_has_no_briefing(demo, login_as):
    noor = demo.clients["Noor Jansen"]  # another team's
    assert login_as(demo.user("demo-hulpverlener")).get(f"/clienten/{noor.public_id}/briefing").status_code == 404
    assert login_as(demo.user("demo-wijkagent")).get(f"/clienten/{noor.public_id}/briefing").status_code in (403, 404)
    assert briefing_reads(demo.db, noor) == 0


def test_a_client_who_shares_nothing_gets_the_warning_not_an_empty_screen(demo, login_as):
    daan = demo.clients["Daan Bos"]  # shares nothing, no AOP
    page = login_as(demo.user("demo-hulpverlener")).get(f"/clienten/{daan.public_id}/briefing").text
    assert "gaf geen toestemming" in page and daan.name in page
    assert "Zijn moeder bellen" not in page
