"""Minutes: notes per agenda item with outcomes (information, decision, action), in versions.

A version goes draft -> circulated -> approved. Only a draft is written (`save`, the API's
PUT); writing a circulated or approved version is a Conflict (409). `circulate` mails the
attendees, the organizers of both sides and the people who own an action, listing the
decisions and actions, and makes its actions live (followed up: "Our actions", reminders,
carried to the next meeting). `approve` locks it. `reopen` starts the next version as a
draft copy; earlier versions stay readable as they were (the history).

An action keeps one identity across versions (its ActionItem, named by `action_id` in the
input): a new version may change its text, owner or due date; its status is changed on the
action itself, at any time. An action that was circulated cannot vanish from later versions:
mark it dropped instead.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from extensions import db
from liaison.accounts import membership
from liaison.accounts.models import Organization, User
from liaison.core.errors import Conflict, NotAllowed, ValidationFailed
from liaison.core.types import utcnow
from liaison.events.lifecycle import can_manage
from liaison.events.models import Event
from liaison.meetings import mailing
from liaison.meetings.agenda import agenda_of
from liaison.meetings.models import (
    NOTES_MAX,
    TEXT_MAX,
    TITLE_MAX,
    ActionItem,
    ActionStatus,
    Minutes,
    MinutesItem,
    MinutesStatus,
    Outcome,
    OutcomeKind,
)
from liaison.registration.models import Registration, RegistrationStatus

ITEMS_MAX = 60
OUTCOMES_MAX = 40


@dataclass
class OutcomeInput:
    kind: OutcomeKind | str
    text: str
    text_zh: str | None = None
    owner_organization_id: int | None = None
    owner_user_id: int | None = None
    due_on: date | None = None
    action_id: int | None = None


@dataclass
class MinutesItemInput:
    """Notes on an agenda item (`agenda_item_id`), or on a point of its own (`title`)."""

    agenda_item_id: int | None = None
    title: str | None = None
    title_zh: str | None = None
    notes: str = ""
    outcomes: list[OutcomeInput] = field(default_factory=list)


def versions(event: Event) -> list[Minutes]:
    """Every version, oldest first."""
    return list(db.session.scalars(
        select(Minutes).where(Minutes.event_id == event.id).order_by(Minutes.version)
    ))


def current(event: Event) -> Minutes | None:
    """The newest version (a draft, circulated or approved), or None before any is written."""
    return db.session.scalar(
        select(Minutes).where(Minutes.event_id == event.id).order_by(Minutes.version.desc())
        .limit(1)
    )


def with_content(minutes_id: int) -> Minutes | None:
    """One version with its items, outcomes, owners and actions (a fixed number of queries)."""
    return db.session.scalar(
        select(Minutes).where(Minutes.id == minutes_id).options(
            selectinload(Minutes.items).selectinload(MinutesItem.outcomes).options(
                selectinload(Outcome.owner_organization),
                selectinload(Outcome.owner_user),
                selectinload(Outcome.action),
            )
        )
    )


def inputs_for(event: Event, minutes: Minutes | None) -> list[MinutesItemInput]:
    """What an editor starts from: the version's items, then an empty one for each agenda
    item it does not cover yet."""
    items = []
    covered = set()
    for item in (minutes.items if minutes else []):
        covered.add(item.agenda_item_id)
        items.append(MinutesItemInput(
            agenda_item_id=item.agenda_item_id, title=item.title, title_zh=item.title_zh,
            notes=item.notes,
            outcomes=[OutcomeInput(
                kind=o.kind, text=o.text, text_zh=o.text_zh,
                owner_organization_id=o.owner_organization_id, owner_user_id=o.owner_user_id,
                due_on=o.due_on, action_id=o.action_id,
            ) for o in item.outcomes],
        ))
    for agenda_item in agenda_of(event):
        if agenda_item.id not in covered:
            items.append(MinutesItemInput(agenda_item_id=agenda_item.id,
                                          title=agenda_item.title, title_zh=agenda_item.title_zh))
    return items


def _require_manage(event: Event, by) -> None:
    if not can_manage(event, by):
        raise NotAllowed(_("Only the organizers of this meeting can do this to its minutes."))
    if event.is_cancelled:
        raise Conflict(_("This event is cancelled and can no longer be changed."))


def _text(value: str | None, limit: int, multiline: bool = False) -> tuple[str | None, bool]:
    if multiline:
        text = (value or "").replace("\r\n", "\n").strip()
    else:
        text = " ".join((value or "").split())
    return (text or None), len(text) > limit


def _in_organization(user: User, organization_id: int) -> bool:
    """The user belongs to the organization or to one of its offices below it."""
    return user.organization_id in set(db.session.scalars(membership.tree_ids(organization_id)))


def _clean_outcome(o: OutcomeInput, key: str, errors: dict, event: Event, actions: dict) -> dict:
    try:
        kind = OutcomeKind(o.kind)
    except ValueError:
        errors[key + "kind"] = _("Choose information, decision or action.")
        kind = None
    text, too_long = _text(o.text, TEXT_MAX, multiline=True)
    if not text:
        errors[key + "text"] = _("Write what was said, decided or agreed.")
    elif too_long:
        errors[key + "text"] = _("At most %(n)d characters.", n=TEXT_MAX)
    text_zh, too_long = _text(o.text_zh, TEXT_MAX, multiline=True)
    if too_long:
        errors[key + "text_zh"] = _("At most %(n)d characters.", n=TEXT_MAX)
    value = dict(kind=kind, text=text, text_zh=text_zh, owner_organization_id=None,
                 owner_user_id=None, due_on=None, action_id=None)
    if kind != OutcomeKind.action:
        if o.action_id is not None:
            errors[key + "kind"] = _("An action stays an action: mark it dropped instead.")
        return value
    owner = db.session.get(Organization, o.owner_organization_id) if isinstance(
        o.owner_organization_id, int) else None
    if owner is None:
        errors[key + "owner_organization_id"] = _("Choose the organization that owns the action.")
    person = None
    if o.owner_user_id is not None:
        person = db.session.get(User, o.owner_user_id) if isinstance(o.owner_user_id, int) else None
        if person is None or not person.active:
            errors[key + "owner_user_id"] = _("Choose a person from the list.")
        elif owner is not None and not _in_organization(person, owner.id):
            errors[key + "owner_user_id"] = _(
                "The person must belong to the owner organization or one of its offices.")
    if not isinstance(o.due_on, date):
        errors[key + "due_on"] = _("Give the due date (YYYY-MM-DD).")
    if o.action_id is not None:
        if o.action_id not in actions:
            errors[key + "action_id"] = _("This action is not one of this meeting's.")
    value.update(owner_organization_id=o.owner_organization_id, owner_user_id=o.owner_user_id,
                 due_on=o.due_on if isinstance(o.due_on, date) else None, action_id=o.action_id)
    return value


def _clean(event: Event, items: Sequence[MinutesItemInput], actions: dict) -> list[dict]:
    """Every rule at once; fields named items.<n>.<field> and items.<n>.outcomes.<m>.<field>."""
    errors: dict[str, str] = {}
    if len(items) > ITEMS_MAX:
        raise ValidationFailed(_("At most %(n)d items.", n=ITEMS_MAX),
                               fields={"items": _("At most %(n)d items.", n=ITEMS_MAX)})
    agenda = {item.id: item for item in agenda_of(event)}
    clean, used_actions = [], set()
    for n, item in enumerate(items):
        key = f"items.{n}."
        title, too_long = _text(item.title, TITLE_MAX)
        title_zh, too_long_zh = _text(item.title_zh, TITLE_MAX)
        if item.agenda_item_id is not None:
            source = agenda.get(item.agenda_item_id)
            if source is None:
                errors[key + "agenda_item_id"] = _("This item is not on this meeting's agenda.")
            else:
                title, too_long = title or source.title, False
                title_zh = title_zh or source.title_zh
        if not title:
            errors[key + "title"] = _("Give the item a title.")
        elif too_long:
            errors[key + "title"] = _("At most %(n)d characters.", n=TITLE_MAX)
        if too_long_zh:
            errors[key + "title_zh"] = _("At most %(n)d characters.", n=TITLE_MAX)
        notes, too_long = _text(item.notes, NOTES_MAX, multiline=True)
        if too_long:
            errors[key + "notes"] = _("At most %(n)d characters.", n=NOTES_MAX)
        if len(item.outcomes) > OUTCOMES_MAX:
            errors[key + "outcomes"] = _("At most %(n)d outcomes per item.", n=OUTCOMES_MAX)
        outcomes = []
        for m, outcome in enumerate(item.outcomes[:OUTCOMES_MAX]):
            okey = f"{key}outcomes.{m}."
            value = _clean_outcome(outcome, okey, errors, event, actions)
            if value["action_id"] is not None:
                if value["action_id"] in used_actions:
                    errors[okey + "action_id"] = _("This action is already recorded above.")
                used_actions.add(value["action_id"])
            outcomes.append(value)
        clean.append(dict(agenda_item_id=item.agenda_item_id, title=title, title_zh=title_zh,
                          notes=notes or "", outcomes=outcomes))
    for action in actions.values():
        if action.live and action.id not in used_actions:
            errors[f"actions.{action.id}"] = _(
                "The action “%(text)s” was circulated, so it stays in the minutes: mark it "
                "dropped instead of removing it.", text=action.text[:80])
    if errors:
        raise ValidationFailed(_("Some fields need your attention."), fields=errors)
    return clean


def _actions_of(event: Event) -> dict[int, ActionItem]:
    return {a.id: a for a in db.session.scalars(
        select(ActionItem).where(ActionItem.event_id == event.id))}


def save(event: Event, items: Sequence[MinutesItemInput], *, by) -> Minutes:
    """Write the draft (the first version when there is none). Circulated or approved minutes
    are not written: 409, reopen them first."""
    _require_manage(event, by)
    latest = current(event)
    if latest is not None and latest.status == MinutesStatus.approved:
        raise Conflict(_("These minutes are approved and locked. Reopen them to start a new "
                         "version."))
    if latest is not None and latest.status == MinutesStatus.circulated:
        raise Conflict(_("These minutes were circulated as they are. Approve them, or reopen "
                         "them to start a new version."))
    actions = _actions_of(event)
    values = _clean(event, items, actions)
    now = utcnow()
    if latest is None:
        latest = Minutes(event_id=event.id, version=1, status=MinutesStatus.draft,
                         created_by_id=by.id, created_at=now)
        db.session.add(latest)
    latest.items = []
    db.session.flush()
    used = set()
    for position, value in enumerate(values):
        outcomes = value.pop("outcomes")
        item = MinutesItem(position=position, **value)
        for n, o in enumerate(outcomes):
            action = None
            if o["kind"] == OutcomeKind.action:
                action = actions.get(o["action_id"]) or ActionItem(
                    event_id=event.id, status=ActionStatus.open, created_at=now)
                for name in ("text", "text_zh", "owner_organization_id", "owner_user_id",
                             "due_on"):
                    setattr(action, name, o[name])
                action.updated_at = now
                db.session.add(action)
                db.session.flush()
                used.add(action.id)
            item.outcomes.append(Outcome(
                position=n, kind=o["kind"], text=o["text"], text_zh=o["text_zh"],
                action=action, owner_organization_id=o["owner_organization_id"],
                owner_user_id=o["owner_user_id"], due_on=o["due_on"]))
        latest.items.append(item)
    for action in actions.values():
        if action.id not in used and not action.live:
            db.session.delete(action)  # written in this draft only, and taken out again
    latest.updated_at = now
    db.session.flush()
    return latest


def _actions_in(minutes: Minutes) -> list[ActionItem]:
    return [o.action for item in minutes.items for o in item.outcomes if o.action is not None]


def circulate(event: Event, *, by) -> Minutes:
    """The draft goes to the attendees, the organizers and the actions' owners, by mail."""
    _require_manage(event, by)
    latest = current(event)
    if latest is None or not latest.items:
        raise ValidationFailed(_("Write the minutes before circulating them."),
                               fields={"items": _("Write the minutes first.")})
    if latest.status != MinutesStatus.draft:
        raise Conflict(_("Only a draft can be circulated; these minutes are %(status)s.",
                         status=latest.status.label))
    latest.status = MinutesStatus.circulated
    latest.circulated_at, latest.circulated_by_id = utcnow(), by.id
    for action in _actions_in(latest):
        action.live = True
    db.session.flush()
    _send(event, latest)
    return latest


