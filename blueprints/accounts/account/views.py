"""The signed-in user's profile, language and API tokens."""

from __future__ import annotations

import time

from flask import Blueprint, abort, flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_babel import refresh
from flask_login import current_user, login_required

from blueprints.accounts.account.forms import (
    ConfirmForm,
    LanguageForm,
    OrganizationForm,
    ProfileForm,
    TokenForm,
)
from blueprints.accounts.auth.guard import password_checked
from blueprints.accounts.auth.views import AUTH_AT, recently_authenticated
from blueprints.core.forms import apply_errors
from blueprints.core.redirects import home_url, safe_next
from extensions import db
from liaison.accounts import apitokens, members, organizations, throttle, users
from liaison.accounts.models import ApiToken, Organization
from liaison.core.errors import DomainError

bp = Blueprint("account", __name__, url_prefix="/account")


@bp.route("/", methods=["GET", "POST"])
@login_required
def profile():
    user = current_user._get_current_object()
    form = ProfileForm(obj=user)
    if form.validate_on_submit():
        try:
            users.update_profile(
                user,
                display_name=form.display_name.data,
                display_name_zh=form.display_name_zh.data,
                language=form.language.data,
                timezone=form.timezone.data.strip(),
            )
        except DomainError as error:
            db.session.rollback()
            apply_errors(form, error.fields)
        else:
            db.session.commit()
            session["lang"] = user.language
            refresh()  # the message below in the language just chosen
            flash(_("Your profile is saved."), "success")
            return redirect(url_for("account.profile"))
    return render_template("accounts/account/profile.html", form=form,
                           organization_form=_organization_form(user))


def _organization_form(user) -> OrganizationForm:
    form = OrganizationForm(organizations=organizations.all_organizations())
    if not form.is_submitted():
        form.organization.data = user.organization_id
    return form


@bp.post("/organization")
@login_required
def change_organization():
    """Move to another organization; unless an administrator does it, the new organization
    verifies the membership again."""
    user = current_user._get_current_object()
    form = _organization_form(user)
    org = db.session.get(Organization, form.organization.data) if form.validate() else None
    if org is None:
        flash(_("Choose an organization from the list."), "error")
        return redirect(url_for("account.profile"))
    moved = org.id != user.organization_id
    try:
        members.change_organization(user, org, by=user)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        if moved and user.is_verified_member:
            flash(_("You are now a member of %(org)s.", org=org.display_name), "success")
        elif moved:
            flash(_("You are now a member of %(org)s; until it verifies your membership you "
                    "see and can join only events open to all.", org=org.display_name),
                  "success")
    return redirect(url_for("account.profile"))


@bp.post("/language")
def set_language():
    """The header's language switch: remembered in the session, and on the account if any."""
    form = LanguageForm()
    if form.validate_on_submit():
        session["lang"] = form.language.data
        if current_user.is_authenticated:
            users.set_language(current_user._get_current_object(), form.language.data)
            db.session.commit()
    return redirect(safe_next(form.next.data) or home_url())


def _password_again(form: TokenForm) -> bool:
    """A log-in older than REAUTH_AFTER_SECONDS (or restored from a remember-me cookie) gives
    the password again before a new token is made; True when it is given and right."""
    if recently_authenticated():
        return True
    if not form.password.data:
        form.password.errors.append(_("Enter your password to create a token."))
        return False
    user = current_user._get_current_object()
    try:  # counted with the account's log-in attempts: no guessing it here instead
        right = password_checked(
            user.email, lambda: users.check_password(user, form.password.data)
        )
    except throttle.Locked as locked:
        form.password.errors.append(locked.message)
        return False
    if not right:
        form.password.errors.append(_("Your password is not right."))
        return False
    session[AUTH_AT] = int(time.time())
    return True


@bp.route("/tokens", methods=["GET", "POST"])
@login_required
def tokens():
    form = TokenForm()
    raw = None
    if form.validate_on_submit() and _password_again(form):
        try:
            _token, raw = apitokens.issue_token(
                current_user._get_current_object(), form.name.data or ""
            )
        except DomainError as error:
            db.session.rollback()
            apply_errors(form, error.fields)
        else:
            db.session.commit()
            form = TokenForm(formdata=None)
    return render_template(
        "accounts/account/tokens.html",
        form=form,
        raw=raw,
        tokens=apitokens.tokens_of(current_user),
        revoke_form=ConfirmForm(),
        ask_password=not recently_authenticated(),
    )


@bp.post("/tokens/<int:token_id>/revoke")
@login_required
def revoke_token(token_id: int):
    token = db.get_or_404(ApiToken, token_id)
    if token.user_id != current_user.id:
        abort(404)
    if ConfirmForm().validate_on_submit():
        apitokens.revoke_token(token)
        db.session.commit()
        flash(_("The token is revoked; programs using it can no longer connect."), "success")
    return redirect(url_for("account.tokens"))
