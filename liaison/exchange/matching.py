"""Matching requests with offers, in SQL: hard filters, then a score in [0, 1] led by topic
overlap, then language, place and dates; each match says why (`reasons`).

A pair matches when both are open and belong to different organizations, they share at least
one topic (a suggestion about nothing the requester asked for is noise), and:
- kinds fit both ways: the offering organization's kind is among the request's
  `trainer_kinds` and the requesting organization's kind among the offer's `audience_kinds`
  (an empty list means any kind);
- they share a language;
- the mode is compatible: both allow online, or both allow in person and the request's city
  is among the offer's cities (by key: either language, any case — see `cities`);
- the date ranges overlap, bounds inclusive (an offer's missing bound is open-ended).

Score = 0.55 × topic coverage (shared topics / the request's topics)
      + 0.20 × language (1 when the offer covers all the request's languages, else 0.5)
      + 0.15 × place (1 in person in the request's city or for an online-only request,
        0.5 when an "either" request would have to go online)
      + 0.10 × dates (1 when the offer covers the whole request window, else 0.5).
The weights make each criterion outrank all those after it.

Everything is one statement (`pairs`), driven by the topic-slug indexes: a request's
matches read only the offers that share one of its topics, never every offer."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import (
    Float,
    Integer,
    Select,
    String,
    and_,
    bindparam,
    case,
    cast,
    exists,
    func,
    literal,
    or_,
    select,
)
from sqlalchemy.orm import aliased, joinedload, selectinload

from extensions import db
from liaison.accounts.models import Organization
from liaison.exchange import topics as vocabulary
from liaison.exchange.cities import city_label
from liaison.exchange.columns import LANGUAGE_BITS
from liaison.exchange.models import (
    Mode,
    OfferCity,
    OfferStatus,
    OfferTopic,
    RequestStatus,
    RequestTopic,
    TrainingOffer,
    TrainingRequest,
)

WEIGHTS = {"topics": 0.55, "language": 0.20, "place": 0.15, "dates": 0.10}
LIMIT_MAX = 50


@dataclass
class Match:
    request: TrainingRequest
    offer: TrainingOffer
    score: float
    reasons: list[dict] = field(default_factory=list)


def _kind_in(csv_column, kind_column):
    """`kind_column` is in a kinds_csv column, or the column is empty (any kind)."""
    needle = literal(",") + cast(kind_column, String) + literal(",")
    return or_(csv_column == "", csv_column.contains(needle))


def _in_person(r, o):
    """Both allow in person and the offer lists the request's city (same key)."""
    city = aliased(OfferCity, name="oc")
    return and_(
        r.mode != Mode.online,
        o.mode != Mode.online,
        r.city_key.is_not(None),
        exists().where(city.offer_id == o.id, city.key == r.city_key),
    )


def _filters(r, o, ro, oo) -> list:
    """Every hard filter but the shared topic (`ro`, `oo`: the two organizations)."""
    online = and_(r.mode != Mode.in_person, o.mode != Mode.in_person)
    return [
        ro.id == r.organization_id,
        oo.id == o.organization_id,
        r.status == RequestStatus.open,
        o.status == OfferStatus.open,
        r.organization_id != o.organization_id,
        _kind_in(r.trainer_kinds_csv, oo.kind),
        _kind_in(o.audience_kinds_csv, ro.kind),
        r.language_mask.bitwise_and(o.language_mask) != 0,
        or_(online, _in_person(r, o)),
        or_(o.available_until.is_(None), r.earliest <= o.available_until),
        or_(o.available_from.is_(None), o.available_from <= r.latest),
    ]


def _orgs():
    return aliased(Organization, name="requesting_org"), aliased(Organization, name="offering_org")


def _score(r, o, shared):
    """The score of a pair that shares `shared` topics."""
    request_topics = (
        select(func.count()).select_from(RequestTopic)
        .where(RequestTopic.request_id == r.id).scalar_subquery()
    )
    topic = cast(shared, Float) / cast(request_topics, Float)
    language = case(
        (r.language_mask.bitwise_and(o.language_mask) == r.language_mask, 1.0), else_=0.5
    )
    place = case((_in_person(r, o), 1.0), (r.mode == Mode.online, 1.0), else_=0.5)
    whole_window = and_(
        or_(o.available_from.is_(None), o.available_from <= r.earliest),
        or_(o.available_until.is_(None), o.available_until >= r.latest),
    )
    dates = case((whole_window, 1.0), else_=0.5)
    return (
        WEIGHTS["topics"] * topic + WEIGHTS["language"] * language
        + WEIGHTS["place"] * place + WEIGHTS["dates"] * dates
    )


