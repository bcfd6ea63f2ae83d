"""The board's lists as composable SELECTs, and the choices of its filters: direction (who
trains whom), topic, place and language. Open postings only; the lists eager-load what a card
shows, in a fixed number of queries whatever their length."""
from __future__ import annotations

from sqlalchemy import Select, and_, exists, or_, select, union
from sqlalchemy.orm import joinedload, selectinload

from extensions import db
from liaison.accounts.models import Organization, OrgKind
from liaison.events.direction import direction_key, pair_label, parse_direction_key
from liaison.exchange.cities import city_label
from liaison.exchange.columns import LANGUAGE_BITS, csv_kinds
from liaison.exchange.models import (
    OfferCity,
    OfferStatus,
    OfferTopic,
    Proposal,
    RequestStatus,
    RequestTopic,
    TrainingOffer,
    TrainingRequest,
)

_KINDS = list(OrgKind)


def _kind_fits(csv_column, kind: OrgKind):
    return or_(csv_column == "", csv_column.contains(f",{kind},"))


def _org_kind_is(org_column, kind: OrgKind):
    return org_column.in_(select(Organization.id).where(Organization.kind == kind))


def filter_requests(stmt: Select, *, direction=None, topic=None, city=None,
                    language=None) -> Select:
    """Narrow a SELECT of requests; an unknown value narrows to nothing."""
    r = TrainingRequest
    if direction:
        pair = parse_direction_key(direction)
        if pair is None or pair[1] is None:
            return stmt.where(False)
        trainer, trainee = pair
        stmt = stmt.where(_org_kind_is(r.organization_id, trainee),
                          _kind_fits(r.trainer_kinds_csv, trainer))
    if topic:
        stmt = stmt.where(exists().where(RequestTopic.request_id == r.id,
                                         RequestTopic.slug == topic))
    if city:
        stmt = stmt.where(r.city_key == city)
    if language:
        bit = LANGUAGE_BITS.get(language)
        stmt = stmt.where(r.language_mask.bitwise_and(bit) != 0) if bit else stmt.where(False)
    return stmt


def filter_offers(stmt: Select, *, direction=None, topic=None, city=None,
                  language=None) -> Select:
    """Narrow a SELECT of offers; an unknown value narrows to nothing."""
    o = TrainingOffer
    if direction:
        pair = parse_direction_key(direction)
        if pair is None or pair[1] is None:
            return stmt.where(False)
        trainer, trainee = pair
        stmt = stmt.where(_org_kind_is(o.organization_id, trainer),
                          _kind_fits(o.audience_kinds_csv, trainee))
    if topic:
        stmt = stmt.where(exists().where(OfferTopic.offer_id == o.id, OfferTopic.slug == topic))
    if city:
        stmt = stmt.where(exists().where(OfferCity.offer_id == o.id, OfferCity.key == city))
    if language:
        bit = LANGUAGE_BITS.get(language)
        stmt = stmt.where(o.language_mask.bitwise_and(bit) != 0) if bit else stmt.where(False)
    return stmt


def all_requests() -> Select:
    """Requests of any status, newest first, with what a card shows."""
    return (
        select(TrainingRequest)
        .options(joinedload(TrainingRequest.organization),
                 selectinload(TrainingRequest.topic_rows))
        .order_by(TrainingRequest.created_at.desc(), TrainingRequest.id.desc())
    )


def open_requests() -> Select:
    return all_requests().where(TrainingRequest.status == RequestStatus.open)


def all_offers() -> Select:
    """Offers of any status, newest first, with what a card shows."""
    return (
        select(TrainingOffer)
        .options(joinedload(TrainingOffer.organization), selectinload(TrainingOffer.topic_rows),
                 selectinload(TrainingOffer.city_rows))
        .order_by(TrainingOffer.created_at.desc(), TrainingOffer.id.desc())
    )


def open_offers() -> Select:
    return all_offers().where(TrainingOffer.status == OfferStatus.open)


def requests_of(org_ids: Select) -> Select:
    """Every request of these organizations (any status), newest first."""
    return all_requests().where(TrainingRequest.organization_id.in_(org_ids))


def offers_of(org_ids: Select) -> Select:
    """Every offer of these organizations (any status), newest first."""
    return all_offers().where(TrainingOffer.organization_id.in_(org_ids))


def direction_choices() -> list[tuple[str, str]]:
    """(key, "Rights holder → Customs") for each trainer → trainee pair the open postings
    name; an empty kind list stands for every other kind."""
    request_rows = db.session.execute(
        select(Organization.kind, TrainingRequest.trainer_kinds_csv).distinct()
        .join(Organization, Organization.id == TrainingRequest.organization_id)
        .where(TrainingRequest.status == RequestStatus.open)
    ).all()
    offer_rows = db.session.execute(
        select(Organization.kind, TrainingOffer.audience_kinds_csv).distinct()
        .join(Organization, Organization.id == TrainingOffer.organization_id)
        .where(TrainingOffer.status == OfferStatus.open)
    ).all()
    found: set[tuple[OrgKind, OrgKind]] = set()
    for trainee, csv in request_rows:
        for trainer in csv_kinds(csv) or [k for k in _KINDS if k != trainee]:
            found.add((OrgKind(trainer), OrgKind(trainee)))
    for trainer, csv in offer_rows:
        for trainee in csv_kinds(csv) or [k for k in _KINDS if k != trainer]:
            found.add((OrgKind(trainer), OrgKind(trainee)))
    ordered = sorted(found, key=lambda p: (_KINDS.index(p[0]), _KINDS.index(p[1])))
    return [(direction_key(a, b), pair_label(a, b)) for a, b in ordered]


def topics_in_use() -> list[str]:
    """Slugs on open postings (one UNION)."""
    stmt = union(
        select(RequestTopic.slug)
        .join(TrainingRequest, TrainingRequest.id == RequestTopic.request_id)
        .where(TrainingRequest.status == RequestStatus.open),
        select(OfferTopic.slug).join(TrainingOffer, TrainingOffer.id == OfferTopic.offer_id)
        .where(TrainingOffer.status == OfferStatus.open),
    )
    return sorted(db.session.scalars(stmt))


def places_in_use() -> list[tuple[str, str]]:
    """(city key, label in the reader's language) of open postings, by label."""
    stmt = union(
        select(TrainingRequest.city_key.label("key"), TrainingRequest.city.label("name"))
        .where(TrainingRequest.status == RequestStatus.open,
               TrainingRequest.city_key.is_not(None)),
        select(OfferCity.key, OfferCity.name)
        .join(TrainingOffer, and_(TrainingOffer.id == OfferCity.offer_id,
                                  TrainingOffer.status == OfferStatus.open)),
    )
    labels: dict[str, str] = {}
    for key, name in db.session.execute(stmt):
        labels.setdefault(key, city_label(key, name))
    return sorted(labels.items(), key=lambda item: item[1].casefold())


def origins(event_ids: list[int]) -> dict[int, tuple[int, int]]:
    """event id -> (request id, offer id) of the accepted proposal it was made from."""
    if not event_ids:
        return {}
    rows = db.session.execute(
        select(Proposal.event_id, Proposal.request_id, Proposal.offer_id)
        .where(Proposal.event_id.in_(event_ids))
    )
    return {event_id: (request_id, offer_id) for event_id, request_id, offer_id in rows}
