"""The exchange pages as a focal point uses them: the board, a request's and an offer's page
with matches, posting through the forms (bad input stays on the form, nothing written),
proposing, answering, the thread and the figures."""
from __future__ import annotations

import pytest

from extensions import db
from liaison.accounts.models import OrgKind, Role
from liaison.events.models import Event, EventStatus
from liaison.exchange.models import (
    Proposal,
    ProposalStatus,
    RequestStatus,
    TrainingOffer,
    TrainingRequest,
)
from tests.exchange.conftest import soon


@pytest.fixture
def reader(make_user, make_org):
    """A verified member who is no focal point (reads the board, posts nothing)."""
    return make_user(org=make_org("Pudong Procuratorate", OrgKind.judiciary),
                     role=Role.participant)


@pytest.fixture
def board(customs_focal, brand_focal, post_request, post_offer):
    request = post_request(customs_focal, title="Lithium batteries: spotting fakes",
                           title_zh="锂电池：识别假货", topics=["product-identification"])
    offer = post_offer(brand_focal, title="Our chargers and batteries",
                       topics=["product-identification", "batteries"])
    return request, offer


def text(response) -> str:
    return response.get_data(as_text=True)


def test_the_board_shows_both_sides_and_suggestions(client, login, board, customs_focal):
    request, offer = board
    login(customs_focal)
    page = client.get("/exchange")
    assert page.status_code == 200
    body = text(page)
    assert request.title in body and offer.title in body
    assert "Suggested for you" in body
    assert f"/exchange/proposals/new?request={request.id}&amp;offer={offer.id}" in body
    only_offers = text(client.get("/exchange/?show=offers"))
    assert "Offers to train" in only_offers and "Requests for training" not in only_offers


@pytest.mark.parametrize("query, shown", [
    ("topic=batteries", {"offer"}),
    ("topic=recordation", set()),
    ("language=en", {"offer"}),
    ("language=zh", {"request", "offer"}),
    ("place=shenzhen", {"request", "offer"}),
    ("place=hangzhou", {"offer"}),
    ("direction=rights_holder:customs", {"request", "offer"}),
    ("direction=customs:rights_holder", set()),
    ("direction=nonsense", set()),
])
def test_board_filters(client, login, board, reader, query, shown):
    request, offer = board
    login(reader)  # not a focal point: no suggestions on the page
    body = text(client.get(f"/exchange/?{query}"))
    found = {name for name, item in (("request", request), ("offer", offer))
             if item.title in body}
    assert found == shown


def test_the_board_is_in_chinese_for_a_chinese_reader(client, login, board, customs_focal):
    customs_focal.language = "zh"
    db.session.commit()
    login(customs_focal)
    body = text(client.get("/exchange/"))
    assert "锂电池：识别假货" in body and '<h1 class="h3 mb-1">交流平台</h1>' in body
    assert "为您推荐" in body and "共同主题" in body


def test_request_and_offer_pages_list_their_matches(client, login, board, brand_focal):
    request, offer = board
    login(brand_focal)
    body = text(client.get(f"/exchange/requests/{request.id}"))
    assert offer.title in body and "Shared topics" in body
    body = text(client.get(f"/exchange/offers/{offer.id}"))
    assert request.title in body and "% match" in body


def test_posting_a_request_through_the_form(client, login, customs_focal):
    login(customs_focal)
    form = {"organization": customs_focal.organization_id, "title": "Recordation basics",
            "topics": ["recordation", "postal-channel"], "mode": "online", "languages": ["zh"],
            "earliest": soon(5).isoformat(), "latest": soon(50).isoformat(),
            "timezone": "Asia/Shanghai"}
    response = client.post("/exchange/requests/new", data=form)
    assert response.status_code == 302
    request = db.session.scalar(db.select(TrainingRequest))
    assert request.topics == ["postal-channel", "recordation"]
    assert response.location.endswith(f"/exchange/requests/{request.id}")


@pytest.mark.parametrize("changes, field_id", [
    ({"title": ""}, "title"),
    ({"latest": soon(1).isoformat()}, "latest"),  # before the earliest
    ({"languages": []}, "languages"),
    ({"mode": "in_person", "city": ""}, "city"),
    ({"topics": ["no-such-topic"]}, "topics"),
    ({"topics": []}, "topics"),
])
def test_a_bad_request_form_says_why_next_to_the_field(client, login, customs_focal, changes,
                                                       field_id):
    login(customs_focal)
    form = {"organization": customs_focal.organization_id, "title": "Recordation basics",
            "topics": ["recordation"], "mode": "online", "languages": ["zh"],
            "earliest": soon(5).isoformat(), "latest": soon(50).isoformat(),
            "timezone": "Asia/Shanghai", **changes}
    response = client.post("/exchange/requests/new", data=form)
    assert response.status_code == 200
    body = text(response)
    assert 'class="invalid-feedback' in body
    assert f'id="{field_id}"' in body
    assert db.session.scalar(db.select(db.func.count()).select_from(TrainingRequest)) == 0


def test_posting_an_offer_through_the_form(client, login, brand_focal):
    login(brand_focal)
    form = {"organization": brand_focal.organization_id, "title": "Chargers",
            "topics": ["product-identification"], "mode": "in_person",
            "cities": "深圳，Hangzhou", "languages": ["zh", "en"]}
    response = client.post("/exchange/offers/new", data=form)
    assert response.status_code == 302
    offer = db.session.scalar(db.select(TrainingOffer))
    assert offer.cities == ["深圳", "Hangzhou"] and offer.city_keys == {"shenzhen", "hangzhou"}


