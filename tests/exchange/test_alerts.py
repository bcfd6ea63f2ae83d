"""The match digest: new postings that match an organization's open ones well reach its focal
points by mail (through a real SMTP server), at most once a day, and nothing is lost."""
from __future__ import annotations

from datetime import timedelta

import pytest

from extensions import db
from liaison.accounts.models import OrgKind
from liaison.core.types import utcnow
from liaison.exchange import alerts
from liaison.exchange.models import ExchangeDigest
from liaison.mail import outbox


def deliver_all():
    report = outbox.deliver()
    db.session.commit()
    return report


def later(days: float):
    return utcnow() + timedelta(days=days)


@pytest.fixture
def customs_request(customs_focal, post_request):
    return post_request(customs_focal, topics=["product-identification", "batteries"],
                        languages=["zh"])


def digests_to(user) -> list:
    from liaison.mail.models import OutboxMessage

    return list(db.session.scalars(
        db.select(OutboxMessage).where(OutboxMessage.kind == "exchange_digest",
                                       OutboxMessage.recipient == user.email)
        .order_by(OutboxMessage.id)))


def test_a_new_offer_that_matches_well_reaches_both_sides(
    app, smtp_server, customs_focal, brand_focal, customs_request, post_offer
):
    customs_focal.language = "zh"
    db.session.commit()
    offer = post_offer(brand_focal, topics=["product-identification", "batteries"])
    # Both are new to each other: each side hears of the other's posting.
    assert alerts.send_match_alerts(later(0.01)) == 2
    db.session.commit()
    assert deliver_all().sent == 2
    by_recipient = {tuple(rcpt): message for _from, rcpt, message in smtp_server.inbox.received}
    message = by_recipient[(customs_focal.email,)]
    body = message.get_body(("plain",)).get_content()
    assert customs_request.title in body and offer.title in body
    assert f"/exchange/requests/{customs_request.id}" in body
    assert str(message["Subject"]) == "交流平台上有新的匹配"  # in the recipient's language
    assert brand_focal.email in {r[0] for r in by_recipient}


def test_at_most_one_digest_a_day_and_nothing_is_lost(
    app, customs_focal, brand_focal, make_focal, make_org, customs_request, post_offer
):
    post_offer(brand_focal, topics=["product-identification", "batteries"])
    alerts.send_match_alerts(utcnow())
    db.session.commit()
    assert len(digests_to(customs_focal)) == 1
    second_brand = make_focal(make_org("Second brand", OrgKind.rights_holder))
    second = post_offer(second_brand, topics=["batteries", "product-identification"])
    alerts.send_match_alerts(utcnow() + timedelta(hours=12))  # the same day: held back
    db.session.commit()
    assert len(digests_to(customs_focal)) == 1
    alerts.send_match_alerts(utcnow() + timedelta(hours=25))  # the next day: not lost
    db.session.commit()
    [_first, held_back] = digests_to(customs_focal)
    assert second.title in held_back.body_text
    alerts.send_match_alerts(utcnow() + timedelta(hours=50))  # nothing new since
    db.session.commit()
    assert len(digests_to(customs_focal)) == 2


def test_a_poor_match_is_not_mailed(app, customs_focal, brand_focal, post_request, post_offer):
    post_request(customs_focal, topics=["product-identification", "batteries", "recordation"])
    post_offer(brand_focal, topics=["batteries"])  # a third of the topics: 0.63
    assert alerts.send_match_alerts(later(0.01)) == 0
    db.session.commit()
    digest = db.session.get(ExchangeDigest, customs_focal.id)
    assert digest is not None and digest.last_sent_at is None


def test_postings_older_than_the_watermark_are_not_mailed_again(
    app, customs_focal, brand_focal, post_request, post_offer
):
    offer = post_offer(brand_focal)
    alerts.send_match_alerts(utcnow())  # the brand's watermark: nothing to match yet
    db.session.commit()
    request = post_request(customs_focal)
    alerts.send_match_alerts(utcnow())
    db.session.commit()
    [to_brand] = digests_to(brand_focal)
    assert request.title in to_brand.body_text and offer.title in to_brand.body_text
    # The offer was there before customs' watermark: their request's page lists it at once.
    assert digests_to(customs_focal) == []
    alerts.send_match_alerts(utcnow() + timedelta(days=3))
    db.session.commit()
    assert len(digests_to(brand_focal)) == 1 and digests_to(customs_focal) == []
