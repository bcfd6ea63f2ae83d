"""Accounts: sign-up, log-in checks, passwords, profiles and roles. Flushes, never commits."""
from __future__ import annotations

import hmac
import secrets
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask_babel import gettext as _
from sqlalchemy import func, or_, select

from extensions import db
from liaison.accounts import links, members, throttle
from liaison.accounts.models import (
    DEFAULT_TIMEZONE,
    LANGUAGES,
    Decision,
    Membership,
    Organization,
    Role,
    User,
    normalize_email,
)
from liaison.accounts.passwords import (
    hash_password,
    needs_rehash,
    password_problem,
    verify_password,
)
from liaison.core.database import MAX_ID, contains_pattern
from liaison.core.errors import DomainError, NotAllowed, ValidationFailed
from liaison.core.types import utcnow

# Verified against when the email is unknown, so a miss costs as much time as a wrong password.
_DUMMY_HASH: str | None = None


def _dummy_hash() -> str:
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        _DUMMY_HASH = hash_password(secrets.token_urlsafe(16))
    return _DUMMY_HASH


def user_by_email(email: str) -> User | None:
    """Emails match case-insensitively (they are stored lower-cased)."""
    return db.session.scalar(select(User).where(User.email == normalize_email(email)))


def email_taken(email: str) -> bool:
    return user_by_email(email) is not None


def is_valid_timezone(name: str) -> bool:
    """An IANA zone name that zoneinfo knows ("Asia/Shanghai"), not an abbreviation."""
    if not name or name != name.strip() or "/" not in name and name != "UTC":
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


class EmailNotConfirmed(DomainError):
    """The password is right but the address is not confirmed yet: no log-in."""

    code = "email_not_confirmed"
    status = 403


def _new_account_problems(
    email: str, display_name: str, password: str | None, organization_id: int, language: str,
    timezone: str,
) -> dict[str, str]:
    fields = {}
    if not email or "@" not in email:
        fields["email"] = _("Enter a valid email address.")
    if not display_name.strip():
        fields["display_name"] = _("Enter your name.")
    if password is not None and (problem := password_problem(password)):
        fields["password"] = problem
    if not _is_organization(organization_id):
        fields["organization_id"] = _("Choose an organization from the list.")
    if language not in LANGUAGES:
        fields["language"] = _("Choose English or Chinese.")
    if not is_valid_timezone(timezone):
        fields["timezone"] = _("Choose a time zone from the list.")
    return fields


def _is_organization(organization_id) -> bool:
    return (
        isinstance(organization_id, int) and 1 <= organization_id <= MAX_ID
        and db.session.get(Organization, organization_id) is not None
    )


def sign_up(
    email: str,
    display_name: str,
    password: str,
    organization_id: int,
    *,
    role: Role = Role.participant,
    display_name_zh: str | None = None,
    language: str = "en",
    timezone: str = DEFAULT_TIMEZONE,
    email_verified: bool = True,
    membership: Membership = Membership.verified,
    focal_point: bool = False,
) -> User:
    """A new account in an existing organization (the CLI's: address and membership verified
    unless told otherwise); the email must be unused and the password good enough. The hash is
    computed first so every path takes as long."""
    password_hash = hash_password(password)
    fields = _new_account_problems(
        email, display_name, password, organization_id, language, timezone
    )
    if "email" not in fields and email_taken(email):
        fields["email"] = _("This email address cannot be used to sign up.")
    if fields:
        raise ValidationFailed(_("Some fields need attention."), fields=fields)
    user = User(
        email=email,
        display_name=display_name.strip(),
        display_name_zh=(display_name_zh or "").strip() or None,
        password_hash=password_hash,
        organization_id=organization_id,
        role=Role(role),
        language=language,
        timezone=timezone,
        email_verified=email_verified,
        membership=Membership(membership),
        focal_point=bool(focal_point),
    )
    db.session.add(user)
    db.session.flush()
    return user


