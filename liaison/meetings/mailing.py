"""Meeting mail (agenda changes, circulated minutes, action reminders): rendered in each
recipient's language and zone, queued in the outbox in the caller's transaction.

`liaison.notifications` renders the registrants' mail the same way, but it sits above this
package, so the few lines that frame a message live here too. Subjects go through
`classification.mail_subject` ("[Restricted]" first). No invite is attached: nothing here
moves a calendar entry.
"""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import current_app, render_template
from flask_babel import force_locale, format_date, format_time

from liaison.accounts.models import User, locale_for
from liaison.events import classification
from liaison.events.direction import direction
from liaison.events.models import Event
from liaison.mail import mime, outbox
from liaison.mail.models import OutboxMessage


def format_when(value: datetime, zone: str) -> str:
    """"Monday, May 4, 2026 2:00 PM (Asia/Shanghai, UTC+08:00)" in the current locale."""
    local = value.astimezone(ZoneInfo(zone))
    offset = local.strftime("%z")
    return "{} {} ({}, UTC{}:{})".format(
        format_date(local, "full", rebase=False),
        format_time(local, "short", rebase=False),
        zone.replace("_", " "),
        offset[:3],
        offset[3:],
    )


def unique_recipients(users) -> list[User]:
    """Active accounts, each once, in a stable order."""
    seen: dict[int, User] = {}
    for user in users:
        if user is not None and user.active and user.id not in seen:
            seen[user.id] = user
    return sorted(seen.values(), key=lambda u: u.id)


def queue_meeting_mail(
    template: str, user: User, event: Event, subject, **context
) -> OutboxMessage | None:
    """One message to one person: `email/<template>.txt|.html` (framed by email/_layout),
    `subject()` called in their language."""
    if not user.active:
        return None
    base_url = current_app.config["BASE_URL"]
    with force_locale(locale_for(user)):
        name = mime.clean_header(user.name)
        values = dict(
            recipient=user,
            recipient_name=name,
            event=event,
            invite=None,
            show_online=False,
            starts=format_when(event.start_at, user.timezone),
            ends=format_when(event.end_at, user.timezone),
            event_zone_starts=format_when(event.start_at, event.timezone),
            same_zone=user.timezone == event.timezone,
            direction=direction(event),
            kind_label=event.kind.label,
            link=f"{base_url}/events/{event.id}",
            base_url=base_url,
            **context,
        )
        title = classification.mail_subject(event, subject())
        text = render_template(f"email/{template}.txt", subject=title, **values)
        html = render_template(f"email/{template}.html", subject=title, **values)
    return outbox.queue(
        kind=template,
        recipient=user.email,
        recipient_name=name,
        subject=title,
        body_text=text,
        body_html=html,
        user_id=user.id,
        event_id=event.id,
    )
