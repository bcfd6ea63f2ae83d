"""Action reminders, a periodic job of the worker (liaison/integration/jobs.py):
`remind_actions(now)` mails each open, live action's owner once when it falls due within
REMIND_DAYS, and once when it is overdue — again for a new due date, never twice for one.

Who hears: the owner person; without one, the owner organization's focal points (or, before
there are any, its organizers); an overdue action also the meeting's organizers. The due date
is a day in the meeting's own zone. The stamp (the due date reminded for) is set by a
conditional UPDATE in the transaction that queues the mail, so two runs at once send one.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import or_, select, update
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from extensions import db
from liaison.accounts import membership
from liaison.accounts.models import Role, User
from liaison.events.models import Event, EventStatus
from liaison.meetings import mailing
from liaison.meetings.models import ActionItem, ActionStatus

REMIND_DAYS = 3


def _owners(action: ActionItem) -> list[User]:
    """The owner person; else the nearest focal points of the owner organization (its own,
    or those of the organization above it); else its organizers."""
    if action.owner_user is not None and action.owner_user.active:
        return [action.owner_user]
    focal = membership.focal_points_for(action.owner_organization_id)
    if focal:
        nearest = focal[0].organization_id
        return [u for u in focal if u.organization_id == nearest]
    return list(db.session.scalars(
        select(User).where(User.organization_id == action.owner_organization_id,
                           User.active.is_(True), User.role.in_((Role.organizer, Role.admin)))
        .order_by(User.id)
    ))


def _take(action: ActionItem, column: str) -> bool:
    """Stamp the reminder for the current due date; False when another run already did."""
    stamp = getattr(ActionItem, column)
    taken = db.session.execute(
        update(ActionItem)
        .where(ActionItem.id == action.id,
               or_(stamp.is_(None), stamp != action.due_on))
        .values({column: action.due_on})
        .execution_options(synchronize_session=False)
    ).rowcount
    if taken == 1:
        set_committed_value(action, column, action.due_on)
    return taken == 1


def remind_actions(now: datetime) -> int:
    """Queue the due reminders; returns how many mails were queued."""
    horizon = (now + timedelta(days=REMIND_DAYS + 1)).date()
    candidates = db.session.scalars(
        select(ActionItem)
        .join(Event, ActionItem.event_id == Event.id)
        .where(
            ActionItem.live.is_(True),
            ActionItem.status == ActionStatus.open,
            ActionItem.due_on <= horizon,
            Event.status != EventStatus.cancelled,
            or_(ActionItem.reminded_soon_for.is_(None),
                ActionItem.reminded_soon_for != ActionItem.due_on,
                ActionItem.reminded_overdue_for.is_(None),
                ActionItem.reminded_overdue_for != ActionItem.due_on),
        )
        .options(joinedload(ActionItem.event).selectinload(Event.organizers),
                 joinedload(ActionItem.owner_user), joinedload(ActionItem.owner_organization))
        .order_by(ActionItem.due_on, ActionItem.id)
    ).unique().all()
    queued = 0
    for action in candidates:
        event = action.event
        today = now.astimezone(event.zone).date()
        days = (action.due_on - today).days
        if days < 0 and action.reminded_overdue_for != action.due_on:
            if not _take(action, "reminded_overdue_for"):
                continue
            people, template = _owners(action) + list(event.organizers), "action_overdue"
        elif 0 <= days <= REMIND_DAYS and action.reminded_soon_for != action.due_on:
            if not _take(action, "reminded_soon_for"):
                continue
            people, template = _owners(action), "action_due"
        else:
            continue
        for user in mailing.unique_recipients(people):
            queued += mailing.queue_meeting_mail(
                template, user, event, _subject(template, event), action=action,
                days=days,
            ) is not None
    return queued


def _subject(template: str, event: Event):
    """The subject, rendered in each recipient's language (the event's title too)."""
    if template == "action_overdue":
        return lambda: _("Overdue action: %(title)s", title=event.display_title)
    return lambda: _("Action due soon: %(title)s", title=event.display_title)

