"""Membership decisions: verify, reject, move to another organization, and the log that keeps
each decision about an account (who, when, what).

A focal point of the member's organization, or of an office above it, or an administrator
decides (`membership.may_act_for`); nobody decides about themselves. A membership that stops
being verified, and any move to another organization, goes out as
`signals.membership_changed`: the registrations the audience no longer admits are cancelled
(liaison.registration.audience). Flushes, never commits.
"""
from __future__ import annotations

import secrets

from flask_babel import gettext as _
from sqlalchemy import Select, case, func, or_, select

from extensions import db
from liaison.accounts import links, signals
from liaison.accounts.membership import acted_for_ids, may_act_for
from liaison.accounts.models import (
    AccountDecision,
    Decision,
    Membership,
    Organization,
    User,
    normalize_email,
)
from liaison.core.database import contains_pattern
from liaison.core.errors import Conflict, NotAllowed, ValidationFailed
from liaison.core.types import utcnow


def _set_membership(user: User, membership: Membership) -> None:
    user.membership = membership
    user.membership_since = utcnow()


def record(
    user: User,
    decision: Decision,
    *,
    by: User | None,
    old: str | None = None,
    new: str | None = None,
) -> AccountDecision:
    """Log one decision about `user` (by None: the system decided, e.g. by email domain)."""
    entry = AccountDecision(
        user=user,
        actor=by,
        organization_id=user.organization_id,
        decision=decision,
        old_value=(old or None) and old[:200],
        new_value=(new or None) and new[:200],
    )
    db.session.add(entry)
    return entry


def _require_may_decide(user: User, by: User) -> None:
    if by.id == user.id:
        raise NotAllowed(_("You cannot decide about your own membership."))
    if user.is_admin and not by.is_admin:
        raise NotAllowed(_("Only administrators can decide about an administrator."))
    if not may_act_for(by, user.organization_id):
        raise NotAllowed(
            _("Only a focal point of %(org)s (or of an office above it) or an administrator "
              "can do this.", org=user.organization.display_name)
        )


def verify(user: User, *, by: User) -> User:
    """The organization vouches for the member: they see and join what its kind may."""
    _require_may_decide(user, by)
    if user.membership != Membership.verified:
        old = user.membership
        _set_membership(user, Membership.verified)
        record(user, Decision.verified, by=by, old=old.value, new=Membership.verified.value)
        db.session.flush()
    return user


def reject(user: User, *, by: User) -> User:
    """The organization does not vouch for the member: they keep their account but belong to
    no organization kind, and lose the registrations audiences no longer admit."""
    _require_may_decide(user, by)
    if user.membership == Membership.rejected:
        return user
    old = user.membership
    _set_membership(user, Membership.rejected)
    record(user, Decision.rejected, by=by, old=old.value, new=Membership.rejected.value)
    db.session.flush()
    if old == Membership.verified:
        signals.membership_changed.send(user, by=by)
    return user


def verify_by_domain(user: User) -> bool:
    """A pending member whose *confirmed* address is at one of the organization's email
    domains (or a subdomain) is verified at once; True when that happened."""
    if (
        user.membership != Membership.pending
        or not user.email_verified
        or not user.organization.matches_email(user.email)
    ):
        return False
    _set_membership(user, Membership.verified)
    record(user, Decision.verified_by_domain, by=None, old=Membership.pending.value,
           new=Membership.verified.value)
    db.session.flush()
    return True


def change_organization(user: User, organization: Organization, *, by: User) -> User:
    """Move a member to another organization. An administrator's move keeps the membership as
    it is; anyone else's (the member, a focal point of both organizations) makes it pending
    until the new organization vouches for them, and a focal point stops being one."""
    if organization.id == user.organization_id:
        return user
    if not by.is_admin:
        if by.id != user.id and not (
            may_act_for(by, user.organization_id) and may_act_for(by, organization.id)
        ):
            raise NotAllowed(
                _("Only administrators and focal points of both organizations can move a "
                  "member.")
            )
        if user.is_admin and by.id != user.id:
            raise NotAllowed(_("Only administrators can decide about an administrator."))
    old_name = user.organization.name
    user.organization = organization
    record(user, Decision.organization_changed, by=by, old=old_name, new=organization.name)
    if not by.is_admin:
        if user.membership != Membership.pending:
            record(user, Decision.pending_again, by=by, old=user.membership.value,
                   new=Membership.pending.value)
        _set_membership(user, Membership.pending)
        if user.focal_point:
            user.focal_point = False
            record(user, Decision.focal_point_revoked, by=by)
    db.session.flush()
    verify_by_domain(user)
    signals.membership_changed.send(user, by=by)
    return user


