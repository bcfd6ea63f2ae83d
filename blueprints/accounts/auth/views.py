"""Log in, log out, sign up and change password; `?next=` only ever leads to this site.
Confirmation and password-reset links live in blueprints.accounts.auth.links."""
from __future__ import annotations

import functools
import time
from collections.abc import Callable

from flask import (
    Blueprint,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext, refresh
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy.exc import IntegrityError
from wtforms import SelectChoice

from blueprints.accounts.auth.forms import EmailForm, LoginForm, PasswordForm, SignupForm
from blueprints.accounts.auth.guard import password_checked
from blueprints.core.forms import apply_errors
from blueprints.core.i18n import browser_timezone, current_language
from blueprints.core.redirects import home_url, safe_next
from extensions import db, limiter, login_manager
from liaison.accounts import apitokens, throttle, users
from liaison.accounts.models import DEFAULT_TIMEZONE, normalize_email
from liaison.accounts.organizations import all_organizations
from liaison.accounts.passwords import password_problems
from liaison.calendar import feedtokens
from liaison.core.errors import DomainError

bp = Blueprint("auth", __name__, url_prefix="/auth")

login_manager.login_view = "auth.login"
login_manager.login_message = _l("Log in to see this page.")
login_manager.login_message_category = "info"
login_manager.localize_callback = str  # the message is lazy: translate it per request


@login_manager.user_loader
def load_user(value: str):
    return users.user_for_session_id(value)


AUTH_AT = "auth_at"  # session key: when this session last proved the password (epoch s)


def start_session(user, *, remember: bool = False) -> None:
    """Log `user` in after they proved their password (log-in, a new password)."""
    login_user(user, remember=remember)
    session[AUTH_AT] = int(time.time())


def recently_authenticated() -> bool:
    """The password was given in this session within REAUTH_AFTER_SECONDS (a session restored
    from a remember-me cookie never was)."""
    proved = session.get(AUTH_AT)
    limit = current_app.config.get("REAUTH_AFTER_SECONDS", 300)
    return isinstance(proved, int) and 0 <= time.time() - proved <= limit


def after_new_password(user, *, revoke_tokens: bool) -> list[str]:
    """A new password (changed, reset) also gives the personal feed a new address: whoever read
    the account could have copied it. API tokens are revoked when the owner asked. Flushes;
    returns what to tell the owner."""
    feedtokens.rotate_calendar_token(user)
    told = [_("Your personal calendar feed has a new address: subscribe to it again from “My "
              "registrations”. The old address no longer works.")]
    if revoke_tokens and (count := apitokens.revoke_all(user)):
        told.append(ngettext("%(num)d API token was revoked.",
                             "%(num)d API tokens were revoked.", count))
    return told


def name_every_password_problem(form) -> None:
    """One submission names every problem: the new password's own ones too (too short, too
    easy), not only the form's (a field missing, the repeat differing)."""
    field = form.new_password
    if form.is_submitted() and field.data and not field.errors:
        field.errors = [*field.errors, *password_problems(field.data)]


def config_limit(name: str) -> Callable[[], str]:
    """The limit in the config setting `name`, read per request (so an app's config counts)."""
    return lambda: current_app.config[name]


def submitted_email() -> str:
    return normalize_email(request.form.get("email", ""))[:254]


def email_key() -> str:
    """Mail-sending forms, per address typed in: nobody's mailbox gets flooded."""
    return "email:" + submitted_email()


def steady_timing(view):
    """A form that answers alike whether an address has an account (forgot password, sign-up,
    confirmation again) also answers in the same time: a POST is answered no sooner than
    ACCOUNT_MAIL_MIN_SECONDS after it arrived, so the extra work for a known address (a link,
    a rendered mail, a row in the outbox) cannot be timed."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        started = time.monotonic()
        response = view(*args, **kwargs)
        if request.method == "POST":
            floor = current_app.config.get("ACCOUNT_MAIL_MIN_SECONDS", 0)
            time.sleep(max(0.0, floor - (time.monotonic() - started)))
        return response

    return wrapper


def address_and_email() -> str:
    """Guessing one account's password: the address and the email it is guessed for."""
    return f"{get_remote_address()}|{submitted_email()}"


def _login_failed(_response) -> bool:
    return bool(g.get("login_failed"))


# Only failed log-ins count, so an office of many people behind one address logs in freely:
# per address and email against guessing one password, per address against spraying many.
@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(config_limit("LOGIN_RATE_LIMIT"), key_func=address_and_email,
               methods=["POST"], deduct_when=_login_failed)
@limiter.limit(config_limit("LOGIN_ADDRESS_RATE_LIMIT"), key_func=get_remote_address,
               methods=["POST"], deduct_when=_login_failed)
def login():
    next_url = safe_next(request.values.get("next"))
    if current_user.is_authenticated:
        return redirect(next_url or home_url())
    form = LoginForm()
    unconfirmed = None
    if form.validate_on_submit():
        email, password = form.email.data, form.password.data
        try:
            user = password_checked(email, lambda: users.authenticate(email, password))
        except throttle.Locked as locked:
            # Per account, whatever the address: a lockout, said the same for unknown emails.
            g.login_failed = True
            form.password.errors.append(locked.message)
            page = render_template("accounts/auth/login.html", form=form, next_url=next_url,
                                   unconfirmed=None)
            return page, 429, {"Retry-After": str(locked.retry_after)}
        except users.EmailNotConfirmed as error:
            # Said only after the right password, which proves the account is theirs.
            db.session.rollback()
            form.email.errors.append(error.message)
            unconfirmed = normalize_email(form.email.data)
        else:
            if user is None:
                # One message for unknown email, wrong password and inactive account alike.
                g.login_failed = True
                form.password.errors.append(_("The email or password is wrong."))
            else:
                db.session.commit()
                reading = current_language()  # the visitor's language until now
                start_session(user, remember=form.remember.data)
                refresh()  # from here on, the account's language
                flash(_("Welcome, %(name)s.", name=user.name), "success")
                if user.language != reading:
                    # Said once, with a way back (templates/_language_notice.html).
                    flash(reading, "language")
                return redirect(next_url or home_url())
    elif request.method == "POST":
        g.login_failed = True
    return render_template(
        "accounts/auth/login.html", form=form, next_url=next_url, unconfirmed=unconfirmed
    )


@bp.post("/logout")
def logout():
    """Ends the session on the server too: a copy of its cookie, and every remember-me cookie
    of the account, stop working (the account's session token changes)."""
    if current_user.is_authenticated:
        users.end_sessions(current_user._get_current_object())
        db.session.commit()
    logout_user()
    flash(_("You are logged out, here and on your other devices."), "info")
    return redirect(url_for("auth.login"))


def organization_choices() -> list[SelectChoice]:
    return [SelectChoice("0", _("Choose your organization…"))] + [
        SelectChoice(str(org.id), org.display_name) for org in all_organizations()
    ]


# Creating accounts is limited per address (nobody is logged in yet), and per address typed in
# as password reset is: an existing account's owner is mailed about each attempt.
@bp.route("/signup", methods=["GET", "POST"])
@limiter.limit(config_limit("SIGNUP_RATE_LIMIT"), key_func=get_remote_address, methods=["POST"])
@limiter.limit(config_limit("PASSWORD_RESET_EMAIL_RATE_LIMIT"), key_func=email_key,
               methods=["POST"])
@steady_timing
def signup():
    if current_user.is_authenticated:
        return redirect(home_url())
    form = SignupForm()
    form.organization_id.choices = organization_choices()
    if form.validate_on_submit():
        try:
            users.register(
                form.email.data,
                form.display_name.data,
                form.organization_id.data,
                display_name_zh=form.display_name_zh.data,
                language=current_language(),
                timezone=browser_timezone() or DEFAULT_TIMEZONE,
            )
            db.session.commit()
        except DomainError as error:
            db.session.rollback()
            apply_errors(form, error.fields)
            return render_template("accounts/auth/signup.html", form=form)
        except IntegrityError:
            # A simultaneous sign-up with the same address won the unique constraint; that
            # account got its confirmation mail, so this one answers like any other.
            db.session.rollback()
        # The same page whether the address is new or already has an account (then its
        # owner gets a mail instead): the form does not tell who has an account.
        return render_template(
            "accounts/auth/check_inbox.html", email=normalize_email(form.email.data),
            form=EmailForm(email=normalize_email(form.email.data)),
        )
    return render_template("accounts/auth/signup.html", form=form)


@bp.route("/password", methods=["GET", "POST"])
@login_required
def password():
    user = current_user._get_current_object()
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            users.change_password(user, form.current_password.data, form.new_password.data)
            told = after_new_password(user, revoke_tokens=form.revoke_tokens.data)
        except DomainError as error:
            db.session.rollback()
            apply_errors(form, error.fields)
        else:
            db.session.commit()
            # The session token changed: log this browser in again so only the others end.
            cookie = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")
            start_session(user, remember=cookie in request.cookies)
            flash(_("Your password is changed. Other sessions have been logged out."), "success")
            for line in told:
                flash(line, "info")
            return redirect(url_for("account.profile"))
    name_every_password_problem(form)
    return render_template("accounts/auth/password.html", form=form,
                           token_count=apitokens.active_count(user))
