"""The organizers' digest: "registrations await your approval", at most once a day.

A periodic job of the worker (liaison/integration/jobs.py). Each organizer of a published event
that has not ended, with registrations waiting for the organizers' approval (pending, not at
their organization's stage), gets one mail listing those events with how many wait — only when
a registration began waiting since their last digest, and never twice within DIGEST_INTERVAL.
`approvals_digest_at` is stamped in the same transaction as the mail is queued, so a repeated
run sends nothing twice. Those still waiting show on "My events" and the attendee list.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import ngettext
from sqlalchemy import func, or_, select

from extensions import db
from liaison.accounts.mailing import mail_user
from liaison.accounts.models import User
from liaison.events.models import Event, EventStatus, event_organizer
from liaison.registration.lists import AWAITS_ORGANIZERS
from liaison.registration.models import Registration

DIGEST_INTERVAL = timedelta(hours=24)


def send_approval_digests(now: datetime) -> int:
    """Queue one digest per organizer who has registrations newly awaiting their approval and
    had no digest within a day; returns how many were queued."""
    waiting = {
        event_id: (int(count), newest)
        for event_id, count, newest in db.session.execute(
            select(Registration.event_id, func.count(), func.max(Registration.updated_at))
            .join(Event, Event.id == Registration.event_id)
            .where(AWAITS_ORGANIZERS, Event.status == EventStatus.published, Event.end_at > now)
            .group_by(Registration.event_id)
        )
    }
    if not waiting:
        return 0
    events_of: dict[int, list[int]] = defaultdict(list)
    for user_id, event_id in db.session.execute(
        select(event_organizer.c.user_id, event_organizer.c.event_id)
        .where(event_organizer.c.event_id.in_(waiting))
    ):
        events_of[user_id].append(event_id)
    organizers = db.session.scalars(
        select(User).where(
            User.id.in_(events_of),
            User.active.is_(True),
            or_(User.approvals_digest_at.is_(None),
                User.approvals_digest_at <= now - DIGEST_INTERVAL),
        ).order_by(User.id)
    ).all()
    events = {e.id: e for e in db.session.scalars(select(Event).where(Event.id.in_(waiting)))}
    queued = 0
    for organizer in organizers:
        if not (organizer.can_organize or organizer.acts_as_focal_point):
            continue  # still on the events' lists, but no longer manages them
        mine = sorted((events[i] for i in events_of[organizer.id]), key=lambda e: e.start_at)
        newest = max(waiting[e.id][1] for e in mine)
        if organizer.approvals_digest_at is not None and newest <= organizer.approvals_digest_at:
            continue  # they heard of all of these already
        _queue(organizer, [(event, waiting[event.id][0]) for event in mine])
        organizer.approvals_digest_at = now
        queued += 1
    db.session.flush()
    return queued


def _queue(organizer: User, rows: list[tuple[Event, int]]) -> None:
    base_url = current_app.config["BASE_URL"]
    total = sum(count for _event, count in rows)
    mail_user(
        organizer, kind="approvals_waiting", template="approvals_waiting",
        subject=lambda: ngettext("%(num)d registration awaits your approval on Liaison",
                                 "%(num)d registrations await your approval on Liaison", total),
        rows=[(event, count, f"{base_url}/events/{event.id}/registrations?status=pending")
              for event, count in rows],
        link=f"{base_url}/events/mine",
    )
