"""The match digest (a worker job): when a new offer matches an open request of a focal
point's organization well — or a new request matches one of its open offers — the focal point
gets one mail listing them, at most one a day.

Per focal point, `ExchangeDigest.seen_until` marks up to when new postings have been looked
at; postings made since then and matching well go into the next digest. A focal point who got
a digest less than a day ago is skipped and keeps their watermark, so nothing is lost: it all
comes in the next one."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from extensions import db
from liaison.accounts.models import Membership, User
from liaison.exchange import access, matching, notices
from liaison.exchange.models import ExchangeDigest, TrainingOffer, TrainingRequest

# "Matches well": at least half the topics with all else right, or every topic.
GOOD_SCORE = 0.7
INTERVAL = timedelta(days=1)
FIRST_LOOK_BACK = timedelta(days=1)  # a new focal point's first digest covers the last day
PAIRS_MAX = 20


def _new_pairs(user: User, since: datetime, now: datetime) -> list[matching.Match]:
    """Good pairs of the user's organizations' open postings with the other side's new ones."""
    mine = access.acted_for_ids(user)
    my_requests = select(TrainingRequest.id).where(TrainingRequest.organization_id.in_(mine))
    my_offers = select(TrainingOffer.id).where(TrainingOffer.organization_id.in_(mine))
    new_offers = select(TrainingOffer.id).where(TrainingOffer.created_at > since,
                                                TrainingOffer.created_at <= now)
    new_requests = select(TrainingRequest.id).where(TrainingRequest.created_at > since,
                                                    TrainingRequest.created_at <= now)
    found = matching.best_of(matching.pairs(requests=my_requests, offers=new_offers),
                             matching.pairs(requests=new_requests, offers=my_offers),
                             limit=PAIRS_MAX)
    return [m for m in found if m.score >= GOOD_SCORE]


def _recipients() -> list[User]:
    """Every acting focal point (each then hears only of their own organizations' pairs)."""
    return list(db.session.scalars(
        select(User).where(User.focal_point.is_(True), User.active.is_(True),
                           User.membership == Membership.verified)
        .order_by(User.id)
    ))


def send_match_alerts(now: datetime) -> int:
    """Queue today's digests; returns how many were queued."""
    sent = 0
    digests = {d.user_id: d for d in db.session.scalars(select(ExchangeDigest))}
    for user in _recipients():
        digest = digests.get(user.id)
        if digest is None:
            digest = ExchangeDigest(user_id=user.id, seen_until=now - FIRST_LOOK_BACK)
            db.session.add(digest)
        if digest.last_sent_at is not None and digest.last_sent_at > now - INTERVAL:
            continue
        found = _new_pairs(user, digest.seen_until, now)
        digest.seen_until = now
        if found:
            notices.digest(user, found)
            digest.last_sent_at = now
            sent += 1
    db.session.flush()
    return sent
