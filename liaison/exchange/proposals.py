"""Proposals: a focal point of either side proposes a request–offer pair with a message (and
optionally a date); a focal point of the other side accepts — which creates the draft training
(`drafts`) and marks the request `matched` — or declines; the proposer may withdraw. Both
sides write in the proposal's thread. Everything only flushes: the caller commits."""
from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import Select, and_, or_, select, update
from sqlalchemy.exc import IntegrityError

from extensions import db
from liaison.core.errors import Conflict, NotAllowed, ValidationFailed
from liaison.core.types import utcnow
from liaison.events.inputs import iana_zones
from liaison.events.models import Event
from liaison.exchange import access, drafts, notices, signals
from liaison.exchange.models import (
    OfferStatus,
    Proposal,
    ProposalMessage,
    ProposalStatus,
    RequestStatus,
    Side,
    TrainingOffer,
    TrainingRequest,
)

MESSAGE_MAX = 5_000


def side_for(user, request: TrainingRequest, offer: TrainingOffer) -> Side | None:
    """The side `user` acts for in this pair: the request's when they may act for both
    (an administrator), None when for neither."""
    if access.may_act_for(user, request.organization_id):
        return Side.request
    if access.may_act_for(user, offer.organization_id):
        return Side.offer
    return None


def may_answer(proposal: Proposal, user) -> bool:
    """Accepting and declining belong to the side that did not propose."""
    return access.may_act_for(user, proposal.organization_id_of(proposal.side.other))


def may_withdraw(proposal: Proposal, user) -> bool:
    return access.may_act_for(user, proposal.organization_id_of(proposal.side))


def may_read(proposal: Proposal, user) -> bool:
    """The focal points of both sides (and administrators) read a proposal and write in it."""
    return may_answer(proposal, user) or may_withdraw(proposal, user)


def _clean_message(body: str | None, *, required: bool) -> str:
    text = (body or "").replace("\r\n", "\n").strip()
    if required and not text:
        raise ValidationFailed(_("Write a message."), fields={"message": _("Write a message.")})
    if len(text) > MESSAGE_MAX:
        message = _("A message can be at most %(n)d characters.", n=MESSAGE_MAX)
        raise ValidationFailed(message, fields={"message": message})
    return text


def _instant(value: datetime | None, zone: ZoneInfo) -> datetime | None:
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=zone)
    return value.astimezone(UTC)


def _clean_dates(request: TrainingRequest, start, end, timezone, now: datetime):
    """(start, end in UTC, zone) or all None; start and end come together and in the future."""
    if start is None and end is None:
        return None, None, None
    errors = {}
    zone_name = timezone or request.timezone
    if zone_name not in iana_zones():
        errors["timezone"] = _("Choose a time zone from the list, such as Asia/Shanghai.")
        zone_name = "UTC"
    zone = ZoneInfo(zone_name)
    start, end = _instant(start, zone), _instant(end, zone)
    if start is None:
        errors["start"] = _("Give the start as well as the end, or neither.")
    elif end is None:
        errors["end"] = _("Give the end as well as the start, or neither.")
    elif end <= start:
        errors["end"] = _("The end must be after the start.")
    elif start <= now:
        errors["start"] = _("Propose a date in the future.")
    if errors:
        raise ValidationFailed(_("Some fields need your attention."), fields=errors)
    return start, end, zone_name


def _message(proposal: Proposal, author, body: str, now: datetime) -> ProposalMessage:
    message = ProposalMessage(proposal=proposal, author=author, body=body, created_at=now)
    db.session.add(message)
    return message


def propose(request: TrainingRequest, offer: TrainingOffer, *, by, message: str,
            start: datetime | None = None, end: datetime | None = None,
            timezone: str | None = None) -> Proposal:
    """A focal point of either side proposes the pair; the other side is told."""
    side = side_for(by, request, offer)
    if side is None:
        raise NotAllowed(_("Only a focal point of the requesting or the offering organization "
                           "can propose this pair."))
    if request.organization_id == offer.organization_id:
        raise ValidationFailed(_("A request and an offer of the same organization make no pair."),
                               fields={"offer_id": _("Choose an offer of another organization.")})
    if request.status != RequestStatus.open:
        raise Conflict(_("This request is no longer open (%(status)s).",
                         status=request.status.label))
    if offer.status != OfferStatus.open:
        raise Conflict(_("This offer is not open (%(status)s).", status=offer.status.label))
    body = _clean_message(message, required=True)
    now = utcnow()
    start_at, end_at, zone = _clean_dates(request, start, end, timezone, now)
    proposal = Proposal(request=request, offer=offer, side=side, proposed_by=by,
                        start_at=start_at, end_at=end_at, timezone=zone,
                        status=ProposalStatus.proposed, created_at=now)
    # The partial unique index keeps one waiting proposal a pair, also against a concurrent
    # request: the insert runs in a savepoint, so a refusal leaves the transaction usable.
    savepoint = db.session.begin_nested()
    try:
        db.session.add(proposal)
        db.session.flush()
    except IntegrityError:
        savepoint.rollback()
        raise Conflict(_("This pair already has a proposal waiting for an answer.")) from None
    savepoint.commit()
    _message(proposal, by, body, now)
    db.session.flush()
    notices.proposal_news(proposal, "proposed", by=by)
    return proposal


