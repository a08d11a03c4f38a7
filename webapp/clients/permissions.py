"""Who may see which client, per object (DESIGN.md §3). A refusal answers 404: it does not reveal the client exists."""
from __future__ import annotations

from webapp.auth.models import Role


def _organisation_root_id(user) -> int:
    return user.organisation.root.id


def can_list_clients(user) -> bool:
    return user.role in (Role.HULPVERLENER, Role.COORDINATOR) and user.is_care


def can_read_client(user, client) -> bool:
    """The whole record, crisiskaart and AOP: a hulpverlener's own team, a coordinator's own organisation."""
    if user.role == Role.HULPVERLENER:
        return client.team_id == user.organisation_id
    if user.role == Role.COORDINATOR:
        return user.is_care and client.organisation_id == _organisation_root_id(user)
    return False  # police never open a client directly


def can_edit_client(user, client) -> bool:
    return can_read_client(user, client)


def can_assign_caseload(user, client) -> bool:
    return user.role == Role.COORDINATOR and can_read_client(user, client)


def region_postcodes(user) -> set[str]:
    return {p.postcode for m in user.region.municipalities for p in m.postcodes}


def in_police_scope(user, client) -> bool:
    """A wijkagent sees a person of the own region who has an AOP or a section shared with police."""
    if user.role != Role.WIJKAGENT or client.postcode_area not in region_postcodes(user):
        return False
    card = client.crisiskaart
    shared = card is not None and any(s.police_consent and not s.is_empty for s in card.sections)
    return client.aop is not None or shared