def register(
    email: str,
    display_name: str,
    organization_id: int,
    *,
    display_name_zh: str | None = None,
    language: str = "en",
    timezone: str = DEFAULT_TIMEZONE,
) -> User | None:
    """The sign-up form: a new, unconfirmed account without a usable password, and a mail with
    its confirmation link, where whoever holds the mailbox chooses the password
    (`confirm_account`): someone who signs up with another person's address can never log in
    to it. When the address already has an account: a mail to its owner and nothing else
    (None). The caller answers both the same way, so the form does not tell which addresses
    have accounts."""
    unusable = secrets.token_urlsafe(32)  # hashed either way: both paths take as long
    fields = _new_account_problems(
        email, display_name, None, organization_id, language, timezone
    )
    if fields:
        raise ValidationFailed(_("Some fields need attention."), fields=fields)
    existing = user_by_email(email)
    if existing is not None:
        hash_password(unusable)
        if existing.active:
            links.queue_mail("signup_existing", existing)
        return None
    user = sign_up(
        email, display_name, unusable, organization_id, display_name_zh=display_name_zh,
        language=language, timezone=timezone, email_verified=False,
        membership=Membership.pending,
    )
    # The organization has not vouched for them yet: a focal point (or an admin) verifies,
    # or the confirmed address's domain does (members.verify_by_domain at confirmation).
    user.membership_since = user.created_at
    members.record(user, Decision.signed_up, by=user, new=Membership.pending.value)
    links.queue_mail("confirm_email", user, link=links.link_for(user, "confirm"))
    return user


def resend_confirmation(email: str) -> None:
    """A fresh confirmation link to an unconfirmed account; silently nothing otherwise."""
    user = user_by_email(email) if email else None
    if user is not None and user.active and not user.email_verified:
        links.queue_mail(
            "confirm_email", user, link=links.link_for(user, "confirm")
        )


def user_for_confirmation(token: str) -> User:
    """The unconfirmed account a confirmation link is for; LinkProblem otherwise."""
    user = links.user_for_token(token, "confirm")
    if user.email_verified:
        raise links.LinkProblem(
            _("This address is already confirmed: log in with your password."), code="link_used"
        )
    return user


def confirm_account(
    token: str,
    *,
    password: str,
    display_name: str,
    display_name_zh: str | None,
    organization_id: int,
) -> User:
    """Following the confirmation link, the mailbox's holder reviews the name and organization
    the sign-up gave and chooses the password: whatever password anyone chose before (an
    account made before this rule) stops working, with every session (the link dies too).
    The caller logs the user in."""
    user = user_for_confirmation(token)
    fields = {}
    if not display_name.strip():
        fields["display_name"] = _("Enter your name.")
    if not _is_organization(organization_id):
        fields["organization_id"] = _("Choose an organization from the list.")
    if problem := password_problem(password):
        fields["new_password"] = problem
    if fields:
        raise ValidationFailed(_("Some fields need attention."), fields=fields)
    user.display_name = display_name.strip()
    user.display_name_zh = (display_name_zh or "").strip() or None
    user.organization_id = organization_id
    set_password(user, password)
    throttle.clear(user.email)
    user.email_verified = True
    user.last_login_at = utcnow()
    db.session.flush()
    members.verify_by_domain(user)
    return user


def request_password_reset(email: str) -> None:
    """A reset link to the account's owner when the address has an active account; nothing
    otherwise (the caller says the same either way)."""
    user = user_by_email(email) if email else None
    if user is not None and user.active:
        links.queue_mail("password_reset", user, link=links.link_for(user, "reset"))


def user_for_reset(token: str) -> User:
    """The account a reset link is for; LinkProblem when expired, tampered with or used."""
    return links.user_for_token(token, "reset")


def reset_password(token: str, new: str) -> User:
    """A valid reset link sets the password, which ends every other session and the link
    itself; the mailbox is proven, so the address counts as confirmed and a log-in lockout
    ends (an attacker can delay the owner, never keep them out)."""
    user = user_for_reset(token)
    set_password(user, new)
    throttle.clear(user.email)
    user.email_verified = True
    user.last_login_at = utcnow()
    db.session.flush()
    members.verify_by_domain(user)
    return user


def authenticate(email: str, password: str) -> User | None:
    """The active user with this email and password, else None; an unknown email costs one
    hash verification too, so timing does not tell which addresses have accounts. A right
    password for an unconfirmed address raises EmailNotConfirmed."""
    user = user_by_email(email) if email else None
    if user is None:
        verify_password(_dummy_hash(), password)
        return None
    if not verify_password(user.password_hash, password) or not user.is_active:
        return None
    if not user.email_verified:
        raise EmailNotConfirmed(
            _("Confirm your email address first: follow the link in the mail we sent you.")
        )
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    db.session.flush()
    return user


