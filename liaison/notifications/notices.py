"""What people are told when something changes. Domain code calls these inside the same
transaction as the change; they queue mail in the outbox (liaison.outbox), never send, never
commit. Each mail is rendered in the recipient's language and time zone, whoever caused it.

Invites (liaison.ical.build_invite): a confirmed place gets a REQUEST, an event change an
updated REQUEST (same UID, current SEQUENCE), and losing a confirmed place or the event a
CANCEL. ORGANIZER is MAIL_DEFAULT_SENDER, which must therefore receive the attendees' replies.
"""
from __future__ import annotations

from collections.abc import Mapping

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, inspect, select
from sqlalchemy.orm import selectinload

from extensions import db
from liaison.accounts.models import User, locale_for
from liaison.events import classification
from liaison.events.direction import direction
from liaison.events.models import Event, EventStatus
from liaison.mail import mime, outbox
from liaison.mail.models import OutboxMessage
from liaison.meetings import agenda
from liaison.notifications.changes import (
    CHANGE_LABELS,
    describe_changes,
    format_when,
)
from liaison.registration import checkin
from liaison.registration.models import (
    ACTIVE_REGISTRATION_STATUSES,
    Registration,
    RegistrationStatus,
)

# What happened to a registration; each has its own message.
REGISTRATION_NEWS = (
    "received",  # pending: awaiting approval
    "confirmed",
    "waitlisted",
    "promoted",  # waitlisted -> confirmed because a seat freed
    "approved",  # pending -> confirmed (or waitlisted when full: then "waitlisted")
    "declined",
    "cancelled",
    "excluded",  # cancelled because the audience no longer admits them (registration.audience)
    "nominated",  # a focal point registered them (confirmed, waitlisted or pending)
    "forwarded",  # the organization's focal point approved: now it waits for the organizers
    "replaced",  # their place passed to a colleague (substitution): cancelled
    "substituted",  # they took a colleague's place, with its status and queue position
)
_REQUEST_NEWS = {"confirmed", "promoted", "approved", "nominated", "substituted"}



def _subject(kind: str, title: str, message=None) -> str:
    if kind == "event_message":  # the organizer's own subject, after the event's title
        return _("%(title)s: %(subject)s", title=title, subject=message.display_subject)
    subjects = {
        "registration_received": _("Registration received: %(title)s", title=title),
        "registration_confirmed": _("Confirmed: %(title)s", title=title),
        "registration_waitlisted": _("On the waiting list: %(title)s", title=title),
        "registration_promoted": _("A seat is free, you are confirmed: %(title)s", title=title),
        "registration_approved": _("Registration approved: %(title)s", title=title),
        "registration_declined": _("Registration declined: %(title)s", title=title),
        "registration_cancelled": _("Registration cancelled: %(title)s", title=title),
        "registration_excluded": _("No longer in the audience, registration cancelled: %(title)s",
                                   title=title),
        "registration_nominated": _("You are nominated: %(title)s", title=title),
        "registration_forwarded": _("Approved by your organization, now with the organizers: "
                                    "%(title)s", title=title),
        "registration_replaced": _("Your place passed to a colleague: %(title)s", title=title),
        "registration_substituted": _("You take a colleague's place: %(title)s", title=title),
        "event_changed": _("Changed: %(title)s", title=title),
        "event_cancelled": _("Cancelled: %(title)s", title=title),
        "reminder": _("Reminder: %(title)s", title=title),
    }
    return subjects[kind]




def _invite(
    event: Event,
    user: User,
    name: str,
    method: str,
    registration: Registration | None,
    last_invites: Mapping[int, str] | None,
    agenda_items: list | None = None,
) -> bytes:
    """One attendee's iTIP message; ORGANIZER is the From address (MAIL_DEFAULT_SENDER). Its
    DESCRIPTION summarizes the agenda (liaison.meetings), in the recipient's language;
    `agenda_items` when the caller looked them up once for many invites."""
    from liaison.calendar import ical

    if agenda_items is None:
        agenda_items = agenda.agenda_of(event)
    organizer = mime.sender_address(current_app.config)
    return ical.build_invite(
        event,
        user.email,
        name,
        method=method,
        base_url=current_app.config["BASE_URL"],
        organizer_email=organizer.addr_spec,
        organizer_name=organizer.display_name or None,
        sequence=_invite_sequence(event, registration, method, last_invites),
        agenda=agenda.summary_lines(event, agenda_items),
    )


