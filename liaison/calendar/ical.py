"""Events in, iCalendar bytes out: downloads, feeds and e-mail invites share this one builder.

Pure: no request, no url_for; `base_url` is passed in. Rules every VEVENT follows:
- UID `event-<id>@<host of base_url>`, never changed, one per occurrence of a series;
- DTSTART/DTEND in the event's IANA zone (TZID) with a rule-based VTIMEZONE (liaison.icaltz),
  never floating;
- SEQUENCE from the database; DTSTAMP and LAST-MODIFIED from `updated_at` in feeds and
  downloads, so the bytes (and the ETag made from them) only change when the event does;
- all user text passes through `clean_text` (C0/C1 controls stripped) and typed properties
  (escaping CR/LF, `;` and `,`), and every X- property is a vText: nothing a user types can
  end a line or start a component;
- the online meeting link only for event ids in `show_online_for` (a confirmed attendee's or
  an organizer's own feed or invite), never in public output;
- classification (liaison.events.classification): CLASS is PUBLIC, PRIVATE (participants) or
  CONFIDENTIAL (restricted); feeds carry a DESCRIPTION for public events only, a download for
  a viewer who may read the content (`content_for`) also for "participants" events, an invite
  for every event but a restricted one. Without a DESCRIPTION an entry has title, time, place
  and its URL.

Invites (RFC 5546): DTSTAMP is the time the message is built (its iTIP meaning), overridable
with `stamp=`. A CANCEL must outrank every REQUEST the attendee received: when the event itself
is cancelled, `events.cancel_event` has already raised the sequence (a status change), so the
CANCEL carries `event.sequence`; when only the registration is cancelled the event's sequence
did not move, so the CANCEL carries `event.sequence + 1` (see `cancel_sequence`).
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from flask_babel import gettext as _
from icalendar import Calendar, vCalAddress, vText
from icalendar import Event as VEvent

from liaison.calendar.icaltz import vtimezone
from liaison.core.types import utcnow
from liaison.events import classification
from liaison.events.models import Event
from liaison.registration.models import RegistrationStatus

PRODID = "-//Liaison//Liaison sessions//EN"
REFRESH = timedelta(hours=1)
METHODS = (None, "PUBLISH")
INVITE_METHODS = ("REQUEST", "CANCEL")
CALENDAR_END = b"END:VCALENDAR\r\n"  # a VCALENDAR's last line (RFC 5545 lines end in CRLF)
TENTATIVE_STATUSES = frozenset({RegistrationStatus.pending, RegistrationStatus.waitlisted})

# RFC 5545 §3.3.11 TEXT excludes CONTROL (%x00-08 / %x0A-1F / %x7F); we also drop C1 controls
# and lone surrogates (which cannot be encoded as UTF-8). LF is kept where a line break is
# meant and escaped by icalendar as "\n".
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
_BREAKS = re.compile(r"\r\n|\r|\n")


def clean_text(value: str | None, *, multiline: bool = False) -> str:
    """User text made safe for a TEXT value: line breaks normalised (or turned into spaces
    for one-line properties), tabs kept, every other control character removed."""
    if not value:
        return ""
    value = _BREAKS.sub("\n" if multiline else " ", str(value))
    value = _CONTROLS.sub("", value.replace("\t", " ") if not multiline else value)
    return value if multiline else value.strip()


def host_of(base_url: str) -> str:
    return urlsplit(base_url).hostname or "localhost"


def event_uid(event: Event, base_url: str) -> str:
    """The stable UID of an event (or occurrence) in every calendar, feed and invite."""
    return f"event-{event.id}@{host_of(base_url)}"


def event_url(event: Event, base_url: str) -> str:
    return f"{base_url.rstrip('/')}/events/{event.id}"


def cancel_sequence(event: Event) -> int:
    """The SEQUENCE of a CANCEL: above the last REQUEST the attendee got (module docstring)."""
    return event.sequence if event.is_cancelled else event.sequence + 1


def _direction(event: Event) -> str:
    from liaison.events.direction import direction  # lazy: direction imports translations

    return direction(event)


def _audience(event: Event) -> str:
    from liaison.events.direction import audience_label

    return audience_label(event)


def describe(
    event: Event, base_url: str, *, show_online: bool, agenda: Iterable[str] = ()
) -> str:
    """The plain-text DESCRIPTION: direction, audience, host, topics, text, the agenda
    summary (invites: one line per item, from liaison.meetings), link(s); in the current
    locale's language (the text too, with the other language's as fallback)."""
    lines = [
        _("Direction: %(direction)s", direction=_direction(event)),
        _("Audience: %(audience)s", audience=_audience(event)),
        _("Host: %(host)s", host=clean_text(event.host_organization.display_name)),
    ]
    if event.topic_rows:
        labels = ", ".join(clean_text(t.label) for t in event.topic_terms)
        lines.append(_("Topics: %(topics)s", topics=labels))
    text = clean_text(event.display_description, multiline=True).strip()
    if text:
        lines += ["", text]
    agenda = [clean_text(line) for line in agenda]
    if agenda:
        lines += ["", _("Agenda:"), *agenda]
    lines.append("")
    if show_online and event.online_url:
        lines.append(_("Join online: %(url)s", url=clean_text(event.online_url)))
    lines.append(_("Details and registration: %(url)s", url=event_url(event, base_url)))
    return "\n".join(lines)


def _summary(event: Event) -> str:
    title = clean_text(event.display_title)
    return f"{_('[Cancelled]')} {title}" if event.is_cancelled else title


def location_text(event: Event, show_online: bool) -> str:
    venue = clean_text(event.venue)
    if venue:
        return venue
    if event.online_url:
        return clean_text(event.online_url) if show_online else _("Online")
    return ""


def _address(email: str, name: str | None, **params) -> vCalAddress:
    email = clean_text(email).replace(" ", "")
    if not email or "@" not in email:
        raise ValueError("a calendar address needs an e-mail address")
    return vCalAddress.new(email, cn=clean_text(name) or None, **params)


def _utc(value: datetime) -> datetime:
    return value.astimezone(UTC).replace(microsecond=0)


def _vevent(
    event: Event,
    *,
    base_url: str,
    status: str,
    show_online: bool,
    stamp: datetime,
    sequence: int,
    show_description: bool = True,
    agenda: Iterable[str] = (),
) -> VEvent:
    vevent = VEvent()
    vevent.add("uid", event_uid(event, base_url))
    vevent.add("dtstamp", _utc(stamp))
    vevent.add("last-modified", _utc(event.updated_at))
    vevent.add("created", _utc(event.created_at))
    vevent.add("sequence", sequence)
    vevent.add("dtstart", event.start_at.astimezone(event.zone).replace(microsecond=0))
    vevent.add("dtend", event.end_at.astimezone(event.zone).replace(microsecond=0))
    vevent.add("summary", _summary(event))
    if show_description:
        vevent.add(
            "description", describe(event, base_url, show_online=show_online, agenda=agenda)
        )
    location = location_text(event, show_online)
    if location:
        vevent.add("location", location)
    vevent.add("url", event_url(event, base_url))
    vevent.add("status", status)
    vevent.add("class", classification.ical_class(event))
    vevent.add("transp", "OPAQUE")
    return vevent


def _feed_status(event: Event, viewer_status: RegistrationStatus | None) -> str:
    if event.is_cancelled:
        return "CANCELLED"
    if viewer_status in TENTATIVE_STATUSES:
        return "TENTATIVE"
    return "CONFIRMED"


def _add_timezones(cal: Calendar, events: list[Event]) -> None:
    """A VTIMEZONE for every TZID the events use, exact for the years they fall in."""
    years: dict[str, list[int]] = {}
    for event in events:
        for value in (event.start_at, event.end_at):
            years.setdefault(event.timezone, []).append(value.astimezone(event.zone).year)
    # Before the VEVENTs: some readers resolve a TZID only against zones already seen.
    for position, tzid in enumerate(sorted(cal.get_used_tzids())):
        span = years[tzid]
        cal.subcomponents.insert(position, vtimezone(tzid, min(span), max(span)))


def calendar_name(name: str | None) -> str:
    """A calendar's display name with nothing that needs escaping: X-WR-CALNAME is read raw
    by some programs (ical.js among them), which would show "\\;" and "\\,"."""
    return " ".join(re.sub(r"[\\;,]", " ", clean_text(name)).split())


def _calendar(method: str | None, name: str | None) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    if method:
        cal.add("method", method)
    name = calendar_name(name)
    if name:
        cal.add("name", vText(name))  # typed: icalendar would leave NAME unescaped
        cal.add("x-wr-calname", vText(name))
    return cal


def build_calendar(
    events: Iterable[Event],
    *,
    base_url: str,
    name: str | None = None,
    viewer_statuses: Mapping[int, RegistrationStatus] | None = None,
    show_online_for: Iterable[int] = (),
    content_for: Iterable[int] = (),
    method: str | None = None,
    organizer_email: str | None = None,
    organizer_name: str | None = None,
    refresh: bool = True,
) -> bytes:
    """A VCALENDAR for downloads and feeds: no METHOD (the default) or PUBLISH (then with an
    ORGANIZER). `viewer_statuses` (event id -> the viewer's registration status) makes pending
    and waitlisted places TENTATIVE; `show_online_for` lists the ids whose link may appear;
    `content_for` the ids whose content the viewer may read (a download: see the module
    docstring), beyond what a feed may carry."""
    if method not in METHODS:
        raise ValueError(f"feeds and downloads use no METHOD or PUBLISH, not {method!r}")
    if method == "PUBLISH" and not organizer_email:
        raise ValueError("METHOD:PUBLISH needs an ORGANIZER (RFC 5546 §3.2.1)")
    events = sorted(events, key=lambda e: (e.start_at, e.id))
    statuses = viewer_statuses or {}
    online = set(show_online_for)
    readable = set(content_for)
    cal = _calendar(method, name)
    if refresh:
        _add_refresh(cal)
    for event in events:
        vevent = feed_vevent(
            event,
            base_url=base_url,
            viewer_status=statuses.get(event.id),
            show_online=event.id in online,
            readable=event.id in readable,
        )
        if organizer_email:
            vevent.add("organizer", _address(organizer_email, organizer_name))
        cal.add_component(vevent)
    _add_timezones(cal, events)
    return cal.to_ical()


def feed_vevent(
    event: Event,
    *,
    base_url: str,
    viewer_status: RegistrationStatus | None = None,
    show_online: bool = False,
    readable: bool = False,
) -> VEvent:
    """One event as a feed or download shows it (no METHOD): what `build_calendar` puts in
    its VCALENDAR for this event, and what `liaison.calendar.assembly` stores per event."""
    return _vevent(
        event,
        base_url=base_url,
        status=_feed_status(event, viewer_status),
        show_online=show_online,
        stamp=event.updated_at,
        sequence=event.sequence,
        show_description=classification.feed_shows_description(event)
        or (readable and classification.invite_shows_description(event)),
    )


def calendar_head(*, name: str | None, refresh: bool = True) -> bytes:
    """The VCALENDAR's own lines, before its first component, of a feed or download with no
    METHOD: the bytes `build_calendar` starts with."""
    cal = _calendar(None, name)
    if refresh:
        _add_refresh(cal)
    return cal.to_ical().removesuffix(CALENDAR_END)


def _add_refresh(cal: Calendar) -> None:
    cal.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", vText("PT1H"))


def build_invite(
    event: Event,
    attendee_email: str,
    attendee_name: str | None,
    *,
    method: str,
    base_url: str,
    organizer_email: str,
    organizer_name: str | None = None,
    show_online: bool = True,
    stamp: datetime | None = None,
    sequence: int | None = None,
    agenda: Iterable[str] = (),
) -> bytes:
    """An iTIP message for one attendee. REQUEST: ORGANIZER, the attendee with
    PARTSTAT=NEEDS-ACTION and RSVP=TRUE, current SEQUENCE, STATUS:CONFIRMED. CANCEL: same UID,
    STATUS:CANCELLED, SEQUENCE from `cancel_sequence`. The MIME part's `method=` parameter must
    equal `method`. REQUESTs go to confirmed attendees, so the online link is shown unless
    `show_online=False`; a CANCEL never shows it. `agenda`: the agenda summary lines for the
    DESCRIPTION; a restricted event's invite has no DESCRIPTION at all."""
    if method not in INVITE_METHODS:
        raise ValueError(f"an invite is a REQUEST or a CANCEL, not {method!r}")
    cancel = method == "CANCEL"
    if sequence is None:
        sequence = cancel_sequence(event) if cancel else event.sequence
    vevent = _vevent(
        event,
        base_url=base_url,
        status="CANCELLED" if cancel or event.is_cancelled else "CONFIRMED",
        show_online=show_online and not cancel,
        stamp=stamp or utcnow(),
        sequence=sequence,
        show_description=classification.invite_shows_description(event),
        agenda=agenda,
    )
    vevent.add("organizer", _address(organizer_email, organizer_name))
    vevent.add(
        "attendee",
        _address(
            attendee_email,
            attendee_name,
            cutype="INDIVIDUAL",
            role="REQ-PARTICIPANT",
            partstat="NEEDS-ACTION",
            rsvp=True,
        ),
    )
    cal = _calendar(method, None)
    cal.add_component(vevent)
    _add_timezones(cal, [event])
    return cal.to_ical()
