"""The exchange pages run the same number of SQL statements with few or many postings:
matches, cards, topics and cities are loaded in a fixed number of queries."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest

from extensions import db
from liaison.accounts.models import Organization, OrgKind
from liaison.exchange import proposals
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
from tests.events.test_query_counts import counting
from tests.exchange.conftest import soon


def add_postings(n: int, brand_orgs, customs) -> None:
    """n offers by brands and n requests by customs, all matching one another."""
    for i in range(n):
        offer = TrainingOffer(
            organization=brand_orgs[i % len(brand_orgs)], title=f"Offer {i}",
            mode=Mode.either, language_mask=3, status=OfferStatus.open,
            created_at=datetime.now(UTC))
        offer.topic_rows = [OfferTopic(slug="product-identification"),
                            OfferTopic(slug=f"topic-{i % 5}")]
        offer.city_rows = [OfferCity(key="shenzhen", name="Shenzhen", position=0),
                           OfferCity(key=f"city-{i % 4}", name=f"City {i % 4}", position=1)]
        request = TrainingRequest(
            organization=customs, title=f"Request {i}", earliest=soon(10), latest=soon(60),
            mode=Mode.either, city="Shenzhen", city_key="shenzhen", language_mask=2,
            timezone="Asia/Shanghai", status=RequestStatus.open, expires_on=soon(60))
        request.topic_rows = [RequestTopic(slug="product-identification"),
                              RequestTopic(slug=f"topic-{i % 3}")]
        db.session.add_all([offer, request])
    db.session.commit()


def statements_for(client, url: str) -> int:
    db.session.expire_all()
    with counting() as statements:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(statements)


@pytest.fixture
def setting(customs_focal, brand_focal, post_request, post_offer):
    brands = [brand_focal.organization] + [
        Organization(name=f"Brand {i}", kind=OrgKind.rights_holder) for i in range(3)]
    db.session.add_all(brands)
    request = post_request(customs_focal)
    offer = post_offer(brand_focal)
    proposal = proposals.propose(request, offer, by=brand_focal, message="Hello")
    db.session.commit()
    return brands, request, offer, proposal


def test_page_query_counts_do_not_grow_with_postings(client, login, setting, customs_focal,
                                                     make_user, make_org, monkeypatch):
    brands, request, offer, proposal = setting
    customs = customs_focal.organization
    monkeypatch.setitem(client.application.config, "PER_PAGE", 100)
    staff = make_user(org=make_org("Alliance", OrgKind.association))
    urls = ["/exchange/", "/exchange/?show=offers", "/exchange/?show=requests&topic=topic-1",
            f"/exchange/requests/{request.id}", f"/exchange/offers/{offer.id}",
            "/exchange/mine", "/exchange/proposals?direction=outgoing",
            f"/exchange/proposals/{proposal.id}", f"/exchange/proposals/new?request="
            f"{request.id}&offer={offer.id}"]
    add_postings(5, brands, customs)
    login(customs_focal)
    small = {url: statements_for(client, url) for url in urls}
    login(staff)
    small["figures"] = statements_for(client, "/exchange/figures")

    add_postings(60, brands, customs)
    login(customs_focal)
    large = {url: statements_for(client, url) for url in urls}
    login(staff)
    large["figures"] = statements_for(client, "/exchange/figures")
    assert small == large
    assert max(large.values()) <= 22, large
    # And the pages really show the many: a request page lists up to 20 matches.
    body = client.get(f"/exchange/offers/{offer.id}").get_data(as_text=True)
    assert body.count('class="list-group-item match-row"') == 20
