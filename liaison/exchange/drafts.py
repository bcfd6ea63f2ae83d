"""The draft training an accepted proposal becomes: hosted by the offering organization, for
the requesting organization's kind, on the topics of both, organized by both focal points,
linked to the request and the offer, dated as proposed or else on the first day both windows
share, 09:00–12:00 in the requesting organization's zone ("date to confirm")."""
from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from extensions import db
from liaison.accounts.models import User
from liaison.events.models import Event, EventKind, EventStatus, EventTopic
from liaison.exchange.models import Proposal, TrainingOffer, TrainingRequest

PLACEHOLDER_HOURS = (time(9, 0), time(12, 0))
EVENT_TOPICS_MAX = 12


def first_shared_day(request: TrainingRequest, offer: TrainingOffer, today: date) -> date:
    """The first day both windows share, but never before tomorrow (a draft is not dated in
    the past); when the windows no longer share a future day, tomorrow."""
    first = max(request.earliest, offer.available_from or request.earliest)
    return max(first, today + timedelta(days=1))


def placeholder_times(request: TrainingRequest, offer: TrainingOffer,
                      now: datetime) -> tuple[datetime, datetime]:
    """09:00–12:00 on the first shared day, in the requesting organization's zone (UTC)."""
    zone = ZoneInfo(request.timezone)
    day = first_shared_day(request, offer, now.astimezone(zone).date())
    start, end = (datetime.combine(day, t, tzinfo=zone) for t in PLACEHOLDER_HOURS)
    return start.astimezone(UTC), end.astimezone(UTC)


def _description(request: TrainingRequest, offer: TrainingOffer) -> str:
    parts = [offer.description.strip(), request.description.strip()]
    return "\n\n".join(p for p in parts if p)


def _description_zh(request: TrainingRequest, offer: TrainingOffer) -> str | None:
    parts = [(offer.description_zh or "").strip(), (request.description_zh or "").strip()]
    return "\n\n".join(p for p in parts if p) or None


def _topics(request: TrainingRequest, offer: TrainingOffer) -> list[str]:
    merged = list(dict.fromkeys([*request.topics, *offer.topics]))
    return merged[:EVENT_TOPICS_MAX]


def _venue(request: TrainingRequest, offer: TrainingOffer) -> str | None:
    """The request's city when they will meet in person there; otherwise the organizers add
    the place (or the online link) before publishing."""
    if (request.mode.allows_in_person and offer.mode.allows_in_person
            and request.city_key in offer.city_keys):
        return request.city
    return None


def draft_training(proposal: Proposal, *, by: User, now: datetime) -> Event:
    """Create and link the draft training of an accepted proposal (flushes only)."""
    request, offer = proposal.request, proposal.offer
    if proposal.start_at is not None:
        start, end = proposal.start_at, proposal.end_at
        zone = proposal.timezone or request.timezone
    else:
        start, end = placeholder_times(request, offer, now)
        zone = request.timezone
        proposal.placeholder_start = start
    event = Event(
        kind=EventKind.training,
        title=request.title,
        title_zh=request.title_zh,
        description=_description(request, offer),
        description_zh=_description_zh(request, offer),
        host_organization=offer.organization,
        start_at=start,
        end_at=end,
        timezone=zone,
        venue=_venue(request, offer),
        capacity=request.expected_participants,
        status=EventStatus.draft,
        sequence=0,
        created_by=by,
    )
    event.audience = [request.organization.kind]
    organizers = [by]
    if proposal.proposed_by is not None and proposal.proposed_by.id != by.id:
        organizers.append(proposal.proposed_by)
    event.organizers = organizers
    event.topic_rows = [EventTopic(topic_slug=slug) for slug in _topics(request, offer)]
    db.session.add(event)
    db.session.flush()
    proposal.event = event
    return event
