from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from webapp.access import recent_login_required, require, roles_required
from webapp.auth.models import Role, User
from webapp.auth.services import reset_two_factor, set_user_active
from webapp.db import db
from webapp.users import bp
from webapp.users.permissions import can_disable_user, can_manage_user
from webapp.users.services import organisation_users


def _user_or_404(user_id: int) -> User:
    user = db.session.get(User, user_id) or abort(404)
    require(can_manage_user(current_user, user), obj=user, reason="user of another organisation")
    return user


@bp.get("/")
@roles_required(Role.COORDINATOR)
def index():
    return render_template("users/index.html", users=organisation_users(current_user),
                           organisation=current_user.organisation.root)


@bp.post("/<int:user_id>/uitschakelen")
@roles_required(Role.COORDINATOR)
def disable(user_id):
    user = _user_or_404(user_id)
    require(can_disable_user(current_user, user), status=403, obj=user, reason="coordinators cannot disable themselves")
    ended = set_user_active(user, False)
    flash(f"{user.display_name} is uitgeschakeld" + (f" en op {ended} plek(ken) uitgelogd." if ended else "."))
    return redirect(url_for("users.index"), code=303)


@bp.post("/<int:user_id>/inschakelen")
@roles_required(Role.COORDINATOR)
def enable(user_id):
    user = _user_or_404(user_id)
    set_user_active(user, True)
    flash(f"{user.display_name} kan weer inloggen.")
    return redirect(url_for("users.index"), code=303)



@bp.route("/<int:user_id>/tweestaps-opnieuw", methods=["GET", "POST"], endpoint="reset_two_factor")
@roles_required(Role.COORDINATOR)
@recent_login_required
def reset_two_factor_view(user_id):
    """Someone lost their phone and their recovery codes: clear their second factor (after the
    coordinator confirmed their own password), end their sessions; they set it up at next login."""
    user = _user_or_404(user_id)
    require(can_disable_user(current_user, user), status=403, obj=user,
            reason="coordinators change their own two-factor login at their account")
    if request.method == "GET":
        return render_template("users/reset_two_factor.html", user=user)
    ended = reset_two_factor(user, reason="two-factor reset by coordinator")
    flash(f"De tweestapsverificatie van {user.display_name} is gewist"
          + (f" en die is op {ended} plek(ken) uitgelogd." if ended else ".")
          + " Bij de volgende keer inloggen stelt die een nieuwe app in.")
    return redirect(url_for("users.index"), code=303)