def _decide(proposal: Proposal, status: ProposalStatus, by, now: datetime) -> None:
    """Move a waiting proposal, refusing if another request already moved it (one UPDATE)."""
    moved = db.session.execute(
        update(Proposal)
        .where(Proposal.id == proposal.id, Proposal.status == ProposalStatus.proposed)
        .values(status=status, decided_at=now, decided_by_id=by.id)
        .execution_options(synchronize_session=False)
    ).rowcount
    if moved != 1:
        db.session.refresh(proposal)
        raise Conflict(_("This proposal is no longer waiting for an answer (%(status)s).",
                         status=proposal.status.label))
    db.session.refresh(proposal)


def accept(proposal: Proposal, *, by) -> Event:
    """The other side accepts: the request becomes `matched` and a draft training is made,
    with both focal points as its organizers. Returns that event."""
    if not may_answer(proposal, by):
        raise NotAllowed(_("Only a focal point of the other organization can accept."))
    if not proposal.is_waiting:
        raise Conflict(_("This proposal is no longer waiting for an answer (%(status)s).",
                         status=proposal.status.label))
    if proposal.offer.status != OfferStatus.open:
        raise Conflict(_("This offer is not open (%(status)s).",
                         status=proposal.offer.status.label))
    now = utcnow()
    matched = db.session.execute(
        update(TrainingRequest)
        .where(TrainingRequest.id == proposal.request_id,
               TrainingRequest.status == RequestStatus.open)
        .values(status=RequestStatus.matched, matched_at=now, updated_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if matched != 1:
        raise Conflict(_("This request is no longer open: it has been matched, withdrawn or "
                         "has expired."))
    _decide(proposal, ProposalStatus.accepted, by, now)
    db.session.refresh(proposal.request)
    event = drafts.draft_training(proposal, by=by, now=now)
    notices.proposal_news(proposal, "accepted", by=by)
    signals.proposal_accepted.send(proposal, event=event, by=by)
    return event


def decline(proposal: Proposal, *, by, message: str | None = None) -> Proposal:
    """The other side declines, optionally saying why in the thread."""
    if not may_answer(proposal, by):
        raise NotAllowed(_("Only a focal point of the other organization can decline."))
    body = _clean_message(message, required=False)
    now = utcnow()
    _decide(proposal, ProposalStatus.declined, by, now)
    if body:
        _message(proposal, by, body, now)
    db.session.flush()
    notices.proposal_news(proposal, "declined", by=by)
    return proposal


def withdraw(proposal: Proposal, *, by) -> Proposal:
    """The proposing side takes its proposal back while it waits."""
    if not may_withdraw(proposal, by):
        raise NotAllowed(_("Only a focal point of the proposing organization can withdraw."))
    _decide(proposal, ProposalStatus.withdrawn, by, utcnow())
    return proposal


def add_message(proposal: Proposal, *, by, body: str) -> ProposalMessage:
    """A message in the thread, while the proposal waits or after it was accepted."""
    if not may_read(proposal, by):
        raise NotAllowed(_("Only the focal points of the two organizations write here."))
    if proposal.status not in (ProposalStatus.proposed, ProposalStatus.accepted):
        raise Conflict(_("This proposal is %(status)s: its thread is closed.",
                         status=proposal.status.label))
    text = _clean_message(body, required=True)
    message = _message(proposal, by, text, utcnow())
    db.session.flush()
    notices.proposal_news(proposal, "message", by=by, message=message)
    return message


def involving(user, *, direction: str | None = None, status=None) -> Select:
    """Proposals where `user` acts for a side: `incoming` (the other side proposed),
    `outgoing` (their side did), or both; newest first."""
    mine = access.acted_for_ids(user)
    request_mine = Proposal.request_id.in_(
        select(TrainingRequest.id).where(TrainingRequest.organization_id.in_(mine)))
    offer_mine = Proposal.offer_id.in_(
        select(TrainingOffer.id).where(TrainingOffer.organization_id.in_(mine)))
    outgoing = or_(and_(Proposal.side == Side.request, request_mine),
                   and_(Proposal.side == Side.offer, offer_mine))
    incoming = or_(and_(Proposal.side == Side.offer, request_mine),
                   and_(Proposal.side == Side.request, offer_mine))
    where = {"incoming": incoming, "outgoing": outgoing}.get(direction, or_(incoming, outgoing))
    stmt = select(Proposal).where(where)
    if status:
        stmt = stmt.where(Proposal.status == ProposalStatus(status))
    return stmt.order_by(Proposal.created_at.desc(), Proposal.id.desc())
