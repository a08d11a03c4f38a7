"""Devices: every login registers one, a coordinator revokes a lost phone, and it wipes at its next contact."""
from __future__ import annotations

from sqlalchemy import select

from tests.conftest import page_csrf_token
from webapp.audit.models import AuditAction, AuditEvent
from webapp.auth.models import UserSession
from webapp.devices.models import Device

COOKIE = "veldwijzer_device"


def devices(db):
    return db.session.scalars(select(Device).order_by(Device.id)).all()


def share(client):
    token = client.get("/api/v1/session").get_json()["csrf_token"]
    return client.post("/api/v1/device/share", headers={"X-CSRFToken": token})


def test_a_login_registers_the_device_and_the_same_browser_stays_one_device(demo, login_as, client):
    login_as(demo.user("demo-hulpverlener"))
    assert client.get_cookie(COOKIE) is not None
    [device] = devices(demo.db)
    assert device.user.username == "demo-hulpverlener"
    session = demo.db.session.scalar(select(UserSession).where(UserSession.ended_at.is_(None)))
    assert session.device_id == device.id
    client.post("/logout", data={"csrf_token": page_csrf_token(client)})
    assert client.get_cookie(COOKIE) is not None  # logout ends the session, the device stays known
    login_as(demo.user("demo-hulpverlener"), test_client=client)
    assert len(devices(demo.db)) == 1


def test_the_key_share_is_stable_and_needs_a_known_device(demo, login_as, client):
    login_as(demo.user("demo-hulpverlener"))
    first, second = share(client).get_json()["share"], share(client).get_json()["share"]
    assert first == second and len(first) == 64
    client.delete_cookie(COOKIE)
    assert share(client).status_code == 403


def test_the_share_tells_the_phone_how_long_it_may_unlock_offline(app, demo, login_as, client):
    login_as(demo.user("demo-hulpverlener"))
    app.config.update(OFFLINE_UNLOCK_HOURS=8, OFFLINE_PIN_ATTEMPTS=3)
    body = share(client).get_json()
    assert (body["offline_unlock_hours"], body["offline_pin_attempts"]) == (8, 3)
    assert share(client).headers["Cache-Control"] == "no-store"


def test_revoking_ends_sessions_drops_the_share_and_the_device_wipes_at_next_contact(app, demo, login_as, client):
    phone = login_as(demo.user("demo-hulpverlener"))
    share(phone)
    [device] = devices(demo.db)
    coordinator = login_as(demo.user("demo-coordinator"))
    assert "Fatima El Amrani" in coordinator.get("/apparaten/").text
    response = coordinator.post(f"/apparaten/{device.id}/intrekken", data={"csrf_token": page_csrf_token(coordinator)})
    assert response.status_code == 303
    demo.db.session.expire_all()
    device = demo.db.session.get(Device, device.id)
    assert device.revoked_at is not None and device.key_share is None
    assert demo.db.session.scalar(select(UserSession).where(UserSession.device_id == device.id)).end_reason == "device revoked"

    api = phone.get("/api/v1/session")
    assert api.status_code == 401 and api.get_json()["error"]["code"] == "device_revoked"
    assert api.headers["Clear-Site-Data"] == '"cache", "storage"'
    page = phone.get("/clienten/")
    assert page.status_code == 302 and "/login" in page.headers["Location"]
    demo.db.session.expire_all()
    assert demo.db.session.get(Device, device.id).wiped_at is not None
    rows = demo.db.session.scalars(select(AuditEvent).where(AuditEvent.object_type == "devices")).all()
    assert [r.reason for r in rows if r.action in (AuditAction.UPDATE, AuditAction.DELETE)] == [
        "device revoked", "revoked device told to wipe its data"]


def test_only_coordinators_of_the_organisation_revoke(demo, login_as, make_user):
    from webapp.organisations.models import Organisation, OrganisationKind

    login_as(demo.user("demo-hulpverlener"))
    [device] = devices(demo.db)
    colleague = login_as(demo.user("demo-hulpverlener-oost"))
    assert colleague.post(f"/apparaten/{device.id}/intrekken",
                          data={"csrf_token": page_csrf_token(colleague)}).status_code == 403
    other = Organisation(name="Andere GGZ", kind=OrganisationKind.GGZ_INSTELLING,
                         region=demo.user("demo-coordinator").region)
    demo.db.session.add(other)
    demo.db.session.commit()
    stranger = login_as(make_user("coordinator", organisation=other))
    assert stranger.post(f"/apparaten/{device.id}/intrekken",
                         data={"csrf_token": page_csrf_token(stranger)}).status_code == 404
    assert "Fatima El Amrani" not in stranger.get("/apparaten/").text
    demo.db.session.expire_all()
    assert demo.db.session.get(Device, device.id).revoked_at is None
