from __future__ import annotations

from webapp.auth.models import Role


def can_read_client_log(user, client) -> bool:
    """The log of a client of the coordinator's own organisation."""
    return user.role == Role.COORDINATOR and client.organisation_id == user.organisation.root.id


def can_read_user_log(user, employee) -> bool:
    return user.role == Role.COORDINATOR and employee.organisation_id in user.organisation.root.unit_ids()
