"""Actions followed up: "Our actions" per organization (open, due soon, overdue, closed), the
open actions carried to the next meetings of a series, and closing an action (who, when).

Only live actions count (their minutes were circulated). Due dates are days in the meeting's
own zone; "due soon" is within SOON_DAYS from today, today included; "overdue" is past.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import Select, and_, case, func, select
from sqlalchemy.orm import joinedload

from extensions import db
from liaison.accounts import membership
from liaison.core.errors import NotAllowed, ValidationFailed
from liaison.core.types import utcnow
from liaison.events.models import Event, EventStatus
from liaison.meetings.access import may_update_action
from liaison.meetings.models import ActionItem, ActionStatus

SOON_DAYS = 7
FILTERS = ("open", "due_soon", "overdue", "closed")


def local_today(now: datetime | None = None, zone=None) -> date:
    """Today's date where it matters (the viewer's or the meeting's zone)."""
    now = now or utcnow()
    return now.astimezone(zone).date() if zone else now.date()


def descendant_ids(organization_id: int) -> list[int]:
    """The organization and every office below it (one recursive query)."""
    return list(db.session.scalars(membership.tree_ids(organization_id)))


def scope_for(user) -> list[int]:
    """Whose actions are "ours": a verified member's organization and the offices below it;
    nobody's for a pending or rejected member (they belong to no organization yet)."""
    if user is None or not getattr(user, "is_verified_member", False):
        return []
    return descendant_ids(user.organization_id)


def _with_details(stmt: Select) -> Select:
    """What a list of actions shows and checks, in a fixed number of queries."""
    return stmt.options(
        joinedload(ActionItem.event).selectinload(Event.organizers),
        joinedload(ActionItem.owner_organization),
        joinedload(ActionItem.owner_user),
        joinedload(ActionItem.closed_by),
    )


def for_organizations(org_ids: list[int], which: str, today: date) -> Select:
    """Live actions owned by these organizations: `which` is open, due_soon, overdue, closed
    (done and dropped; latest closed first) or all; soonest due first."""
    stmt = select(ActionItem).join(Event, ActionItem.event_id == Event.id).where(
        ActionItem.owner_organization_id.in_(org_ids), ActionItem.live.is_(True)
    )
    if which == "closed":
        stmt = stmt.where(ActionItem.status != ActionStatus.open).order_by(
            ActionItem.closed_at.desc(), ActionItem.id.desc())
    elif which == "all":
        stmt = stmt.order_by(ActionItem.due_on, ActionItem.id)
    else:
        stmt = stmt.where(ActionItem.status == ActionStatus.open)
        if which == "due_soon":
            stmt = stmt.where(ActionItem.due_on >= today,
                              ActionItem.due_on <= today + timedelta(days=SOON_DAYS))
        elif which == "overdue":
            stmt = stmt.where(ActionItem.due_on < today)
        stmt = stmt.order_by(ActionItem.due_on, ActionItem.id)
    return _with_details(stmt)


def counts_for(org_ids: list[int], today: date) -> dict[str, int]:
    """How many actions each tab of "Our actions" holds (one query)."""
    is_open = ActionItem.status == ActionStatus.open
    soon = and_(is_open, ActionItem.due_on >= today,
                ActionItem.due_on <= today + timedelta(days=SOON_DAYS))
    row = db.session.execute(
        select(
            func.count(case((is_open, 1))),
            func.count(case((soon, 1))),
            func.count(case((and_(is_open, ActionItem.due_on < today), 1))),
            func.count(case((~is_open, 1))),
        ).where(ActionItem.owner_organization_id.in_(org_ids), ActionItem.live.is_(True))
    ).one()
    return dict(zip(FILTERS, row, strict=True))


def carried_over(event: Event) -> list[ActionItem]:
    """Open actions of the earlier meetings of this event's series, until they are closed."""
    if event.series_id is None:
        return []
    return list(db.session.scalars(_with_details(
        select(ActionItem).join(Event, ActionItem.event_id == Event.id).where(
            Event.series_id == event.series_id,
            Event.start_at < event.start_at,
            Event.status != EventStatus.draft,
            ActionItem.live.is_(True),
            ActionItem.status == ActionStatus.open,
        ).order_by(ActionItem.due_on, ActionItem.id)
    )).unique())


def set_status(action: ActionItem, status: ActionStatus | str, *, by) -> ActionItem:
    """Change an action's status at any time (even in approved minutes). Closing (done or
    dropped) records who and when; opening again clears that."""
    if not may_update_action(action, by):
        raise NotAllowed(_("Only the owner organization, the meeting's organizers and "
                           "administrators can change this action."))
    try:
        status = ActionStatus(status)
    except ValueError:
        raise ValidationFailed(_("Choose open, done or dropped."),
                               fields={"status": _("Choose open, done or dropped.")}) from None
    if status == action.status:
        return action
    action.status = status
    now = utcnow()
    action.updated_at = now
    if status == ActionStatus.open:
        action.closed_at, action.closed_by_id = None, None
    else:
        action.closed_at, action.closed_by_id = now, by.id
    db.session.flush()
    return action
