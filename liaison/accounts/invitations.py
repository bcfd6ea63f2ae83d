"""Invitations: an administrator makes the account — organization, role and focal-point flag
set in advance, membership verified — and mails a link; the invitee chooses the password,
which confirms the address. The link lasts INVITE_MAX_AGE and dies once used (it is signed
with the password hash the account had when invited). Flushes, never commits."""
from __future__ import annotations

import secrets

from flask_babel import gettext as _

from extensions import db
from liaison.accounts import links, members, users
from liaison.accounts.models import Decision, Membership, Role, User
from liaison.core.errors import NotAllowed, ValidationFailed
from liaison.core.types import utcnow


def invite(
    email: str,
    display_name: str,
    organization_id: int,
    *,
    by: User,
    role: Role = Role.participant,
    focal_point: bool = False,
    language: str = "en",
    display_name_zh: str | None = None,
) -> User:
    """A new, verified account that cannot log in until its owner follows the mailed link and
    chooses a password. Administrators only; the address must be unused."""
    if not by.is_admin:
        raise NotAllowed(_("Only administrators can invite people."))
    user = users.sign_up(
        email,
        display_name,
        secrets.token_urlsafe(32),  # nobody knows it: the invitee chooses their own
        organization_id,
        role=Role(role),
        display_name_zh=display_name_zh,
        language=language,
        email_verified=False,
        membership=Membership.verified,
        focal_point=focal_point,
    )
    user.membership_since = utcnow()
    members.record(user, Decision.invited, by=by, new=user.role.value)
    if focal_point:
        members.record(user, Decision.focal_point_granted, by=by)
    links.queue_mail(
        "invitation", user, link=links.link_for(user, "invite"), inviter=by,
        organization=user.organization,
    )
    db.session.flush()
    return user


def user_for_invitation(token: str) -> User:
    """The invited account a link names; LinkProblem when it is tampered with, expired or used."""
    return links.user_for_token(token, "invite")


def accept(token: str, password: str) -> User:
    """The invitee's password: it ends the link, confirms the address; the caller logs in."""
    user = user_for_invitation(token)
    users.set_password(user, password)
    user.email_verified = True
    user.last_login_at = utcnow()
    db.session.flush()
    return user


def resend(user: User, *, by: User) -> None:
    """A fresh link to an invitee who has not chosen a password yet."""
    if not by.is_admin:
        raise NotAllowed(_("Only administrators can invite people."))
    if user.email_verified:
        raise ValidationFailed(_("%(name)s already uses the account.", name=user.name))
    links.queue_mail("invitation", user, link=links.link_for(user, "invite"), inviter=by,
                     organization=user.organization)
    members.record(user, Decision.invited, by=by, new=user.role.value)
