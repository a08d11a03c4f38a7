"""Two-factor login: TOTP codes from an authenticator app (RFC 6238) and single-use recovery codes."""
from __future__ import annotations

import enum
import hmac
import secrets
import time

import pyotp
import segno
from flask import current_app
from markupsafe import Markup
from sqlalchemy import or_, select, update

from webapp.auth.models import RecoveryCode, User
from webapp.auth.passwords import hash_password, verify_password
from webapp.db import db, utcnow

RECOVERY_CODE_COUNT = 10
# No 0/o, 1/l/i: a code copied from paper is read right.
RECOVERY_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
RECOVERY_LENGTH = 10  # 31^10 ≈ 2^49 per code, on top of the login throttle and rate limits
# A code from the step before or after the current one is accepted, for a phone clock that is a little off.
VALID_WINDOW = 1


class CodeCheck(enum.StrEnum):
    TOTP = "totp"
    RECOVERY = "recovery_code"
    WRONG = "wrong code"
    REPLAYED = "replayed code"


def new_secret() -> str:
    return pyotp.random_base32()  # 160 bits, as RFC 4226 recommends


def provisioning_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.username,
                                               issuer_name=current_app.config["TWO_FACTOR_ISSUER"])


def qr_svg(uri: str) -> Markup:
    """The otpauth:// URI as an inline SVG QR code: attributes only, no style, so the CSP allows it."""
    svg = segno.make(uri, error="m").svg_inline(scale=5, svgclass="qr", lineclass="qr-line", title="QR-code", omitsize=True)
    # segno builds the SVG from the URI's modules only (no text from the user goes in unescaped).
    return Markup(svg)  # nosec B704


def grouped(secret: str) -> str:
    """The secret in groups of four, for typing it over by hand."""
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def _matching_step(secret: str, code: str, now: float | None = None) -> int | None:
    totp = pyotp.TOTP(secret)
    current = totp.timecode(time.time() if now is None else now)
    for step in range(current - VALID_WINDOW, current + VALID_WINDOW + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def normalise_code(code: str) -> str:
    return "".join(ch for ch in (code or "").lower() if ch.isalnum())


def is_totp_shaped(code: str) -> bool:
    return len(code) == 6 and code.isdigit()


def check_totp(user: User, secret: str, code: str) -> CodeCheck:
    """Accept a code at most once: the accepted step is stored with a compare-and-set, so two
    requests racing with the same code cannot both pass."""
    step = _matching_step(secret, code)
    if step is None:
        return CodeCheck.WRONG
    result = db.session.execute(
        update(User).where(User.id == user.id,
                           or_(User.totp_last_step.is_(None), User.totp_last_step < step))
        .values(totp_last_step=step).execution_options(synchronize_session=False))
    if result.rowcount != 1:
        return CodeCheck.REPLAYED
    db.session.refresh(user, ["totp_last_step"])
    return CodeCheck.TOTP


def use_recovery_code(user: User, code: str) -> bool:
    """Spend one unused recovery code; each is checked against its Argon2 hash."""
    unused = db.session.scalars(select(RecoveryCode).where(RecoveryCode.user_id == user.id,
                                                           RecoveryCode.used_at.is_(None))).all()
    for candidate in unused:
        if verify_password(candidate.code_hash, code):
            spent = db.session.execute(
                update(RecoveryCode).where(RecoveryCode.id == candidate.id, RecoveryCode.used_at.is_(None))
                .values(used_at=utcnow()).execution_options(synchronize_session=False))
            return spent.rowcount == 1
    return False


def check_second_factor(user: User, raw_code: str) -> CodeCheck:
    """A six-digit code is checked as TOTP, anything else as a recovery code."""
    code = normalise_code(raw_code)
    if not user.has_two_factor or not code:
        return CodeCheck.WRONG
    if is_totp_shaped(code):
        return check_totp(user, user.totp_secret, code)
    return CodeCheck.RECOVERY if use_recovery_code(user, code) else CodeCheck.WRONG


def recovery_codes_left(user: User) -> int:
    return len(db.session.scalars(select(RecoveryCode.id).where(RecoveryCode.user_id == user.id,
                                                                RecoveryCode.used_at.is_(None))).all())


def format_recovery_code(code: str) -> str:
    return f"{code[:5]}-{code[5:]}"


def replace_recovery_codes(user: User) -> list[str]:
    """Ten new codes; the old ones stop working. The plain codes are returned to be shown once."""
    db.session.execute(RecoveryCode.__table__.delete().where(RecoveryCode.user_id == user.id))
    codes = ["".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_LENGTH))
             for _ in range(RECOVERY_CODE_COUNT)]
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=hash_password(code)) for code in codes)
    db.session.flush()
    return [format_recovery_code(c) for c in codes]


def pending_secret(user: User) -> str:
    """The secret being set up: made once and kept until confirmed, so reloading the page
    does not invalidate a QR code that was already scanned."""
    if user.totp_pending_secret is None:
        user.totp_pending_secret = new_secret()
        db.session.flush()
    return user.totp_pending_secret


def confirm_enrolment(user: User, raw_code: str) -> list[str] | None:
    """Switch to the pending secret when the first code from it is right; returns new recovery codes."""
    code = normalise_code(raw_code)
    secret = user.totp_pending_secret
    if secret is None or not is_totp_shaped(code):
        return None
    step = _matching_step(secret, code)
    if step is None:
        return None
    user.totp_secret = secret
    user.totp_pending_secret = None
    user.totp_enabled_at = utcnow()
    user.totp_last_step = step  # the code just used cannot log in again
    db.session.flush()
    return replace_recovery_codes(user)
