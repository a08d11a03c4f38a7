from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.db import UTCDateTime, db, utcnow


class Device(db.Model):
    """A browser that logged in, known by a long-lived cookie (only its hash is stored).

    ``key_share`` is the server's half of the key that protects the phone's personal data
    (webapp/static/js/vault.js): without it, a copied phone database cannot be opened, and
    revoking the device deletes it.
    """

    __tablename__ = "devices"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    label: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    key_share: Mapped[str | None] = mapped_column(String(64))
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    wiped_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    user = relationship("User", foreign_keys=[user_id])
    revoked_by = relationship("User", foreign_keys=[revoked_by_id])

    @property
    def status(self) -> str:
        if self.wiped_at:
            return "gewist"
        if self.revoked_at:
            return "ingetrokken, wordt gewist bij het volgende contact"
        return "actief"

    def __repr__(self) -> str:
        return f"<Device {self.id} user={self.user_id}>"