def approve(event: Event, *, by) -> Minutes:
    """Circulated minutes become the approved record, locked."""
    _require_manage(event, by)
    latest = current(event)
    if latest is None or latest.status != MinutesStatus.circulated:
        raise Conflict(_("Only circulated minutes can be approved: circulate the draft first."))
    latest.status = MinutesStatus.approved
    latest.approved_at, latest.approved_by_id = utcnow(), by.id
    db.session.flush()
    return latest


def reopen(event: Event, *, by) -> Minutes:
    """The next version, as a draft copy of the newest; that one stays as it was."""
    _require_manage(event, by)
    latest = current(event)
    if latest is None or latest.status == MinutesStatus.draft:
        raise Conflict(_("Only circulated or approved minutes can be reopened."))
    draft = Minutes(event_id=event.id, version=latest.version + 1, status=MinutesStatus.draft,
                    created_by_id=by.id)
    for item in latest.items:
        copy = MinutesItem(position=item.position, agenda_item_id=item.agenda_item_id,
                           title=item.title, title_zh=item.title_zh, notes=item.notes)
        for o in item.outcomes:
            copy.outcomes.append(Outcome(
                position=o.position, kind=o.kind, text=o.text, text_zh=o.text_zh,
                action_id=o.action_id, owner_organization_id=o.owner_organization_id,
                owner_user_id=o.owner_user_id, due_on=o.due_on))
        draft.items.append(copy)
    db.session.add(draft)
    db.session.flush()
    return draft


