"""Access checks shared by every feature: the check runs on the server, per object, and a refusal is audited."""
from __future__ import annotations

from functools import wraps
from typing import Any

from flask import abort
from flask_login import current_user, login_required

from webapp.audit.models import AuditAction, AuditOutcome
from webapp.audit.services import record
from webapp.auth.models import Role


def deny(status: int = 403, *, obj: Any = None, object_type: str | None = None, object_id: Any = None,
         client: Any = None, reason: str | None = None):
    """Audit a refused access and stop the request.

    Objects outside the user's scope answer 404, so their existence is not revealed;
    a route the user's role may not use answers 403.
    """
    record(AuditAction.ACCESS_DENIED, obj=obj, object_type=object_type, object_id=object_id, client=client,
           outcome=AuditOutcome.DENIED, reason=reason)
    abort(status)


def require(allowed: bool, *, status: int = 404, **audit) -> None:
    if not allowed:
        deny(status, **audit)


def roles_required(*roles: Role):
    """Login required, and the route is refused (403, audited) for every other role."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                deny(403, reason=f"role {current_user.role.value} may not use this route")
            return view(*args, **kwargs)

        wrapped.allowed_roles = frozenset(roles)
        return wrapped

    return decorator


def recent_login_required(view):
    """Exports and changes to one's own credentials: the password (and code) given in the last
    few minutes, checked on the server-side session; otherwise ask for them again and come back."""

    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        from flask import request, url_for

        from webapp.auth.services import is_recently_authenticated
        from webapp.htmx import login_redirect

        if not is_recently_authenticated(current_user.current_session):
            # A POST cannot be replayed after the detour: come back to the page (GET) instead.
            target = request.full_path.rstrip("?") if request.method == "GET" else request.path
            return login_redirect(url_for("auth.reauthenticate", next=target))
        return view(*args, **kwargs)

    return wrapped
