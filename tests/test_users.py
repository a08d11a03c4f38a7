"""The coordinator's users page: own organisation only; disabling a user ends all their sessions."""
from __future__ import annotations

from sqlalchemy import select

from tests.conftest import give_code, page_csrf_token, totp_code
from tests.test_sessions import _age_reauthentication
from webapp.audit.models import AuditAction, AuditEvent, AuditOutcome
from webapp.auth.models import RecoveryCode, User, UserSession


def test_the_page_lists_the_own_organisation_with_role_and_last_login(client, demo, login_as, make_user):
    stranger = make_user("hulpverlener")  # another organisation
    login_as(demo.user("demo-hulpverlener"))  # so there is a last login to show
    coordinator = login_as(demo.user("demo-coordinator"))
    html = coordinator.get("/gebruikers/").text
    for name in ("Fatima El Amrani", "Ingrid Bakker", "Joost de Graaf"):
        assert name in html
    assert "Mark Visser" not in html  # police, another organisation
    assert stranger.display_name not in html
    assert "Laatst ingelogd: nog nooit" in html  # Joost never logged in
    assert "Hulpverlener" in html and "FACT-team Domstad-Oost" in html


def test_disabling_a_user_ends_all_their_sessions_at_once(app, demo, login_as):
    user = demo.user("demo-hulpverlener")
    phone, laptop = login_as(user), login_as(user)
    coordinator = login_as(demo.user("demo-coordinator"))
    response = coordinator.post(f"/gebruikers/{user.id}/uitschakelen",
                                data={"csrf_token": page_csrf_token(coordinator, "/gebruikers/")})
    assert response.status_code == 303
    assert "op 2 plek(ken) uitgelogd" in coordinator.get("/gebruikers/").text
    assert phone.get("/").status_code == 302 and laptop.get("/").status_code == 302
    demo.db.session.expire_all()
    sessions = demo.db.session.scalars(select(UserSession).where(UserSession.user_id == user.id)).all()
    assert [s.end_reason for s in sessions] == ["user disabled", "user disabled"]
    row = demo.db.session.scalars(select(AuditEvent).where(AuditEvent.action == AuditAction.UPDATE)).one()
    assert row.reason == "user disabled" and row.object_id == str(user.id) and row.details["sessions_ended"] == 2

    # Enabled again, the user logs in anew: the old sessions stay ended.
    coordinator.post(f"/gebruikers/{user.id}/inschakelen",
                     data={"csrf_token": page_csrf_token(coordinator, "/gebruikers/")})
    demo.db.session.expire_all()
    assert demo.db.session.get(User, user.id).active
    assert phone.get("/").status_code == 302
    assert login_as(user).get("/").status_code == 200


def test_a_coordinator_cannot_disable_themselves(demo, login_as):
    me = demo.user("demo-coordinator")
    client = login_as(me)
    response = client.post(f"/gebruikers/{me.id}/uitschakelen", data={"csrf_token": page_csrf_token(client)})
    assert response.status_code == 403
    demo.db.session.expire_all()
    assert demo.db.session.get(User, me.id).active
    assert client.get("/").status_code == 200
    denied = demo.db.session.scalars(select(AuditEvent).where(AuditEvent.action == AuditAction.ACCESS_DENIED)).one()
    assert denied.reason == "coordinators cannot disable themselves"


def test_a_user_of_another_organisation_is_not_found_and_the_try_is_audited(demo, login_as, make_user):
    stranger = make_user("wijkagent")
    client = login_as(demo.user("demo-coordinator"))
    token = page_csrf_token(client)
    for action in ("uitschakelen", "inschakelen"):
        response = client.post(f"/gebruikers/{stranger.id}/{action}", data={"csrf_token": token})
        assert response.status_code == 404
    demo.db.session.expire_all()
    assert demo.db.session.get(User, stranger.id).active
    denied = demo.db.session.scalars(select(AuditEvent).where(AuditEvent.action == AuditAction.ACCESS_DENIED)).all()
    assert len(denied) == 2
    assert all(r.outcome == AuditOutcome.DENIED and r.object_type == "users" and r.object_id == str(stranger.id)
               for r in denied)
    assert client.post("/gebruikers/999999/uitschakelen", data={"csrf_token": token}).status_code == 404


