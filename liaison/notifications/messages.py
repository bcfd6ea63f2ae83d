"""Messages to attendees: an event's organizers mail everyone of the registration statuses
they choose (subject and body as they wrote them, inside each recipient's own language's
layout, through the outbox in the same transaction), and the message is kept on the event."""
from __future__ import annotations

from collections.abc import Iterable

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from extensions import db
from liaison.accounts.models import User
from liaison.core.errors import NotAllowed, ValidationFailed
from liaison.events.models import Event
from liaison.notifications import notices
from liaison.notifications.models import EventMessage
from liaison.registration.models import Registration, RegistrationStatus

SUBJECT_MAX = 200
BODY_MAX = 10_000


def _clean(subject: str, body: str, statuses: Iterable[str]) -> tuple[str, str, list]:
    fields: dict[str, str] = {}
    subject = " ".join((subject or "").split())  # one line: no header injection
    body = (body or "").strip().replace("\r\n", "\n")
    if not subject:
        fields["subject"] = _("Give the message a subject.")
    elif len(subject) > SUBJECT_MAX:
        fields["subject"] = _("Use at most %(n)d characters.", n=SUBJECT_MAX)
    if not body:
        fields["body"] = _("Write the message.")
    elif len(body) > BODY_MAX:
        fields["body"] = _("Use at most %(n)d characters.", n=BODY_MAX)
    chosen = []
    for value in statuses or ():
        try:
            chosen.append(RegistrationStatus(value))
        except ValueError:
            fields["statuses"] = _("Unknown status: %(status)s.", status=str(value)[:40])
    if not chosen and "statuses" not in fields:
        fields["statuses"] = _("Choose whom to write to: at least one status.")
    if "\x00" in subject + body:
        fields.setdefault("body", _("Remove the NUL characters from this text."))
    if fields:
        raise ValidationFailed(_("Some fields need your attention."), fields=fields)
    return subject, body, chosen


def recipients(event: Event, statuses: Iterable[RegistrationStatus]) -> list[Registration]:
    """The registrations of those statuses whose people can receive mail, in queue order."""
    return list(db.session.scalars(
        select(Registration)
        .join(User, User.id == Registration.user_id)
        .where(Registration.event_id == event.id, Registration.status.in_(list(statuses)),
               User.active.is_(True))
        .options(selectinload(Registration.user))
        .order_by(Registration.created_at, Registration.id)
    ))


def send_message(event: Event, *, by: User, subject: str, body: str,
                 statuses: Iterable[str]) -> EventMessage:
    """Only the event's organizers; one mail per registrant of the chosen statuses. A message
    with nobody to receive it is refused, so nothing is recorded as sent that was not."""
    if not event.is_organized_by(by):
        raise NotAllowed(_("Only the organizers of this event can write to its registrants."))
    subject, body, chosen = _clean(subject, body, statuses)
    people = recipients(event, chosen)
    if not people:
        message = _("Nobody registered for this event has the chosen statuses.")
        raise ValidationFailed(message, code="no_recipients", fields={"statuses": message})
    record = EventMessage(event=event, sent_by=by, subject=subject, body=body,
                          recipients=len(people))
    record.statuses = chosen
    db.session.add(record)
    for registration in people:
        notices.queue_notice("event_message", registration.user, event,
                             registration=registration, message=record)
    db.session.flush()
    return record


def messages_of(event: Event):
    """The event's messages, newest first (a query to paginate)."""
    return (select(EventMessage).where(EventMessage.event_id == event.id)
            .options(selectinload(EventMessage.sent_by))
            .order_by(EventMessage.id.desc()))
