"""The links account mail carries: confirm an address, reset a forgotten password; and the
forms that send them. Answers never tell whether an address has an account."""
from __future__ import annotations

from flask import flash, redirect, render_template
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user

from blueprints.accounts.auth.forms import ConfirmAccountForm, EmailForm, ResetPasswordForm
from blueprints.accounts.auth.views import (
    after_new_password,
    bp,
    config_limit,
    email_key,
    name_every_password_problem,
    organization_choices,
    start_session,
    steady_timing,
)
from blueprints.core.forms import apply_errors
from blueprints.core.redirects import home_url
from extensions import db, limiter
from liaison.accounts import apitokens, users
from liaison.accounts.links import CONFIRM_MAX_AGE, RESET_MAX_AGE, LinkProblem
from liaison.accounts.models import normalize_email
from liaison.core.errors import DomainError

_mail_limit = config_limit("PASSWORD_RESET_RATE_LIMIT")
_mail_email_limit = config_limit("PASSWORD_RESET_EMAIL_RATE_LIMIT")
_bad_link_limit = config_limit("API_TOKEN_FAILURE_LIMIT")  # as for guessed API tokens


def _bad_link(response) -> bool:
    return response.status_code == 400


def _link_problem(problem: LinkProblem, purpose: str):
    db.session.rollback()
    form = EmailForm()
    return render_template(
        "accounts/auth/link_problem.html", problem=problem, purpose=purpose, form=form
    ), 400


@bp.context_processor
def _link_lifetimes() -> dict[str, int]:
    return {
        "confirm_hours": int(CONFIRM_MAX_AGE.total_seconds() // 3600),
        "reset_minutes": int(RESET_MAX_AGE.total_seconds() // 60),
    }


# Mail-sending forms: per address, and per address typed in (nobody's mailbox gets flooded).
@bp.route("/forgot", methods=["GET", "POST"])
@limiter.limit(_mail_limit, key_func=get_remote_address, methods=["POST"])
@limiter.limit(_mail_email_limit, key_func=email_key, methods=["POST"])
@steady_timing
def forgot_password():
    if current_user.is_authenticated:
        return redirect(home_url())
    form = EmailForm()
    if form.validate_on_submit():
        users.request_password_reset(form.email.data)
        db.session.commit()
        return render_template(
            "accounts/auth/forgot.html", form=form, sent_to=normalize_email(form.email.data)
        )
    return render_template("accounts/auth/forgot.html", form=form, sent_to=None)


@bp.route("/reset/<token>", methods=["GET", "POST"])
@limiter.limit(_bad_link_limit, key_func=get_remote_address, deduct_when=_bad_link)
def reset_password(token: str):
    try:
        user = users.user_for_reset(token)
    except LinkProblem as problem:
        return _link_problem(problem, "reset")
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            user = users.reset_password(token, form.new_password.data)
            told = after_new_password(user, revoke_tokens=form.revoke_tokens.data)
        except LinkProblem as problem:
            return _link_problem(problem, "reset")
        except DomainError as error:
            db.session.rollback()
            apply_errors(form, error.fields)
        else:
            db.session.commit()
            start_session(user)
            flash(_("Your new password is set. Other sessions have been logged out."), "success")
            for line in told:
                flash(line, "info")
            return redirect(home_url())
    name_every_password_problem(form)
    return render_template("accounts/auth/reset.html", form=form, token=token, email=user.email,
                           token_count=apitokens.active_count(user))


@bp.route("/confirm/<token>", methods=["GET", "POST"])
@limiter.limit(_bad_link_limit, key_func=get_remote_address, deduct_when=_bad_link)
def confirm_email(token: str):
    """Whoever holds the mailbox checks the account's details and chooses its password."""
    try:
        user = users.user_for_confirmation(token)
    except LinkProblem as problem:
        return _link_problem(problem, "confirm")
    form = ConfirmAccountForm(obj=user)
    form.organization_id.choices = organization_choices()
    if form.validate_on_submit():
        try:
            user = users.confirm_account(
                token,
                password=form.new_password.data,
                display_name=form.display_name.data,
                display_name_zh=form.display_name_zh.data,
                organization_id=form.organization_id.data,
            )
        except LinkProblem as problem:
            return _link_problem(problem, "confirm")
        except DomainError as error:
            db.session.rollback()
            apply_errors(form, error.fields)
        else:
            db.session.commit()
            start_session(user)
            flash(_("Your email address is confirmed. Welcome to Liaison, %(name)s.",
                    name=user.name), "success")
            return redirect(home_url())
    name_every_password_problem(form)
    return render_template("accounts/auth/confirm.html", form=form, token=token,
                           email=user.email)


@bp.post("/resend-confirmation")
@limiter.limit(_mail_limit, key_func=get_remote_address)
@limiter.limit(_mail_email_limit, key_func=email_key)
@steady_timing
def resend_confirmation():
    if current_user.is_authenticated:
        return redirect(home_url())
    form = EmailForm()
    if form.validate_on_submit():
        users.resend_confirmation(form.email.data)
        db.session.commit()
        email = normalize_email(form.email.data)
        return render_template(
            "accounts/auth/check_inbox.html", email=email, form=form, resent=True
        )
    return render_template("accounts/auth/check_inbox.html", email=None, form=form)