def _shared(requests, offers):
    """(request_id, offer_id, shared topics) of the pairs that share a topic, starting from the
    topic rows of `requests` (or of `offers`): ids, or a SELECT of ids. A derived table with
    GROUP BY, so both databases compute it first, through the slug indexes, and only then
    look up the few offers (or requests) it names by primary key."""
    rt = aliased(RequestTopic, name="rt")
    ot = aliased(OfferTopic, name="ot")
    stmt = select(rt.request_id, ot.offer_id, func.count().label("shared")).where(
        ot.slug == rt.slug)
    if requests is not None:
        stmt = stmt.where(rt.request_id.in_(requests))
    if offers is not None:
        stmt = stmt.where(ot.offer_id.in_(offers))
    return stmt.group_by(rt.request_id, ot.offer_id).subquery("shared")


def pairs(*, requests=None, offers=None) -> Select:
    """SELECT (request_id, offer_id, score) of the matching pairs among `requests` and
    `offers` (ids or SELECTs of ids; None: all — name at least one side), best first."""
    if requests is None and offers is None:
        raise ValueError("pairs() needs the requests or the offers to start from")
    shared = _shared(requests, offers)
    r, o = TrainingRequest, TrainingOffer
    ro, oo = _orgs()
    score = _score(r, o, shared.c.shared).label("score")
    return (
        select(shared.c.request_id, shared.c.offer_id, score)
        .where(r.id == shared.c.request_id, o.id == shared.c.offer_id, *_filters(r, o, ro, oo))
        .order_by(score.desc(), shared.c.request_id, shared.c.offer_id)
    )


def has_match_clause():
    """EXISTS an offer matching the outer query's TrainingRequest row (correlated: the outer
    request's topic rows, then the offers with those slugs, by index)."""
    r, o = TrainingRequest, TrainingOffer
    ro, oo = _orgs()
    rt = aliased(RequestTopic, name="rt")
    ot = aliased(OfferTopic, name="ot")
    return exists().where(rt.request_id == r.id, ot.slug == rt.slug, o.id == ot.offer_id,
                          *_filters(r, o, ro, oo))


def _load_requests(ids, known=None) -> dict[int, TrainingRequest]:
    if isinstance(known, TrainingRequest) and ids == {known.id}:
        return {known.id: known}
    if not ids:
        return {}
    rows = db.session.scalars(
        select(TrainingRequest).where(TrainingRequest.id.in_(ids))
        .options(joinedload(TrainingRequest.organization),
                 selectinload(TrainingRequest.topic_rows))
    )
    return {row.id: row for row in rows}


def _load_offers(ids, known=None) -> dict[int, TrainingOffer]:
    if isinstance(known, TrainingOffer) and ids == {known.id}:
        return {known.id: known}
    if not ids:
        return {}
    rows = db.session.scalars(
        select(TrainingOffer).where(TrainingOffer.id.in_(ids))
        .options(joinedload(TrainingOffer.organization), selectinload(TrainingOffer.topic_rows),
                 selectinload(TrainingOffer.city_rows))
    )
    return {row.id: row for row in rows}


@cache
def _by_ids(requests: bool, offers: bool) -> Select:
    """`pairs` from given request and/or offer ids, built once: the ids are bound at run
    time (`request_ids`, `offer_ids`), and so is the limit."""
    stmt = pairs(requests=bindparam("request_ids", expanding=True) if requests else None,
                 offers=bindparam("offer_ids", expanding=True) if offers else None)
    return stmt.limit(bindparam("limit", type_=Integer))


def run(stmt: Select, limit: int, params: dict | None = None,
        known: TrainingRequest | TrainingOffer | None = None,
        names: dict[str, str] | None = None) -> list[Match]:
    """Run a `pairs` statement and load both sides of each pair in a fixed number of queries
    (`known`: a request or offer the caller has loaded already; `names`: topic labels read
    already)."""
    limit = max(1, min(limit, LIMIT_MAX))
    if params is None:
        rows = db.session.execute(stmt.limit(limit)).all()
    else:
        rows = db.session.execute(stmt, {**params, "limit": limit}).all()
    requests = _load_requests({row.request_id for row in rows}, known)
    offers = _load_offers({row.offer_id for row in rows}, known)
    if names is None:
        names = vocabulary.all_labels() if rows else {}
    phrases = _Phrases() if rows else None
    found = []
    for row in rows:
        request, offer = requests[row.request_id], offers[row.offer_id]
        found.append(Match(request, offer, round(float(row.score), 3),
                           reasons(request, offer, names, phrases)))
    return found


