"""The focal points' digest: "members are waiting for you to verify them", at most once a day.

A periodic job of the worker (liaison/integration/jobs.py). Each acting focal point with
members waiting in the organizations they act for (pending, address confirmed, active) gets one
mail listing them — only when someone began waiting since their last digest, and never twice
within DIGEST_INTERVAL. `members_digest_at` is stamped in the same transaction as the mail is
queued, so a repeated run sends nothing twice.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app, render_template
from flask_babel import force_locale, ngettext
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from extensions import db
from liaison.accounts.membership import tree_ids
from liaison.accounts.models import Membership, User, locale_for
from liaison.mail import mime, outbox

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
    base_url = current_app.config["BASE_URL"]
    with force_locale(locale_for(focal_point)):
        subject = ngettext("%(num)d person waits for verification on Liaison",
                           "%(num)d people wait for verification on Liaison", len(waiting))
        recipient_name = mime.clean_header(focal_point.name)
        values = dict(
            subject=subject,
            recipient=focal_point,
            recipient_name=recipient_name,
            waiting=waiting,
            organization=focal_point.organization,
            link=f"{base_url}/members?membership=pending",
        )
        text = render_template("email/members_waiting.txt", **values)
        html = render_template("email/members_waiting.html", **values)
    outbox.queue(
        kind="members_waiting",
        recipient=focal_point.email,
        recipient_name=recipient_name,
        subject=subject,
        body_text=text,
        body_html=html,
        user_id=focal_point.id,
    )