def _last_invite_methods(registration_ids: list[int]) -> dict[int, str]:
    """Registration id -> METHOD of the last invite queued for it (none: absent), one query
    for all of them."""
    if not registration_ids:
        return {}
    last = (
        select(func.max(OutboxMessage.id))
        .where(
            OutboxMessage.registration_id.in_(registration_ids),
            OutboxMessage.ical_method.is_not(None),
        )
        .group_by(OutboxMessage.registration_id)
    )
    rows = db.session.execute(
        select(OutboxMessage.registration_id, OutboxMessage.ical_method).where(
            OutboxMessage.id.in_(last)
        )
    )
    return dict(rows.tuples().all())


def _last_invite_method(
    registration: Registration, known: Mapping[int, str] | None = None
) -> str | None:
    """The METHOD of the last invite queued for `registration`; from `known` (see
    `_last_invite_methods`) when the caller looked them all up at once."""
    if registration.id is None:
        return None
    if known is None:
        known = _last_invite_methods([registration.id])
    return known.get(registration.id)


def _invite_sequence(
    event: Event,
    registration: Registration | None,
    method: str,
    last_invites: Mapping[int, str] | None = None,
) -> int | None:
    """The SEQUENCE one attendee gets: the event's plus their registration's offset (None
    without a registration: `ical.build_invite` then applies its own rule).

    Calendar programs ignore an invite whose SEQUENCE is not above the last one they applied.
    When only this person's place goes (cancelled, declined, moved back) the event's sequence
    does not move, so the offset rises for the CANCEL; when the place comes back after any
    CANCEL it rises again for the REQUEST. When the whole event goes (cancelled, unpublished)
    the event's own sequence has already risen.
    """
    if registration is None:
        return None
    event_removed = event.status != EventStatus.published
    if method == "CANCEL" and not event_removed:
        registration.invite_offset += 1
    elif method == "REQUEST" and _last_invite_method(registration, last_invites) == "CANCEL":
        registration.invite_offset += 1
    return event.sequence + registration.invite_offset


def queue_notice(
    kind: str,
    user: User,
    event: Event,
    *,
    registration: Registration | None = None,
    method: str | None = None,
    last_invites: Mapping[int, str] | None = None,
    agenda_items: list | None = None,
    **context,
) -> OutboxMessage | None:
    """Render one message for one person in their language and zone, and queue it.
    `last_invites`: see `_last_invite_methods`, for callers that queue to many at once."""
    if not user.active:
        return None
    base_url = current_app.config["BASE_URL"]
    confirmed = registration is not None and registration.status == RegistrationStatus.confirmed
    if not event.admits(user):
        # Rule 1 checked again as we write: no invite and no meeting link for someone the
        # audience no longer admits, whatever state their registration was left in.
        confirmed = False
        if method == "REQUEST":
            method = None
    # A place just confirmed: the check-in QR code inline (its token, never the id) and the
    # printable ticket.
    ticket = confirmed and kind.startswith("registration_") and kind[13:] in _REQUEST_NEWS
    with force_locale(locale_for(user)):
        recipient_name = mime.clean_header(user.name)  # the Chinese name in Chinese mail
        values = dict(
            kind=kind,
            recipient=user,
            recipient_name=recipient_name,
            event=event,
            registration=registration,
            show_online=confirmed and bool(event.online_url),
            starts=format_when(event.start_at, user.timezone),
            ends=format_when(event.end_at, user.timezone),
            event_zone_starts=format_when(event.start_at, event.timezone),
            same_zone=user.timezone == event.timezone,
            direction=direction(event),
            kind_label=event.kind.label,
            link=f"{base_url}/events/{event.id}",
            invite=method,
            checkin_qr_cid=mime.QR_CID if ticket else None,
            ticket_link=f"{base_url}/registrations/{registration.id}/ticket" if ticket else None,
            **context,
        )
        subject = classification.mail_subject(
            event, _subject(kind, event.display_title, context.get("message"))
        )
        text = render_template(f"email/{kind}.txt", subject=subject, **values)
        html = render_template(f"email/{kind}.html", subject=subject, **values)
        # The invite's description (direction, host, links) in the recipient's language too.
        ical = (
            _invite(event, user, recipient_name, method, registration, last_invites,
                    agenda_items)
            if method
            else None
        )
    return outbox.queue(
        kind=kind,
        recipient=user.email,
        recipient_name=recipient_name,
        subject=subject,
        body_text=text,
        body_html=html,
        ical=ical,
        ical_method=method,
        user_id=user.id,
        event_id=event.id,
        registration_id=registration.id if registration is not None else None,
        inline_qr=checkin.qr_text(registration) if ticket else None,
    )


