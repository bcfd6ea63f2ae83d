"""Links that put one event into someone's calendar: .ics, Google Calendar, Outlook on the web.

Built here, not in Jinja, so escaping is done once by urlencode. They go on public pages, so
they never carry the online meeting link: the event page link is in the details instead. They
hand the details to another company's site, so an event that is not public (classification)
gives only its page link there, as its feed entries do.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC
from urllib.parse import urlencode

from flask import current_app, url_for

from liaison.calendar.ical import clean_text, describe, event_url, location_text
from liaison.events import classification
from liaison.events.models import Event

GOOGLE = "https://calendar.google.com/calendar/render"
OUTLOOK = "https://outlook.office.com/calendar/0/deeplink/compose"
DETAILS_MAX = 1200  # keeps the whole link well under the 8 KB most servers accept


@dataclass(frozen=True)
class EventLinks:
    ics: str
    google: str
    outlook: str


def _details(event: Event, base_url: str) -> str:
    if not classification.feed_shows_description(event):
        return event_url(event, base_url)
    text = describe(event, base_url, show_online=False)
    if len(text) > DETAILS_MAX:
        # Keep the tail, which carries the event page link; cut the description in the middle.
        tail = text[text.rfind("\n\n") :]
        text = text[: DETAILS_MAX - len(tail) - 1].rstrip() + "…" + tail
    return text


def google_url(event: Event, base_url: str) -> str:
    """Google's "create event" template: UTC times, the zone in `ctz`."""
    fmt = "%Y%m%dT%H%M%SZ"
    start = event.start_at.astimezone(UTC).strftime(fmt)
    end = event.end_at.astimezone(UTC).strftime(fmt)
    query = {
        "action": "TEMPLATE",
        "text": clean_text(event.display_title),
        "dates": f"{start}/{end}",
        "details": _details(event, base_url),
        "location": location_text(event, False),
        "ctz": event.timezone,
    }
    return f"{GOOGLE}?{urlencode(query)}"


def outlook_url(event: Event, base_url: str) -> str:
    """Outlook on the web's compose deep link: ISO 8601 UTC times."""
    fmt = "%Y-%m-%dT%H:%M:%SZ"
    query = {
        "path": "/calendar/action/compose",
        "rru": "addevent",
        "subject": clean_text(event.display_title),
        "startdt": event.start_at.astimezone(UTC).strftime(fmt),
        "enddt": event.end_at.astimezone(UTC).strftime(fmt),
        "body": _details(event, base_url),
        "location": location_text(event, False),
    }
    return f"{OUTLOOK}?{urlencode(query)}"


def event_links(event: Event) -> EventLinks:
    """The three "add to calendar" links of the event page (a Jinja global)."""
    base_url = current_app.config["BASE_URL"]
    return EventLinks(
        ics=url_for("calendar.download", event_id=event.id),
        google=google_url(event, base_url),
        outlook=outlook_url(event, base_url),
    )
