"""Posting requests and offers: focal points create, edit, pause, withdraw and close them;
open requests expire (a worker job). Everything only flushes: the caller commits."""
from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import update

from extensions import db
from liaison.core.errors import Conflict, NotAllowed
from liaison.core.types import utcnow
from liaison.exchange import access
from liaison.exchange.columns import kinds_csv, language_mask
from liaison.exchange.inputs import OfferInput, RequestInput, validate_offer, validate_request
from liaison.exchange.models import (
    OfferCity,
    OfferStatus,
    OfferTopic,
    RequestStatus,
    RequestTopic,
    TrainingOffer,
    TrainingRequest,
)

# Offer status changes a focal point may make: from -> allowed targets.
OFFER_MOVES = {
    OfferStatus.open: {OfferStatus.paused, OfferStatus.closed},
    OfferStatus.paused: {OfferStatus.open, OfferStatus.closed},
    OfferStatus.closed: set(),
}


def _require_acts_for(user, org, message: str) -> None:
    if not access.may_act_for(user, org):
        raise NotAllowed(message)


def _today(now: datetime | None = None):
    return (now or utcnow()).date()


def _assign_request(request: TrainingRequest, values: dict) -> None:
    request.organization = values["organization"]
    request.title, request.title_zh = values["title"], values["title_zh"]
    request.description = values["description"]
    request.description_zh = values["description_zh"]
    request.trainer_kinds_csv = kinds_csv(values["trainer_kinds"])
    request.earliest, request.latest = values["earliest"], values["latest"]
    request.mode = values["mode"]
    request.city, request.city_key = values["city"], values["city_key"]
    request.language_mask = language_mask(values["languages"])
    request.expected_participants = values["expected_participants"]
    request.expires_on = values["expires_on"]
    request.timezone = values["timezone"]
    if request.topics != values["topics"]:
        request.topic_rows = []
        db.session.flush()
        request.topic_rows = [RequestTopic(slug=s) for s in values["topics"]]


def create_request(data: RequestInput, *, by) -> TrainingRequest:
    """A focal point asks for training on behalf of their organization; it opens at once."""
    values = validate_request(data, today=_today(), default_zone=by.timezone)
    _require_acts_for(by, values["organization"],
                      _("Only a focal point of this organization can post its requests."))
    request = TrainingRequest(status=RequestStatus.open, created_by=by)
    db.session.add(request)
    _assign_request(request, values)
    db.session.flush()
    return request


def update_request(request: TrainingRequest, data: RequestInput, *, by) -> TrainingRequest:
    """Edit an open (or withdrawn, expired) request; one that found its training is settled."""
    _require_acts_for(by, request.organization,
                      _("Only a focal point of this organization can change its requests."))
    if request.status not in (RequestStatus.open, RequestStatus.withdrawn,
                              RequestStatus.expired):
        raise Conflict(_("This request already led to a training and can no longer be changed."))
    values = validate_request(data, today=_today(), default_zone=request.timezone)
    if values["organization"].id != request.organization_id:
        _require_acts_for(by, values["organization"],
                          _("Only a focal point of this organization can post its requests."))
    _assign_request(request, values)
    request.updated_at = utcnow()
    db.session.flush()
    return request


def withdraw_request(request: TrainingRequest, *, by) -> TrainingRequest:
    """An open request is taken off the board (waiting proposals can no longer be accepted)."""
    _require_acts_for(by, request.organization,
                      _("Only a focal point of this organization can withdraw its requests."))
    if request.status != RequestStatus.open:
        raise Conflict(_("Only an open request can be withdrawn."))
    request.status = RequestStatus.withdrawn
    request.updated_at = utcnow()
    db.session.flush()
    return request


def reopen_request(request: TrainingRequest, *, by) -> TrainingRequest:
    """A withdrawn or expired request goes back on the board while its window lasts."""
    _require_acts_for(by, request.organization,
                      _("Only a focal point of this organization can reopen its requests."))
    if request.status not in (RequestStatus.withdrawn, RequestStatus.expired):
        raise Conflict(_("Only a withdrawn or expired request can be reopened."))
    today = _today()
    if request.latest < today:
        raise Conflict(_("The window of this request has passed: edit its dates first."))
    if request.expires_on < today:
        request.expires_on = request.latest
    request.status = RequestStatus.open
    request.updated_at = utcnow()
    db.session.flush()
    return request


def _assign_offer(offer: TrainingOffer, values: dict) -> None:
    offer.organization = values["organization"]
    offer.title, offer.title_zh = values["title"], values["title_zh"]
    offer.description = values["description"]
    offer.description_zh = values["description_zh"]
    offer.audience_kinds_csv = kinds_csv(values["audience_kinds"])
    offer.mode = values["mode"]
    offer.language_mask = language_mask(values["languages"])
    offer.available_from = values["available_from"]
    offer.available_until = values["available_until"]
    if offer.topics != values["topics"]:
        offer.topic_rows = []
        db.session.flush()
        offer.topic_rows = [OfferTopic(slug=s) for s in values["topics"]]
    cities = [(key, name) for key, name in values["cities"].items()]
    if [(row.key, row.name) for row in offer.city_rows] != cities:
        offer.city_rows = []
        db.session.flush()
        offer.city_rows = [OfferCity(key=key, name=name, position=i)
                           for i, (key, name) in enumerate(cities)]


def create_offer(data: OfferInput, *, by) -> TrainingOffer:
    """A focal point offers training on behalf of their organization; it opens at once."""
    values = validate_offer(data)
    _require_acts_for(by, values["organization"],
                      _("Only a focal point of this organization can post its offers."))
    offer = TrainingOffer(status=OfferStatus.open, created_by=by)
    db.session.add(offer)
    _assign_offer(offer, values)
    db.session.flush()
    return offer


def update_offer(offer: TrainingOffer, data: OfferInput, *, by) -> TrainingOffer:
    """Edit an offer that is not closed."""
    _require_acts_for(by, offer.organization,
                      _("Only a focal point of this organization can change its offers."))
    if offer.status == OfferStatus.closed:
        raise Conflict(_("This offer is closed and can no longer be changed."))
    values = validate_offer(data)
    if values["organization"].id != offer.organization_id:
        _require_acts_for(by, values["organization"],
                          _("Only a focal point of this organization can post its offers."))
    _assign_offer(offer, values)
    offer.updated_at = utcnow()
    db.session.flush()
    return offer


def set_offer_status(offer: TrainingOffer, status: OfferStatus | str, *, by) -> TrainingOffer:
    """Pause (off the board for now), resume, or close (for good) an offer."""
    _require_acts_for(by, offer.organization,
                      _("Only a focal point of this organization can change its offers."))
    status = OfferStatus(status)
    if status == offer.status:
        return offer
    if status not in OFFER_MOVES[offer.status]:
        raise Conflict(_("This offer is %(status)s and cannot become %(new)s.",
                         status=offer.status.label, new=status.label))
    offer.status = status
    offer.updated_at = utcnow()
    db.session.flush()
    return offer


def expire_requests(now: datetime) -> int:
    """Open requests whose expiry date has passed become `expired` (a worker job)."""
    result = db.session.execute(
        update(TrainingRequest)
        .where(TrainingRequest.status == RequestStatus.open,
               TrainingRequest.expires_on < now.date())
        .values(status=RequestStatus.expired, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0