def test_a_coordinator_clears_a_lost_second_factor_after_confirming_and_the_user_sets_up_anew(
        app, demo, login_as, login, enrol_two_factor):
    user = demo.user("demo-hulpverlener")
    secret, codes = enrol_two_factor(user)
    phone = login_as(demo.user("demo-hulpverlener-oost"))  # an unrelated session stays
    coordinator = login_as(demo.user("demo-coordinator"))
    page = coordinator.get("/gebruikers/")
    assert f'href="/gebruikers/{user.id}/tweestaps-opnieuw"' in page.text
    confirm = coordinator.get(f"/gebruikers/{user.id}/tweestaps-opnieuw")
    assert confirm.status_code == 200 and "Tweestapsverificatie van Fatima El Amrani wissen?" in confirm.text

    # The user is logged in somewhere (a stolen phone, perhaps): that session ends.
    stolen = app.test_client()
    assert login("demo-hulpverlener", test_client=stolen).headers["Location"] == "/login/code"
    assert give_code(stolen, totp_code(secret)).status_code == 302 and stolen.get("/").status_code == 200

    response = coordinator.post(f"/gebruikers/{user.id}/tweestaps-opnieuw",
                                data={"csrf_token": page_csrf_token(coordinator, "/gebruikers/")})
    assert response.status_code == 303
    assert "De tweestapsverificatie van Fatima El Amrani is gewist en die is op 1 plek(ken) uitgelogd" \
        in coordinator.get("/gebruikers/").text
    assert stolen.get("/").status_code == 302 and phone.get("/").status_code == 200
    demo.db.session.expire_all()
    stored = demo.db.session.get(User, user.id)
    assert not stored.has_two_factor and stored.totp_secret is None and stored.totp_last_step is None
    assert demo.db.session.scalars(select(RecoveryCode).where(RecoveryCode.user_id == user.id)).all() == []
    row = demo.db.session.scalars(select(AuditEvent).where(AuditEvent.action == AuditAction.UPDATE,
                                                          AuditEvent.object_id == str(user.id))).one()
    assert row.reason == "two-factor reset by coordinator" and row.user_id == demo.user("demo-coordinator").id
    assert row.details == {"two_factor": "reset", "sessions_ended": 1}


def test_clearing_a_second_factor_asks_the_coordinator_to_confirm_their_password_first(app, demo, login_as):
    user = demo.user("demo-hulpverlener")
    coordinator = login_as(demo.user("demo-coordinator"))
    _age_reauthentication(app, demo.db, "demo-coordinator")
    url = f"/gebruikers/{user.id}/tweestaps-opnieuw"
    for response in (coordinator.get(url), coordinator.post(url, data={"csrf_token": page_csrf_token(coordinator)})):
        assert response.status_code == 302 and response.headers["Location"] == f"/account/bevestigen?next={url}"
    demo.db.session.expire_all()
    assert demo.db.session.scalars(select(AuditEvent).where(AuditEvent.action == AuditAction.UPDATE)).all() == []


def test_a_coordinator_cannot_clear_their_own_or_another_organisations_second_factor(
        demo, login_as, make_user, enrol_two_factor):
    me = demo.user("demo-coordinator")
    stranger = make_user("hulpverlener")
    enrol_two_factor(stranger)
    client = login_as(me)
    token = page_csrf_token(client)
    assert client.post(f"/gebruikers/{me.id}/tweestaps-opnieuw", data={"csrf_token": token}).status_code == 403
    assert client.post(f"/gebruikers/{stranger.id}/tweestaps-opnieuw", data={"csrf_token": token}).status_code == 404
    demo.db.session.expire_all()
    assert demo.db.session.get(User, stranger.id).has_two_factor