def _held_confirmed_place(registration: Registration) -> bool:
    """Whether the person has our invite in their calendar: the registration was confirmed in
    this transaction, or the last invite we queued for it was a REQUEST."""
    history = inspect(registration).attrs.status.history
    if RegistrationStatus.confirmed in (history.deleted or ()):
        return True
    return _last_invite_method(registration) == "REQUEST"


def registration_changed(registration: Registration, news: str) -> None:
    """Tell the registrant what happened to their place (`news` from REGISTRATION_NEWS)."""
    if news not in REGISTRATION_NEWS:
        raise ValueError(f"unknown registration news {news!r}")
    method = None
    if news in _REQUEST_NEWS and registration.status == RegistrationStatus.confirmed:
        method = "REQUEST"
    elif registration.status != RegistrationStatus.confirmed and _held_confirmed_place(
        registration
    ):
        method = "CANCEL"  # cancelled, declined, or moved back: take it out of the calendar
    queue_notice(
        f"registration_{news}",
        registration.user,
        registration.event,
        registration=registration,
        method=method,
    )


def _active_registrations(event: Event) -> list[Registration]:
    return list(
        db.session.scalars(
            select(Registration)
            .where(
                Registration.event_id == event.id,
                Registration.status.in_(ACTIVE_REGISTRATION_STATUSES),
            )
            .options(selectinload(Registration.user).selectinload(User.organization))
            .order_by(Registration.id)
        )
    )


def has_active_registrations(event: Event) -> bool:
    """Whether anyone is still registered (an event published for the first time has nobody)."""
    return db.session.scalar(
        select(Registration.id)
        .where(
            Registration.event_id == event.id,
            Registration.status.in_(ACTIVE_REGISTRATION_STATUSES),
        )
        .limit(1)
    ) is not None


def event_changed(event: Event, changes: dict[str, tuple[object, object]]) -> None:
    """Tell every active registrant what changed (field -> (old, new)), with an updated invite."""
    if not set(changes) & set(CHANGE_LABELS):
        return
    # Back to draft takes the event out of confirmed attendees' calendars; publishing again
    # puts it back (with a higher SEQUENCE, see _invite_sequence).
    withdrawn = event.status == EventStatus.draft
    active = _active_registrations(event)
    # One look-up for everyone, not one per REQUEST (each message below is for another person).
    last_invites = _last_invite_methods([r.id for r in active])
    agenda_items = agenda.agenda_of(event) if active else []
    for registration in active:
        confirmed = registration.status == RegistrationStatus.confirmed
        user = registration.user
        if not event.admits(user):
            continue  # no longer in the audience: not a registrant to tell (rule 1, now)
        with force_locale(locale_for(user)):
            lines = describe_changes(changes, user, confirmed=confirmed)
        if not lines:
            continue
        method = None
        if confirmed:
            method = "CANCEL" if withdrawn else "REQUEST"
        queue_notice(
            "event_changed",
            user,
            event,
            registration=registration,
            method=method,
            last_invites=last_invites,
            agenda_items=agenda_items,
            changes=lines,
        )


def event_cancelled(event: Event) -> None:
    """Tell every active registrant the event is cancelled, with a CANCEL invite."""
    active = _active_registrations(event)
    agenda_items = agenda.agenda_of(event) if active else []
    for registration in active:
        confirmed = registration.status == RegistrationStatus.confirmed
        queue_notice(
            "event_cancelled",
            registration.user,
            event,
            registration=registration,
            method="CANCEL" if confirmed else None,
            agenda_items=agenda_items,
        )
