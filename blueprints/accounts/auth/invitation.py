"""/auth/invite/<token>: the invitee chooses a password and is logged in."""
from __future__ import annotations

from flask import flash, redirect, render_template
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import login_user

from blueprints.accounts.auth.forms import ResetPasswordForm
from blueprints.accounts.auth.links import _bad_link, _bad_link_limit, _link_problem
from blueprints.accounts.auth.views import bp
from blueprints.core.forms import apply_errors
from blueprints.core.redirects import home_url
from extensions import db, limiter
from liaison.accounts import invitations
from liaison.accounts.links import LinkProblem
from liaison.core.errors import DomainError


@bp.route("/invite/<token>", methods=["GET", "POST"])
@limiter.limit(_bad_link_limit, key_func=get_remote_address, deduct_when=_bad_link)
def accept_invitation(token: str):
    try:
        user = invitations.user_for_invitation(token)
    except LinkProblem as problem:
        return _link_problem(problem, "invite")
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            user = invitations.accept(token, form.new_password.data)
        except LinkProblem as problem:
            return _link_problem(problem, "invite")
        except DomainError as error:
            db.session.rollback()
            apply_errors(form, error.fields)
        else:
            db.session.commit()
            login_user(user)
            flash(_("Welcome to Liaison, %(name)s. Your password is set.", name=user.name),
                  "success")
            return redirect(home_url())
    return render_template("accounts/auth/invitation.html", form=form, token=token, user=user)