def set_focal_point(user: User, value: bool, *, by: User) -> User:
    """Administrators name and remove focal points."""
    if not by.is_admin:
        raise NotAllowed(_("Only administrators can name focal points."))
    value = bool(value)
    if user.focal_point != value:
        if value and user.membership != Membership.verified:
            raise Conflict(_("Verify the membership first: only verified members can be focal "
                             "points."))
        user.focal_point = value
        decision = Decision.focal_point_granted if value else Decision.focal_point_revoked
        record(user, decision, by=by)
        db.session.flush()
    return user


def change_email(user: User, email: str, *, by: User) -> User:
    """Administrators correct an address (unique regardless of case); the old one stops
    working for log-in and links at once."""
    if not by.is_admin:
        raise NotAllowed(_("Only administrators can change someone's email address."))
    new = normalize_email(email or "")
    if "@" not in new or len(new) > 254 or any(c.isspace() for c in new):
        message = _("Enter a valid email address.")
        raise ValidationFailed(message, fields={"email": message})
    if new == user.email:
        return user
    if db.session.scalar(select(User.id).where(User.email == new, User.id != user.id)):
        message = _("Another account already uses this address.")
        raise ValidationFailed(message, fields={"email": message})
    record(user, Decision.email_changed, by=by, old=user.email, new=new)
    user.email = new
    user.session_token = secrets.token_hex(16)  # links and sessions made for the old address
    db.session.flush()
    return user


def send_password_reset(user: User, *, by: User) -> None:
    """Administrators send the owner a reset link (never see or set the password)."""
    if not by.is_admin:
        raise NotAllowed(_("Only administrators can do this."))
    if not user.active:
        raise Conflict(_("Reactivate the account first."))
    links.queue_mail("password_reset", user, link=links.link_for(user, "reset"))
    record(user, Decision.password_reset_sent, by=by)
    db.session.flush()


def decisions(*, user: User | None = None, organization_ids: Select | None = None) -> Select:
    """The log, newest first: about one user, or about the members of some organizations."""
    stmt = select(AccountDecision).order_by(
        AccountDecision.created_at.desc(), AccountDecision.id.desc()
    )
    if user is not None:
        stmt = stmt.where(AccountDecision.user_id == user.id)
    if organization_ids is not None:
        stmt = stmt.where(AccountDecision.organization_id.in_(organization_ids))
    return stmt


def manageable(by: User) -> Select:
    """SELECT of the ids of the organizations whose members `by` decides about: every one for
    an administrator, their own and the offices below for a focal point, none otherwise."""
    if by.is_admin:
        return select(Organization.id)
    return acted_for_ids(by)


def member_list(
    by: User,
    *,
    membership: Membership | None = None,
    organization_id: int | None = None,
    q: str = "",
) -> Select:
    """The members `by` may decide about, waiting ones first, then by name; narrowed to one
    membership state, one organization (with its offices' members: no) and a search on name,
    Chinese name or email."""
    stmt = (
        select(User)
        .where(User.organization_id.in_(manageable(by)))
        .order_by(
            case((User.membership == Membership.pending, 0), else_=1),
            User.display_name,
            User.id,
        )
    )
    if membership is not None:
        stmt = stmt.where(User.membership == membership)
    if organization_id is not None:
        stmt = stmt.where(User.organization_id == organization_id)
    q = (q or "").strip().lower()
    if q:
        like = contains_pattern(q)
        stmt = stmt.where(
            or_(
                func.lower(User.display_name).like(like, escape="\\"),
                func.lower(func.coalesce(User.display_name_zh, "")).like(like, escape="\\"),
                User.email.like(like, escape="\\"),
            )
        )
    return stmt


def waiting_count(by: User) -> int:
    """How many members with a confirmed address wait for `by` (or another who may decide)."""
    if not (by.is_admin or by.acts_as_focal_point):
        return 0
    return db.session.scalar(
        select(func.count(User.id)).where(
            User.organization_id.in_(manageable(by)),
            User.membership == Membership.pending,
            User.email_verified.is_(True),
            User.active.is_(True),
        )
    )
