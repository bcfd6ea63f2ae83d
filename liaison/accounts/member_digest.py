"""The focal points' digest: "members are waiting for you to verify them", at most once a day.

A periodic job of the worker (liaison/integration/jobs.py). Each acting focal point with
members waiting in the organizations they act for (pending, address confirmed, active) gets one
mail listing them — only when someone began waiting since their last digest, and never twice
within DIGEST_INTERVAL. `members_digest_at` is stamped in the same transaction as the mail is
queued, so a repeated run sends nothing twice.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from flask_babel import ngettext
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from extensions import db
from liaison.accounts.mailing import mail_user
from liaison.accounts.membership import tree_ids
from liaison.accounts.models import Membership, User

DIGEST_INTERVAL = timedelta(hours=24)


def waiting_members(focal_point: User) -> list[User]:
    """Members waiting for verification in the organizations `focal_point` acts for, longest
    waiting first."""
    return list(
        db.session.scalars(
            select(User)
            .where(
                User.organization_id.in_(tree_ids(focal_point.organization_id)),
                User.membership == Membership.pending,
                User.email_verified.is_(True),
                User.active.is_(True),
            )
            .options(selectinload(User.organization))
            .order_by(func.coalesce(User.membership_since, User.created_at), User.id)
        )
    )


def send_member_digests(now: datetime) -> int:
    """Queue one digest per focal point who has members newly waiting and had none within a
    day; returns how many were queued."""
    focal_points = db.session.scalars(
        select(User)
        .where(
            User.focal_point.is_(True),
            User.active.is_(True),
            User.membership == Membership.verified,
            or_(User.members_digest_at.is_(None),
                User.members_digest_at <= now - DIGEST_INTERVAL),
        )
        .order_by(User.id)
    ).all()
    queued = 0
    for focal_point in focal_points:
        waiting = waiting_members(focal_point)
        if not waiting:
            continue
        newest = max(member.membership_since or member.created_at for member in waiting)
        if focal_point.members_digest_at is not None and newest <= focal_point.members_digest_at:
            continue  # they heard of everyone already; the Members page still lists them
        _queue(focal_point, waiting)
        focal_point.members_digest_at = now
        queued += 1
    db.session.flush()
    return queued


def _queue(focal_point: User, waiting: list[User]) -> None:
    mail_user(
        focal_point, kind="members_waiting", template="members_waiting",
        subject=lambda: ngettext("%(num)d person waits for verification on Liaison",
                                 "%(num)d people wait for verification on Liaison",
                                 len(waiting)),
        waiting=waiting, organization=focal_point.organization,
        link=f"{current_app.config['BASE_URL']}/members?membership=pending",
    )
