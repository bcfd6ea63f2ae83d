"""A meeting's agenda: ordered items with bilingual titles, presenter, organization, duration.

`set_agenda` replaces the whole list in the order given (the page's drag-and-drop and its
"move up/down" buttons and the API's PUT all send the full list), keeping the identity of the
items sent with their `id`, so minutes that refer to an item keep referring to it.

Decision (an agenda change after publishing): attendees hear about it by mail, with the new
agenda, but no new invite and no SEQUENCE change. The sequence rule (events.lifecycle
CALENDAR_FIELDS, docs ICAL) raises SEQUENCE for what moves an entry in a calendar — time,
place, status, classification; an agenda moves nothing, and a raised SEQUENCE makes Outlook
and Apple ask every attendee to accept the meeting again. The invites sent later (a
confirmation, a time change) carry the agenda as it then is; the event page always shows it.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from extensions import db
from liaison.accounts.models import Organization
from liaison.core.errors import Conflict, NotAllowed, ValidationFailed
from liaison.core.types import utcnow
from liaison.events.lifecycle import can_manage
from liaison.events.models import Event
from liaison.meetings import mailing
from liaison.meetings.models import PRESENTER_MAX, TITLE_MAX, AgendaItem
from liaison.registration.models import ACTIVE_REGISTRATION_STATUSES, Registration

ITEMS_MAX = 50
DURATION_MAX = 1440


@dataclass
class AgendaItemInput:
    """One item as typed; `id` names an existing item of the same meeting to keep."""

    title: str
    title_zh: str | None = None
    presenter: str | None = None
    organization_id: int | None = None
    duration_minutes: int | None = None
    id: int | None = None

    @classmethod
    def from_item(cls, item: AgendaItem) -> AgendaItemInput:
        return cls(
            title=item.title, title_zh=item.title_zh, presenter=item.presenter,
            organization_id=item.organization_id, duration_minutes=item.duration_minutes,
            id=item.id,
        )


def agenda_of(event: Event) -> list[AgendaItem]:
    """The items in order, with their organizations (two queries)."""
    return list(
        db.session.scalars(
            select(AgendaItem)
            .where(AgendaItem.event_id == event.id)
            .options(selectinload(AgendaItem.organization))
            .order_by(AgendaItem.position, AgendaItem.id)
        )
    )


def _one_line(value: str | None, limit: int) -> tuple[str | None, bool]:
    text = " ".join((value or "").split())
    return (text or None), len(text) > limit


def _clean(items: Sequence[AgendaItemInput], known_ids: set[int]) -> list[dict]:
    """Every rule at once; ValidationFailed names each bad field as items.<n>.<field>."""
    errors: dict[str, str] = {}
    if len(items) > ITEMS_MAX:
        raise ValidationFailed(
            _("An agenda has at most %(n)d items.", n=ITEMS_MAX),
            fields={"items": _("An agenda has at most %(n)d items.", n=ITEMS_MAX)},
        )
    org_ids = {i.organization_id for i in items if isinstance(i.organization_id, int)}
    found = set(db.session.scalars(select(Organization.id).where(Organization.id.in_(org_ids))))
    clean, seen_ids = [], set()
    for n, item in enumerate(items):
        key = f"items.{n}."
        title, too_long = _one_line(item.title, TITLE_MAX)
        if not title:
            errors[key + "title"] = _("Give the item a title.")
        elif too_long:
            errors[key + "title"] = _("At most %(n)d characters.", n=TITLE_MAX)
        title_zh, too_long = _one_line(item.title_zh, TITLE_MAX)
        if too_long:
            errors[key + "title_zh"] = _("At most %(n)d characters.", n=TITLE_MAX)
        presenter, too_long = _one_line(item.presenter, PRESENTER_MAX)
        if too_long:
            errors[key + "presenter"] = _("At most %(n)d characters.", n=PRESENTER_MAX)
        if item.organization_id is not None and item.organization_id not in found:
            errors[key + "organization_id"] = _("Choose an organization from the list.")
        duration = item.duration_minutes
        if duration is not None and not (
            isinstance(duration, int) and 1 <= duration <= DURATION_MAX
        ):
            errors[key + "duration_minutes"] = _(
                "Give the duration in minutes, from 1 to %(n)d.", n=DURATION_MAX
            )
        if item.id is not None:
            if item.id not in known_ids or item.id in seen_ids:
                errors[key + "id"] = _("This item is not on this meeting's agenda.")
            seen_ids.add(item.id)
        clean.append(dict(
            id=item.id, title=title, title_zh=title_zh, presenter=presenter,
            organization_id=item.organization_id, duration_minutes=duration,
        ))
    if errors:
        raise ValidationFailed(_("Some fields need your attention."), fields=errors)
    return clean


def _snapshot(items: list[AgendaItem]) -> list[tuple]:
    return [(i.title, i.title_zh, i.presenter, i.organization_id, i.duration_minutes)
            for i in items]


def set_agenda(
    event: Event, items: Sequence[AgendaItemInput], *, by, notify: bool = True
) -> list[AgendaItem]:
    """Replace the agenda with `items`, in that order. Organizers only; not on a cancelled
    event. When a published meeting that has not ended gets a different agenda, its
    registrants are told by mail (`notify=False` skips that, e.g. for a typo)."""
    if not can_manage(event, by):
        raise NotAllowed(_("Only the organizers of this meeting can change its agenda."))
    if event.is_cancelled:
        raise Conflict(_("This event is cancelled and can no longer be changed."))
    current = agenda_of(event)
    before = _snapshot(current)
    by_id = {item.id: item for item in current}
    values = _clean(items, set(by_id))
    kept = {v["id"] for v in values if v["id"] is not None}
    for item in current:
        if item.id not in kept:
            db.session.delete(item)
    now = utcnow()
    result = []
    for position, value in enumerate(values):
        item = by_id.get(value.pop("id")) or AgendaItem(event_id=event.id, created_at=now)
        fields = dict(value, position=position)
        if any(getattr(item, k, None) != v for k, v in fields.items()):
            for name, v in fields.items():
                setattr(item, name, v)
            item.updated_at = now
        db.session.add(item)
        result.append(item)
    db.session.flush()
    if notify and _snapshot(result) != before and event.is_published and event.end_at > now:
        _tell_registrants(event, result)
    return result


def timed(event: Event, items: Sequence[AgendaItem]) -> list[tuple[AgendaItem, datetime | None]]:
    """Each item with its start in the event's zone, while every item before it has a
    duration (None from the first item without one)."""
    result, at = [], event.start_at.astimezone(event.zone)
    for item in items:
        result.append((item, at))
        at = at + timedelta(minutes=item.duration_minutes) if (
            at is not None and item.duration_minutes) else None
    return result


def summary_lines(event: Event, items: Sequence[AgendaItem]) -> list[str]:
    """The agenda as lines for invites and mail, in the current language: "09:30 Title —
    presenter, organization (30 min)", the times in the event's zone (see `timed`)."""
    lines = []
    for n, (item, at) in enumerate(timed(event, items), start=1):
        prefix = f"{at:%H:%M} " if at is not None else f"{n}. "
        who = ", ".join(p for p in (
            item.presenter, item.organization.display_name if item.organization else None) if p)
        line = prefix + item.display_title + (f" — {who}" if who else "")
        if item.duration_minutes:
            line += " " + _("(%(n)d min)", n=item.duration_minutes)
        lines.append(line)
    return lines


def _tell_registrants(event: Event, items: list[AgendaItem]) -> int:
    """The new agenda to everyone with an active registration; no invite (module docstring)."""
    registrations = db.session.scalars(
        select(Registration)
        .where(
            Registration.event_id == event.id,
            Registration.status.in_(ACTIVE_REGISTRATION_STATUSES),
        )
        .options(selectinload(Registration.user))
    ).all()
    sent = 0
    for user in mailing.unique_recipients(r.user for r in registrations):
        queued = mailing.queue_meeting_mail(
            "agenda_changed", user, event,
            lambda: _("Agenda updated: %(title)s", title=event.display_title),
            items=items, summary=lambda: summary_lines(event, items),
        )
        sent += queued is not None
    return sent