def test_propose_accept_and_find_the_draft_training(client, login, board, customs_focal,
                                                    brand_focal):
    request, offer = board
    login(brand_focal)
    response = client.post(f"/exchange/proposals/new?request={request.id}&offer={offer.id}",
                           data={"message": "We can bring samples.", "timezone": "Asia/Shanghai"})
    assert response.status_code == 302
    proposal = db.session.scalar(db.select(Proposal))
    assert "We can bring samples." in text(client.get(response.location))

    login(customs_focal)
    assert "We can bring samples." in text(client.get("/exchange/proposals?direction=incoming"))\
        or request.title in text(client.get("/exchange/proposals?direction=incoming"))
    response = client.post(f"/exchange/proposals/{proposal.id}/accept")
    event = db.session.scalar(db.select(Event))
    assert response.location.endswith(f"/events/{event.id}")
    page = text(client.get(f"/events/{event.id}"))
    assert "Date to confirm" in page and request.title in page
    db.session.expire_all()
    assert proposal.status == ProposalStatus.accepted
    assert request.status == RequestStatus.matched and event.status == EventStatus.draft

    login(brand_focal)  # the other focal point organizes it too, and publishes it
    assert client.get(f"/events/{event.id}").status_code == 200
    client.post(f"/events/{event.id}/publish")
    db.session.expire_all()
    assert event.status == EventStatus.published
    assert request.status == RequestStatus.scheduled


def test_the_thread_and_a_bad_message(client, login, board, customs_focal, brand_focal):
    request, offer = board
    login(brand_focal)
    client.post(f"/exchange/proposals/new?request={request.id}&offer={offer.id}",
                data={"message": "Hello", "timezone": "Asia/Shanghai"})
    proposal = db.session.scalar(db.select(Proposal))
    login(customs_focal)
    response = client.post(f"/exchange/proposals/{proposal.id}/messages", data={"body": ""})
    assert response.status_code == 422 and 'class="invalid-feedback' in text(response)
    client.post(f"/exchange/proposals/{proposal.id}/messages", data={"body": "April?"})
    assert "April?" in text(client.get(f"/exchange/proposals/{proposal.id}"))


def test_a_proposal_is_invisible_to_outsiders(client, login, board, brand_focal, make_focal):
    request, offer = board
    login(brand_focal)
    client.post(f"/exchange/proposals/new?request={request.id}&offer={offer.id}",
                data={"message": "Hello", "timezone": "Asia/Shanghai"})
    proposal = db.session.scalar(db.select(Proposal))
    login(make_focal(OrgKind.judiciary))
    assert client.get(f"/exchange/proposals/{proposal.id}").status_code == 404
    assert client.post(f"/exchange/proposals/{proposal.id}/accept").status_code == 404


def test_figures_for_the_association(client, login, board, make_user, make_org, customs_focal):
    login(customs_focal)
    assert client.get("/exchange/figures").status_code == 403
    staff = make_user(org=make_org("Alliance", OrgKind.association), role=Role.participant)
    login(staff)
    body = text(client.get("/exchange/figures"))
    assert "<svg" in body and "median days" in body


def test_both_focal_points_find_edit_and_keep_the_draft_training(
    client, login, board, customs_focal, brand_focal
):
    """Focal points need no organizer role: the one who did not accept finds the draft under
    "My events", confirms its date through the event form, and stays one of its organizers."""
    from tests.events.test_pages import form_data

    request, offer = board
    login(brand_focal)
    client.post(f"/exchange/proposals/new?request={request.id}&offer={offer.id}",
                data={"message": "Hello", "timezone": "Asia/Shanghai"})
    proposal = db.session.scalar(db.select(Proposal))
    login(customs_focal)
    client.post(f"/exchange/proposals/{proposal.id}/accept")
    event = db.session.scalar(db.select(Event))

    login(brand_focal)
    assert event.title in text(client.get("/events/mine?tab=drafts"))
    assert client.get(f"/events/{event.id}/edit").status_code == 200
    day = soon(40).isoformat()
    response = client.post(f"/events/{event.id}/edit", data=form_data(
        offer.organization_id, title=event.title, start_date=day, end_date=day,
        audience=["customs"], topics="product-identification",
        co_organizers=[str(customs_focal.id)]))
    assert response.status_code == 302, text(response)
    db.session.expire_all()
    assert {u.id for u in event.organizers} == {customs_focal.id, brand_focal.id}
    assert "Date to confirm" not in text(client.get(f"/events/{event.id}"))


@pytest.mark.parametrize("query, status", [
    ("request=2147483648&offer=1", 400),  # beyond any id: said, never a database error
    ("request=abc&offer=1", 404),
    ("offer=1", 404),
])
def test_propose_with_odd_ids(client, login, board, brand_focal, query, status):
    login(brand_focal)
    assert client.get(f"/exchange/proposals/new?{query}").status_code == status


def test_a_long_board_paginates_and_keeps_its_filters(client, login, reader, brand_focal,
                                                     post_offer, monkeypatch):
    monkeypatch.setitem(client.application.config, "PER_PAGE", 5)
    for i in range(7):
        post_offer(brand_focal, title=f"Offer number {i}")
    login(reader)
    first = text(client.get("/exchange/?show=offers&language=zh"))
    assert first.count('class="card event-card exchange-card offer-card') == 5
    assert "?show=offers&amp;language=zh&amp;page=2" in first
    second = text(client.get("/exchange/?show=offers&language=zh&page=2"))
    assert second.count('class="card event-card exchange-card offer-card') == 2
