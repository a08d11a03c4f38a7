from __future__ import annotations

from webapp.auth.models import Role


def organisation_unit_ids(user) -> list[int]:
    """The coordinator's whole organisation: its root and every team below it."""
    return user.organisation.root.unit_ids()


def can_manage_user(actor, user) -> bool:
    return actor.role == Role.COORDINATOR and user.organisation_id in organisation_unit_ids(actor)


def can_disable_user(actor, user) -> bool:
    """Not oneself: a coordinator who locks themselves out cannot undo it."""
    return can_manage_user(actor, user) and user.id != actor.id