def recipients(event: Event, minutes: Minutes) -> list[User]:
    """Attendees (confirmed; once attendance is closed, those who took part), the organizers
    of both sides and the people who own one of the actions."""
    attendees = db.session.scalars(
        select(Registration).where(
            Registration.event_id == event.id,
            Registration.status == RegistrationStatus.confirmed,
        ).options(selectinload(Registration.user))
    ).all()
    people = [r.user for r in attendees if not event.attendance_closed or r.took_part]
    people += list(event.organizers)
    people += [a.owner_user for a in _actions_in(minutes) if a.owner_user is not None]
    return mailing.unique_recipients(people)


def _send(event: Event, minutes: Minutes) -> int:
    sent = 0
    for user in recipients(event, minutes):
        queued = mailing.queue_meeting_mail(
            "minutes_circulated", user, event,
            lambda: _("Minutes for review: %(title)s", title=event.display_title),
            minutes=minutes,
        )
        sent += queued is not None
    return sent


def count_by_status(event_ids: list[int]) -> dict[int, MinutesStatus]:
    """Event id -> status of its newest minutes (one query), for lists."""
    if not event_ids:
        return {}
    newest = (
        select(Minutes.event_id, func.max(Minutes.version).label("v"))
        .where(Minutes.event_id.in_(event_ids)).group_by(Minutes.event_id).subquery()
    )
    rows = db.session.execute(
        select(Minutes.event_id, Minutes.status).join(
            newest, (Minutes.event_id == newest.c.event_id) & (Minutes.version == newest.c.v))
    )
    return dict(rows.tuples().all())
