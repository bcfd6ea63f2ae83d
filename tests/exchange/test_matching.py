"""Matching on hand-made cases: every hard filter lets the fitting pair through and stops the
one that does not; the score puts topic overlap first, then language, place and dates."""
from __future__ import annotations

import pytest

from extensions import db
from liaison.accounts.models import OrgKind
from liaison.exchange import matching, postings
from liaison.exchange.models import OfferStatus
from tests.exchange.conftest import soon


def offer_ids(request) -> list[int]:
    return [m.offer.id for m in matching.matches_for_request(request)]


@pytest.fixture
def pair(customs_focal, brand_focal, post_request, post_offer):
    """post(request_fields, offer_fields) -> (request, offer, does the offer match?)."""

    def post(request_fields=None, offer_fields=None):
        request = post_request(customs_focal, **(request_fields or {}))
        offer = post_offer(brand_focal, **(offer_fields or {}))
        return request, offer, offer.id in offer_ids(request)

    return post


def test_a_fitting_pair_matches_both_ways_with_a_full_score(pair):
    request, offer, matched = pair()
    assert matched
    [match] = matching.matches_for_request(request)
    assert match.score == 1.0
    assert [m.request.id for m in matching.matches_for_offer(offer)] == [request.id]
    assert {r["code"] for r in match.reasons} == {"topics", "language", "place", "dates"}


def test_no_shared_topic_is_no_match(pair):
    assert not pair({"topics": ["recordation"]}, {"topics": ["product-identification"]})[2]


def test_topics_are_compared_by_slug_whatever_the_spelling(pair):
    assert pair({"topics": ["Product identification"]}, {"topics": ["product-identification"]})[2]


def test_bilingual_topics_are_one_topic(pair):
    """A request typed in Chinese meets an offer typed in English: one slug."""
    request, offer, matched = pair({"topics": ["产品鉴别"]}, {"topics": ["product identification"]})
    assert matched and request.topics == offer.topics == ["product-identification"]
    [match] = matching.matches_for_request(request)
    assert match.score == 1.0


@pytest.mark.parametrize("request_trainers, offer_audience, matched", [
    ([], [], True),  # empty lists: any kind
    ([OrgKind.rights_holder], [OrgKind.customs], True),
    # The offer trains customs, but the request wants customs as trainers: one side only.
    ([OrgKind.customs], [OrgKind.customs], False),
    # The request wants rights holders, but the offer trains judges only: the other side only.
    ([OrgKind.rights_holder], [OrgKind.judiciary], False),
    ([OrgKind.law_enforcement, OrgKind.rights_holder], [], True),
    ([], [OrgKind.judiciary, OrgKind.customs], True),
])
def test_kinds_must_fit_in_both_directions(pair, request_trainers, offer_audience, matched):
    result = pair({"trainer_kinds": request_trainers}, {"audience_kinds": offer_audience})
    assert result[2] is matched


@pytest.mark.parametrize("request_languages, offer_languages, matched", [
    (["en"], ["zh"], False),  # disjoint
    (["zh"], ["en"], False),
    (["en", "zh"], ["zh"], True),
    (["en"], ["en", "zh"], True),
])
def test_they_must_share_a_language(pair, request_languages, offer_languages, matched):
    result = pair({"languages": request_languages}, {"languages": offer_languages})
    assert result[2] is matched


@pytest.mark.parametrize("request_fields, offer_fields, matched", [
    ({"mode": "in_person", "city": "Shenzhen"}, {"mode": "online", "cities": []}, False),
    ({"mode": "online", "city": None}, {"mode": "in_person", "cities": ["Shenzhen"]}, False),
    # In person: the request's city among the offer's, in either language, any case.
    ({"mode": "in_person", "city": "Shenzhen"}, {"mode": "in_person", "cities": ["深圳"]}, True),
    ({"mode": "in_person", "city": "深圳市"}, {"mode": "either", "cities": ["SHENZHEN CITY"]},
     True),
    ({"mode": "in_person", "city": "Shenzhen"}, {"mode": "in_person", "cities": ["Hangzhou"]},
     False),
    # Cities the gazetteer does not know still meet case-insensitively, beyond ASCII too.
    ({"mode": "in_person", "city": "ÅRHUS"}, {"mode": "in_person", "cities": ["århus"]}, True),
    ({"mode": "in_person", "city": "Zhangjiagang"}, {"mode": "in_person",
                                                     "cities": ["zhangjiagang"]}, True),
    # Either on both sides: online is always possible, whatever the cities.
    ({"mode": "either", "city": "Beijing"}, {"mode": "either", "cities": ["Hangzhou"]}, True),
    # An "either" request meets an in-person-only offer only in its own city.
    ({"mode": "either", "city": "Beijing"}, {"mode": "in_person", "cities": ["Hangzhou"]}, False),
    ({"mode": "either", "city": "Beijing"}, {"mode": "in_person", "cities": ["北京"]}, True),
    ({"mode": "either", "city": None}, {"mode": "in_person", "cities": ["Beijing"]}, False),
])
def test_mode_and_place_must_be_compatible(pair, request_fields, offer_fields, matched):
    assert pair(request_fields, offer_fields)[2] is matched


