"""Classification (SPEC "Classification"): how far an event's content may travel.

`Event.classification` is `public` (the default), `participants` or `restricted`. Who sees the
event at all is `queries.visible_events` (the one visibility query); this module holds the
rules of each output, so pages, feeds, invites, mail, CSV, API and printouts ask one place.

Per output (public / participants / restricted):
- the event itself (its page, .ics, the API by id): its audience / its audience / signed-in
  members of its audience only (by its link, to register), never anonymous visitors;
- lists, the month calendar, search, the API list: yes / yes / only for its registrants,
  organizers and administrators;
- description, agenda, materials, minutes: every viewer / registrants and organizers / same;
- search matches the description: yes / no / no;
- public feed: everything / title, time and place / absent;
- personal feed: everything / title, time and place, CLASS:PRIVATE / CLASS:CONFIDENTIAL
  without a description;
- invites (to registrants): everything and the agenda / same / CLASS:CONFIDENTIAL without a
  description;
- mail subjects: as they are / as they are / starting "[Restricted]";
- printouts and CSV: a marking on each (`marking`).

"Registrants" are people with an active registration (pending, waitlisted or confirmed);
"organizers" include administrators. A change of classification is a calendar change (the
CLASS property and the description change), so it raises SEQUENCE (lifecycle.CALENDAR_FIELDS).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from flask_babel import gettext as _

from liaison.events.models import Classification

if TYPE_CHECKING:
    from liaison.events.models import Event

# The literal SPEC asks for, in every language: mail filters and people both look for it.
RESTRICTED_SUBJECT = "[Restricted]"

ICAL_CLASS = {
    Classification.public: "PUBLIC",
    Classification.participants: "PRIVATE",
    Classification.restricted: "CONFIDENTIAL",
}


def shows_content(event: Event, *, manages: bool, registrant: bool) -> bool:
    """Description, agenda, materials and minutes: for every viewer of a public event; for
    registrants and organizers (admins included) of the others."""
    return event.is_public or manages or registrant


def listed_for_everyone(event: Event) -> bool:
    """Whether the event may appear in lists, search and the public feed for people who are
    neither its registrants nor its organizers."""
    return not event.is_restricted


def feed_shows_description(event: Event) -> bool:
    """Feeds (public or personal) carry the description of public events only: a feed URL is
    read by calendar services and shared, so "participants" and "restricted" events give
    title, time and place."""
    return event.is_public


def invite_shows_description(event: Event) -> bool:
    """Invites go to registrants, who may read the content, except for restricted events,
    whose invites carry no description at all."""
    return not event.is_restricted


def ical_class(event: Event) -> str:
    """The iCalendar CLASS: PUBLIC, PRIVATE (participants) or CONFIDENTIAL (restricted)."""
    return ICAL_CLASS[event.classification]


def mail_subject(event: Event, subject: str) -> str:
    """Every mail about a restricted event says so first in its subject."""
    if event.is_restricted and not subject.startswith(RESTRICTED_SUBJECT):
        return f"{RESTRICTED_SUBJECT} {subject}"
    return subject


def marking(event: Event) -> str:
    """The visible marking on printouts and exports, in the current language."""
    if event.classification == Classification.restricted:
        return _("RESTRICTED — for the registered participants and organizers of this meeting "
                 "only. Do not forward.")
    if event.classification == Classification.participants:
        return _("PARTICIPANTS ONLY — for the registrants and organizers of this meeting.")
    return _("PUBLIC")
