"""A matched request follows its training (liaison.core.signals): `scheduled` when the event
is published (back to `matched` if it returns to draft), `delivered` when its attendance
closes, and `open` again if it is cancelled — someone else may then offer. Requests and
offers follow a topic merged into another."""
from __future__ import annotations

from sqlalchemy import delete, select, update

from extensions import db
from liaison.core.types import utcnow
from liaison.events import signals as event_signals
from liaison.events.models import Event, EventStatus
from liaison.exchange.models import (
    OfferTopic,
    Proposal,
    RequestStatus,
    RequestTopic,
    TrainingRequest,
)
from liaison.records import signals as records_signals

# new event status -> (request statuses it moves from, the request status it moves to)
FOLLOWS = {
    EventStatus.published: ({RequestStatus.matched}, RequestStatus.scheduled),
    EventStatus.draft: ({RequestStatus.scheduled}, RequestStatus.matched),
    EventStatus.cancelled: ({RequestStatus.matched, RequestStatus.scheduled}, RequestStatus.open),
}


def _request_of(event: Event) -> TrainingRequest | None:
    """The request whose accepted proposal made this event (one indexed look-up)."""
    if event.id is None:
        return None
    return db.session.scalar(
        select(TrainingRequest).join(Proposal, Proposal.request_id == TrainingRequest.id)
        .where(Proposal.event_id == event.id)
    )


@event_signals.event_status_changed.connect
def follow_training(event: Event, *, old: EventStatus, new: EventStatus) -> None:
    request = _request_of(event)
    if request is None or new not in FOLLOWS:
        return
    sources, target = FOLLOWS[new]
    if request.status not in sources:
        return
    now = utcnow()
    request.status = target
    request.updated_at = now
    if target == RequestStatus.scheduled:
        request.scheduled_at = now
    elif target == RequestStatus.open:
        request.matched_at = request.scheduled_at = None
    db.session.flush()


@records_signals.attendance_closed.connect
def mark_delivered(event: Event, **_kwargs) -> None:
    """The training's attendance is closed: its request was delivered."""
    request = _request_of(event)
    if request is not None and request.status == RequestStatus.scheduled:
        request.status = RequestStatus.delivered
        request.delivered_at = request.updated_at = utcnow()
        db.session.flush()


@event_signals.topic_merged.connect
def follow_merged_topic(source, *, into) -> None:
    """Requests and offers on a merged topic move to the survivor (once each), as events do."""
    for row, owner in ((RequestTopic, RequestTopic.request_id), (OfferTopic, OfferTopic.offer_id)):
        both = select(owner).where(row.slug == into.slug)
        db.session.execute(delete(row).where(row.slug == source.slug, owner.in_(both)),
                           execution_options={"synchronize_session": False})
        db.session.execute(update(row).where(row.slug == source.slug).values(slug=into.slug),
                           execution_options={"synchronize_session": False})
