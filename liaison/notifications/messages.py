"""Messages to attendees: an event's organizers mail everyone of the registration statuses
they choose (subject and body as they wrote them, in English and optionally in Chinese, each
recipient getting their language's text inside their language's layout, through the outbox in
the same transaction), and the message is kept on the event."""
from __future__ import annotations

from collections.abc import Iterable

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from extensions import db
from liaison.accounts.models import User
from liaison.core.errors import NotAllowed, ValidationFailed
from liaison.events import lifecycle
from liaison.events.models import Event
from liaison.notifications import notices
from liaison.notifications.models import EventMessage
from liaison.registration.models import Registration, RegistrationStatus

SUBJECT_MAX = 200
BODY_MAX = 10_000


def _one_line(text: str | None) -> str:
    return " ".join((text or "").split())  # a subject is one line: no header injection


def _text(text: str | None) -> str:
    return (text or "").strip().replace("\r\n", "\n")


def _clean(subject, body, statuses, subject_zh, body_zh) -> dict:
    fields: dict[str, str] = {}
    values = {"subject": _one_line(subject), "body": _text(body),
              "subject_zh": _one_line(subject_zh) or None, "body_zh": _text(body_zh) or None}
    if not values["subject"]:
        fields["subject"] = _("Give the message a subject.")
    if not values["body"]:
        fields["body"] = _("Write the message.")
    for name, most in (("subject", SUBJECT_MAX), ("subject_zh", SUBJECT_MAX),
                       ("body", BODY_MAX), ("body_zh", BODY_MAX)):
        if len(values[name] or "") > most:
            fields[name] = _("Use at most %(n)d characters.", n=most)
        elif "\x00" in (values[name] or ""):
            fields[name] = _("Remove the NUL characters from this text.")
    if bool(values["subject_zh"]) != bool(values["body_zh"]):
        missing = "body_zh" if values["subject_zh"] else "subject_zh"
        fields.setdefault(missing, _("Give the Chinese subject and message together, or leave "
                                     "both empty."))
    chosen = []
    for value in statuses or ():
        try:
            chosen.append(RegistrationStatus(value))
        except ValueError:
            fields["statuses"] = _("Unknown status: %(status)s.", status=str(value)[:40])
    if not chosen and "statuses" not in fields:
        fields["statuses"] = _("Choose whom to write to: at least one status.")
    if fields:
        raise ValidationFailed(_("Some fields need your attention."), fields=fields)
    values["statuses"] = chosen
    return values


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


def send_message(event: Event, *, by: User, subject: str, body: str, statuses: Iterable[str],
                 subject_zh: str | None = None, body_zh: str | None = None) -> EventMessage:
    """Only the event's organizers; one mail per registrant of the chosen statuses, in the
    Chinese text for those who read Chinese when one is given. A message with nobody to
    receive it is refused, so nothing is recorded as sent that was not."""
    if not lifecycle.can_manage(event, by):
        raise NotAllowed(_("Only the organizers of this event can write to its registrants."))
    values = _clean(subject, body, statuses, subject_zh, body_zh)
    chosen = values.pop("statuses")
    people = recipients(event, chosen)
    if not people:
        message = _("Nobody registered for this event has the chosen statuses.")
        raise ValidationFailed(message, code="no_recipients", fields={"statuses": message})
    record = EventMessage(event=event, sent_by=by, recipients=len(people), **values)
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
