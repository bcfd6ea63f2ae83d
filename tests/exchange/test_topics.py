"""Requests and offers carry the vocabulary's slugs: names in either language resolve to one
slug, and a topic merged into another moves them along (as it moves events)."""
from __future__ import annotations

import pytest

from extensions import db
from liaison.accounts.models import OrgKind, Role
from liaison.core.errors import ValidationFailed
from liaison.events import topics
from liaison.exchange import matching, postings
from liaison.exchange.inputs import RequestInput
from tests.exchange.conftest import soon


def test_names_in_either_language_resolve_to_one_slug(customs_focal, post_request):
    request = post_request(customs_focal, topics=["产品鉴别", "Product Identification",
                                                  "product-identification", "电池"])
    assert request.topics == ["batteries", "product-identification"]


def test_a_name_outside_the_vocabulary_is_refused(customs_focal):
    with pytest.raises(ValidationFailed) as error:
        postings.create_request(RequestInput(
            organization_id=customs_focal.organization_id, title="Need",
            topics=["underwater basket weaving"], earliest=soon(1), latest=soon(9),
            mode="online", languages=["en"]), by=customs_focal)
    assert "underwater basket weaving" in error.value.fields["topics"]


def test_a_merged_topic_moves_requests_and_offers_to_the_survivor(
    customs_focal, brand_focal, post_request, post_offer, make_user, make_org
):
    admin = make_user(role=Role.admin, org=make_org(kind=OrgKind.association))
    duplicate = topics.ensure_topic("genuine or fake")
    db.session.commit()
    both = post_request(customs_focal, topics=["genuine-or-fake", "product-identification"])
    offer = post_offer(brand_focal, topics=["genuine-or-fake"])
    assert matching.matches_for_request(both)[0].score == 0.725  # half the topics
    topics.merge_topic(duplicate, topics.resolve("product identification"), by=admin)
    db.session.commit()
    db.session.expire_all()
    assert both.topics == ["product-identification"]  # once, not twice
    assert offer.topics == ["product-identification"]
    assert matching.matches_for_request(both)[0].score == 1.0
