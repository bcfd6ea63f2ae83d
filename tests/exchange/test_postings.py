"""Posting requests and offers: the rules of shape, who may post and change them, the status
moves, and expiry."""
from __future__ import annotations

from datetime import timedelta

import pytest

from extensions import db
from liaison.accounts.models import OrgKind, Role
from liaison.core.errors import Conflict, NotAllowed, ValidationFailed
from liaison.core.types import utcnow
from liaison.exchange import postings
from liaison.exchange.inputs import OfferInput, RequestInput
from liaison.exchange.models import OfferStatus, RequestStatus, TrainingRequest
from tests.exchange.conftest import soon


def request_input(focal, **fields) -> RequestInput:
    values = dict(organization_id=focal.organization_id, title="Need", topics=["recordation"],
                  earliest=soon(10), latest=soon(40), mode="online", languages=["en"])
    values.update(fields)
    return RequestInput(**values)


@pytest.mark.parametrize("fields, field", [
    ({"title": "   "}, "title"),
    ({"title": "x" * 201}, "title"),
    ({"topics": []}, "topics"),
    ({"topics": ["not a slug!"]}, "topics"),
    ({"topics": [f"topic-{i}" for i in range(13)]}, "topics"),
    ({"languages": []}, "languages"),
    ({"languages": ["fr"]}, "languages"),
    ({"mode": "carrier pigeon"}, "mode"),
    ({"mode": "in_person", "city": ""}, "city"),
    ({"earliest": None}, "earliest"),
    ({"latest": soon(5)}, "latest"),  # before the earliest
    ({"earliest": soon(-30), "latest": soon(-1)}, "latest"),  # already over
    ({"expires_on": soon(-1)}, "expires_on"),
    ({"expires_on": soon(41)}, "expires_on"),  # after the latest date
    ({"expected_participants": 0}, "expected_participants"),
    ({"trainer_kinds": ["wizards"]}, "trainer_kinds"),
    ({"timezone": "Mars/Olympus"}, "timezone"),
    ({"organization_id": 999_999}, "organization_id"),
])
def test_a_bad_request_is_refused_field_by_field_and_nothing_is_written(
    customs_focal, fields, field
):
    with pytest.raises(ValidationFailed) as error:
        postings.create_request(request_input(customs_focal, **fields), by=customs_focal)
    assert field in error.value.fields
    db.session.rollback()
    assert db.session.scalar(db.select(db.func.count()).select_from(TrainingRequest)) == 0


def test_a_request_gets_its_defaults(customs_focal):
    customs_focal.timezone = "Europe/Berlin"
    request = postings.create_request(
        request_input(customs_focal, city="  深圳 ", topics=["Recordation", "recordation"]),
        by=customs_focal)
    assert request.status == RequestStatus.open
    assert request.expires_on == request.latest and request.timezone == "Europe/Berlin"
    assert request.city == "深圳" and request.city_key == "shenzhen"
    assert request.topics == ["recordation"]


@pytest.mark.parametrize("fields, field", [
    ({"mode": "in_person", "cities": []}, "cities"),
    ({"cities": [f"City {i}" for i in range(21)]}, "cities"),
    ({"available_from": soon(20), "available_until": soon(10)}, "available_until"),
    ({"audience_kinds": ["nobody"]}, "audience_kinds"),
    ({"languages": []}, "languages"),
])
def test_a_bad_offer_is_refused_field_by_field(brand_focal, fields, field):
    values = dict(organization_id=brand_focal.organization_id, title="Offer",
                  topics=["recordation"], mode="online", languages=["en"])
    values.update(fields)
    with pytest.raises(ValidationFailed) as error:
        postings.create_offer(OfferInput(**values), by=brand_focal)
    assert field in error.value.fields


def test_only_focal_points_of_the_organization_post_and_change(
    customs_focal, brand_focal, make_user, post_request
):
    member = make_user(org=customs_focal.organization, role=Role.participant)
    if hasattr(member, "focal_point"):
        member.focal_point = False
    with pytest.raises(NotAllowed):
        postings.create_request(request_input(customs_focal), by=member)
    with pytest.raises(NotAllowed):
        postings.create_request(request_input(customs_focal), by=brand_focal)
    request = post_request(customs_focal)
    with pytest.raises(NotAllowed):
        postings.update_request(request, request_input(customs_focal, title="Mine"),
                                by=brand_focal)
    with pytest.raises(NotAllowed):
        postings.withdraw_request(request, by=brand_focal)


def test_an_admin_acts_for_any_organization(customs_focal, make_user, make_org):
    admin = make_user(role=Role.admin, org=make_org(kind=OrgKind.association))
    request = postings.create_request(request_input(customs_focal), by=admin)
    assert request.organization_id == customs_focal.organization_id


def test_withdraw_reopen_and_settled_requests(customs_focal, post_request):
    request = post_request(customs_focal)
    postings.withdraw_request(request, by=customs_focal)
    with pytest.raises(Conflict):
        postings.withdraw_request(request, by=customs_focal)
    postings.reopen_request(request, by=customs_focal)
    assert request.status == RequestStatus.open
    request.status = RequestStatus.matched
    with pytest.raises(Conflict):
        postings.update_request(request, request_input(customs_focal), by=customs_focal)


def test_offer_status_moves(brand_focal, post_offer):
    offer = post_offer(brand_focal)
    postings.set_offer_status(offer, "paused", by=brand_focal)
    postings.set_offer_status(offer, "open", by=brand_focal)
    postings.set_offer_status(offer, "closed", by=brand_focal)
    assert offer.status == OfferStatus.closed
    with pytest.raises(Conflict):
        postings.set_offer_status(offer, "open", by=brand_focal)
    with pytest.raises(Conflict):
        postings.update_offer(offer, OfferInput.from_offer(offer), by=brand_focal)


def test_editing_an_offer_replaces_topics_and_cities(brand_focal, post_offer):
    offer = post_offer(brand_focal, cities=["Shenzhen", "深圳", "Hangzhou"])
    assert offer.cities == ["Shenzhen", "Hangzhou"]  # 深圳 is Shenzhen: one entry
    data = OfferInput.from_offer(offer)
    data.cities, data.topics = ["Berlin"], ["recordation", "postal-channel"]
    postings.update_offer(offer, data, by=brand_focal)
    db.session.commit()
    db.session.expire_all()
    assert offer.cities == ["Berlin"] and offer.city_keys == {"berlin"}
    assert offer.topics == ["postal-channel", "recordation"]


def test_open_requests_expire_after_their_expiry_date(customs_focal, post_request):
    due = post_request(customs_focal, expires_on=soon(1), latest=soon(40))
    later = post_request(customs_focal, expires_on=soon(20))
    withdrawn = post_request(customs_focal, expires_on=soon(1))
    postings.withdraw_request(withdrawn, by=customs_focal)
    db.session.commit()
    assert postings.expire_requests(utcnow() + timedelta(days=1)) == 0  # the last day counts
    assert postings.expire_requests(utcnow() + timedelta(days=2)) == 1
    db.session.commit()
    db.session.expire_all()
    assert (due.status, later.status, withdrawn.status) == (
        RequestStatus.expired, RequestStatus.open, RequestStatus.withdrawn)