@pytest.mark.parametrize("offer_fields, matched", [
    ({"available_from": soon(61)}, False),  # starts the day after the request's window
    ({"available_until": soon(29)}, False),  # ends the day before it
    ({"available_from": soon(60)}, True),  # touches the last day: bounds are inclusive
    ({"available_until": soon(30)}, True),  # touches the first day
    ({"available_from": soon(10), "available_until": soon(100)}, True),
    ({"available_from": soon(40), "available_until": soon(50)}, True),  # inside
])
def test_date_ranges_must_overlap_bounds_inclusive(pair, offer_fields, matched):
    request_fields = {"earliest": soon(30), "latest": soon(60)}
    assert pair(request_fields, offer_fields)[2] is matched


def test_only_open_postings_of_other_organizations_match(
    customs_focal, brand_focal, make_focal, post_request, post_offer
):
    request = post_request(customs_focal)
    paused = post_offer(brand_focal)
    postings.set_offer_status(paused, OfferStatus.paused, by=brand_focal)
    own = post_offer(make_focal(customs_focal.organization))  # same organization
    db.session.commit()
    assert offer_ids(request) == []
    postings.set_offer_status(paused, OfferStatus.open, by=brand_focal)
    postings.withdraw_request(request, by=customs_focal)
    db.session.commit()
    assert offer_ids(request) == [] and matching.matches_for_offer(own) == []


def test_the_score_is_led_by_topics_then_language_place_and_dates(
    customs_focal, make_focal, make_org, post_request, post_offer
):
    request = post_request(customs_focal, topics=["product-identification", "batteries"],
                           languages=["en", "zh"], mode="either", city="Shenzhen",
                           earliest=soon(30), latest=soon(90))
    perfect = dict(topics=["product-identification", "batteries"], languages=["en", "zh"],
                   mode="either", cities=["Shenzhen"])
    cases = {
        "perfect": {},
        "dates": {"available_until": soon(60)},  # part of the window only
        "place": {"cities": ["Hangzhou"]},  # online, not in Shenzhen
        "language": {"languages": ["zh"]},  # one of the two languages
        "all but topics": {"languages": ["zh"], "cities": ["Hangzhou"],
                           "available_until": soon(60)},
        "half the topics": {"topics": ["batteries", "recordation"]},
    }
    offers = {}
    for name, changes in cases.items():
        focal = make_focal(make_org(f"Brand {name}", OrgKind.rights_holder))
        offers[post_offer(focal, **{**perfect, **changes}).id] = name
    found = matching.matches_for_request(request)
    assert [offers[m.offer.id] for m in found] == [
        "perfect", "dates", "place", "language", "all but topics", "half the topics"]
    assert [m.score for m in found] == [1.0, 0.95, 0.925, 0.9, 0.775, 0.725]


def test_match_of_and_suggestions_use_the_same_filters(
    customs_focal, brand_focal, post_request, post_offer
):
    request = post_request(customs_focal)
    fitting = post_offer(brand_focal)
    english_only = post_offer(brand_focal, languages=["en"])
    assert matching.match_of(request, fitting).score == 1.0
    assert matching.match_of(request, english_only) is None
    from liaison.exchange.access import acted_for_ids

    mine = [m.offer.id for m in matching.suggestions_for(acted_for_ids(customs_focal))]
    theirs = [m.request.id for m in matching.suggestions_for(acted_for_ids(brand_focal))]
    assert mine == [fitting.id] and theirs == [request.id]