def matches_for_request(request: TrainingRequest, *, limit: int = 20) -> list[Match]:
    """The offers that match a request, best first."""
    return run(_by_ids(True, False), limit, {"request_ids": [request.id]}, known=request)


def matches_for_offer(offer: TrainingOffer, *, limit: int = 20) -> list[Match]:
    """The requests that match an offer, best first."""
    return run(_by_ids(False, True), limit, {"offer_ids": [offer.id]}, known=offer)


def match_of(request: TrainingRequest, offer: TrainingOffer) -> Match | None:
    """The pair's match, or None when it does not pass the hard filters."""
    found = run(_by_ids(True, True), 1, {"request_ids": [request.id], "offer_ids": [offer.id]})
    return found[0] if found else None


def best_of(*statements: Select, limit: int) -> list[Match]:
    """The best `limit` pairs of several `pairs` statements (each index-driven from its own
    side: cheaper than one statement with an OR of both sides)."""
    names = vocabulary.all_labels()
    found = {(m.request.id, m.offer.id): m for stmt in statements
             for m in run(stmt, limit, names=names)}
    return sorted(found.values(), key=lambda m: (-m.score, m.request.id, m.offer.id))[:limit]


def suggestions_for(org_ids: Select, *, limit: int = 6) -> list[Match]:
    """The best pairs in which one side belongs to the organizations `org_ids` selects: what
    their focal points should look at first."""
    theirs_requests = select(TrainingRequest.id).where(
        TrainingRequest.organization_id.in_(org_ids),
        TrainingRequest.status == RequestStatus.open)
    theirs_offers = select(TrainingOffer.id).where(
        TrainingOffer.organization_id.in_(org_ids), TrainingOffer.status == OfferStatus.open)
    return best_of(pairs(requests=theirs_requests), pairs(offers=theirs_offers), limit=limit)


class _Phrases:
    """The reasons' sentences in the reader's language, looked up once for a batch of matches
    (gettext's per-call look-up cost more than the query that found them). Without arguments
    gettext returns the translated pattern, filled in here."""

    def __init__(self):
        self.topics = _("Shared topics: %(topics)s (%(n)d of %(total)d requested)")
        self.language = _("Both work in %(languages)s")
        self.in_person = _("Can train in person in %(city)s")
        self.online = _("Can train online")
        self.whole = _("Available for the whole requested window")
        self.part = _("Available for part of the window: %(start)s to %(end)s")
        self.languages = {"en": _("English"), "zh": _("Chinese")}
        self.joiner = _(" and ")

    def language_names(self, codes: list[str]) -> str:
        return self.joiner.join(self.languages[c] for c in codes)


def reasons(request: TrainingRequest, offer: TrainingOffer,
            names: dict[str, str] | None = None,
            phrases: _Phrases | None = None) -> list[dict]:
    """Why a pair matches, in the reader's language: topics, language, place, dates
    (`names`: the vocabulary's labels and `phrases`, when the caller has them already)."""
    said = []
    phrases = phrases or _Phrases()
    shared = [slug for slug in request.topics if slug in set(offer.topics)]
    if shared:
        names = names if names is not None else vocabulary.all_labels()
        said.append({"code": "topics", "text": phrases.topics % {
            "topics": ", ".join(names.get(s) or vocabulary.fallback_label(s) for s in shared),
            "n": len(shared), "total": len(request.topics)}})
    languages = [code for code in LANGUAGE_BITS if code in request.languages
                 and code in offer.languages]
    if languages:
        said.append({"code": "language", "text": phrases.language % {
            "languages": phrases.language_names(languages)}})
    in_person = (request.mode.allows_in_person and offer.mode.allows_in_person
                 and request.city_key in offer.city_keys)
    if in_person:
        said.append({"code": "place", "text": phrases.in_person % {
            "city": city_label(request.city_key, request.city)}})
    elif request.mode.allows_online and offer.mode.allows_online:
        said.append({"code": "place", "text": phrases.online})
    start = max(request.earliest, offer.available_from or request.earliest)
    end = min(request.latest, offer.available_until or request.latest)
    if start <= request.earliest and end >= request.latest:
        said.append({"code": "dates", "text": phrases.whole})
    elif start <= end:
        said.append({"code": "dates", "text": phrases.part % {
            "start": format_date(start, "medium"), "end": format_date(end, "medium")}})
    return said