def user_for_session_id(value: str) -> User | None:
    """Flask-Login's "id:session_token": the token must still match, so changing the password
    ends every other session and remember-me cookie."""
    user_id, _sep, token = (value or "").partition(":")
    if not user_id.isdigit() or not token:
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not hmac.compare_digest(user.session_token, token):
        return None
    return user


def set_password(user: User, new: str) -> None:
    """A new password also gets a new session token: older sessions stop working."""
    if problem := password_problem(new):
        raise ValidationFailed(problem, fields={"new_password": problem})
    user.password_hash = hash_password(new)
    user.session_token = secrets.token_hex(16)
    db.session.flush()


def change_password(user: User, current: str, new: str) -> None:
    """Only with the current password; logs out every other session (see set_password)."""
    if not verify_password(user.password_hash, current):
        message = _("Your current password is not right.")
        raise ValidationFailed(message, fields={"current_password": message})
    if current == new:
        message = _("Choose a password different from the current one.")
        raise ValidationFailed(message, fields={"new_password": message})
    set_password(user, new)


def update_profile(
    user: User,
    *,
    display_name: str,
    display_name_zh: str | None,
    language: str,
    timezone: str,
) -> None:
    """A name is required, the language is en or zh, the zone an IANA name."""
    fields = {}
    if not display_name.strip():
        fields["display_name"] = _("Enter your name.")
    if language not in LANGUAGES:
        fields["language"] = _("Choose English or Chinese.")
    if not is_valid_timezone(timezone):
        fields["timezone"] = _("Enter a time zone such as Asia/Shanghai or Europe/Berlin.")
    if fields:
        raise ValidationFailed(_("Some fields need attention."), fields=fields)
    user.display_name = display_name.strip()
    user.display_name_zh = (display_name_zh or "").strip() or None
    user.language = language
    user.timezone = timezone
    db.session.flush()


def set_language(user: User, language: str) -> None:
    if language not in LANGUAGES:
        raise ValidationFailed(_("Choose English or Chinese."), fields={"language": ""})
    user.language = language
    db.session.flush()


def set_role(user: User, role: Role, *, by: User) -> None:
    """Admins change roles, but never their own: the last admin cannot lock everyone out."""
    if user.id == by.id and role != user.role:
        raise NotAllowed(_("You cannot change your own role."))
    if user.role != Role(role):
        members.record(user, Decision.role_changed, by=by, old=user.role.value,
                       new=Role(role).value)
    user.role = Role(role)
    db.session.flush()


def end_sessions(user: User) -> None:
    """Log-out: a new session token, so neither this session's cookie (even a copy of it) nor
    any remember-me cookie of the account works any more, on any device."""
    user.session_token = secrets.token_hex(16)
    db.session.flush()


def check_password(user: User, password: str) -> bool:
    """The user's own password again, before a sensitive action (a new API token)."""
    return verify_password(user.password_hash, password or "")


def set_active(user: User, active: bool, *, by: User) -> None:
    """Deactivated users cannot log in and lose their sessions; admins cannot deactivate
    themselves."""
    if user.id == by.id and not active:
        raise NotAllowed(_("You cannot deactivate your own account."))
    if user.active and not active:
        user.session_token = secrets.token_hex(16)
    if user.active != active:
        members.record(user, Decision.reactivated if active else Decision.deactivated, by=by)
    user.active = active
    db.session.flush()


def search_users(query: str = ""):
    """Users whose name, Chinese name, email or organization name contains `query`."""
    stmt = select(User).join(User.organization).order_by(User.display_name, User.id)
    query = query.strip().lower()
    if query:
        like = contains_pattern(query)
        columns = (
            func.lower(User.display_name),
            func.lower(func.coalesce(User.display_name_zh, "")),
            User.email,
            func.lower(Organization.name),
            func.lower(func.coalesce(Organization.name_zh, "")),
        )
        stmt = stmt.where(or_(*(column.like(like, escape="\\") for column in columns)))
    return stmt
