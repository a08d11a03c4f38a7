from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from webapp.auth.models import User
from webapp.db import db
from webapp.users.permissions import organisation_unit_ids


def organisation_users(actor) -> list[User]:
    return db.session.scalars(select(User).options(selectinload(User.organisation))
                              .where(User.organisation_id.in_(organisation_unit_ids(actor)))
                              .order_by(User.active.desc(), User.display_name)).all()
