"""/api/v1 exchange: training requests and offers, their matches, proposals and their
threads, and the association's figures. The rules are liaison.exchange's."""
from __future__ import annotations

from dataclasses import replace

from flask import g, jsonify, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from blueprints.api import exchange_schemas as xs
from blueprints.api import schemas, serializers
from blueprints.api.auth import ApiError
from blueprints.api.event_routes import not_found
from blueprints.api.parsing import json_body, query_args
from blueprints.api.views import bp
from extensions import db
from liaison.exchange import access, figures, matching, postings, proposals, queries
from liaison.exchange import topics as vocabulary
from liaison.exchange.cities import city_key
from liaison.exchange.inputs import OfferInput, RequestInput
from liaison.exchange.models import (
    OfferStatus,
    Proposal,
    ProposalMessage,
    ProposalStatus,
    RequestStatus,
    TrainingOffer,
    TrainingRequest,
)

iso = serializers.iso


def _day(value):
    return value.isoformat() if value is not None else None


def request_json(item: TrainingRequest, event_id: int | None = None) -> dict:
    return {
        "id": item.id, "organization_id": item.organization_id, "title": item.title,
        "title_zh": item.title_zh, "description": item.description,
        "description_zh": item.description_zh, "topics": item.topics,
        "trainer_kinds": [str(k) for k in item.trainer_kinds], "earliest": _day(item.earliest),
        "latest": _day(item.latest), "mode": str(item.mode), "city": item.city,
        "languages": item.languages, "expected_participants": item.expected_participants,
        "timezone": item.timezone, "status": str(item.status),
        "expires_on": _day(item.expires_on), "created_at": iso(item.created_at),
        "updated_at": iso(item.updated_at), "event_id": event_id,
    }


def offer_json(item: TrainingOffer) -> dict:
    return {
        "id": item.id, "organization_id": item.organization_id, "title": item.title,
        "title_zh": item.title_zh, "description": item.description,
        "description_zh": item.description_zh, "topics": item.topics,
        "audience_kinds": [str(k) for k in item.audience_kinds], "cities": item.cities,
        "mode": str(item.mode), "languages": item.languages,
        "available_from": _day(item.available_from),
        "available_until": _day(item.available_until), "status": str(item.status),
        "created_at": iso(item.created_at), "updated_at": iso(item.updated_at),
    }


def proposal_json(item: Proposal) -> dict:
    return {
        "id": item.id, "request_id": item.request_id, "offer_id": item.offer_id,
        "side": str(item.side), "proposed_by": item.proposed_by_id,
        "message": item.opening_message, "start": iso(item.start_at),
        "end": iso(item.end_at), "timezone": item.timezone, "status": str(item.status),
        "created_at": iso(item.created_at), "decided_at": iso(item.decided_at),
        "event_id": item.event_id,
    }


def message_json(item: ProposalMessage) -> dict:
    return {"id": item.id, "proposal_id": item.proposal_id, "author_id": item.author_id,
            "body": item.body, "created_at": iso(item.created_at)}


def _trainings(request_ids: list[int]) -> dict[int, int]:
    """request id -> the event its accepted proposal made (one query for all)."""
    if not request_ids:
        return {}
    rows = db.session.execute(
        select(Proposal.request_id, Proposal.event_id).where(
            Proposal.request_id.in_(request_ids), Proposal.status == ProposalStatus.accepted,
            Proposal.event_id.is_not(None)).order_by(Proposal.id)
    )
    return dict(rows.tuples().all())


def require_board() -> None:
    if not access.can_see_board(g.api_user):
        raise ApiError(403, "forbidden", _("The exchange board is for verified members of "
                                           "an organization."))


def _require_focal() -> None:
    require_board()
    if not access.is_focal_point(g.api_user):
        raise ApiError(403, "forbidden", _("Only focal points post on the exchange board."))


def _require_acts_for(org_id: int) -> None:
    """Changing a posting is for its organization's focal points (refused before the body)."""
    if not access.may_act_for(g.api_user, org_id):
        raise ApiError(403, "forbidden", _("Only a focal point of this organization can "
                                           "change this."))


def _get(model, item_id: int):
    if not 1 <= item_id <= schemas.MAX_ID:
        raise not_found()
    item = db.session.get(model, item_id)
    if item is None:
        raise not_found()
    return item


def _sent(body) -> dict:
    """The fields a PATCH sent, as validated."""
    return {name: getattr(body, name) for name in body.model_fields_set}


def _topic_filter(args) -> str | None:
    """A slug or a label in either language; one that names no topic finds nothing."""
    return (vocabulary.slug_for(args.topic) or args.topic) if args.topic else None


def _city_filter(args) -> str | None:
    return city_key(args.city) if args.city else None


@bp.get("/requests")
def list_requests():
    require_board()
    args = query_args(xs.RequestQuery)
    stmt = queries.all_requests().where(
        TrainingRequest.status == (args.status or RequestStatus.open))
    if args.organization_id:
        stmt = stmt.where(TrainingRequest.organization_id == args.organization_id)
    stmt = queries.filter_requests(stmt, topic=_topic_filter(args), city=_city_filter(args),
                                   language=args.language)
    page = db.paginate(stmt, page=args.page, per_page=args.per_page, error_out=False)
    events = _trainings([r.id for r in page.items])
    return jsonify(serializers.page_json(page, [request_json(r, events.get(r.id))
                                                for r in page.items]))


@bp.post("/requests")
def create_request():
    _require_focal()
    values = dict(json_body(xs.RequestCreate))  # values as validated (dates stay dates)
    values["organization_id"] = values["organization_id"] or g.api_user.organization_id
    item = postings.create_request(RequestInput(**values), by=g.api_user)
    db.session.commit()
    return (jsonify(request_json(item)), 201,
            {"Location": url_for("api.get_request", request_id=item.id)})


@bp.get("/requests/<int:request_id>")
def get_request(request_id: int):
    require_board()
    item = _get(TrainingRequest, request_id)
    return jsonify(request_json(item, _trainings([item.id]).get(item.id)))


@bp.patch("/requests/<int:request_id>")
def update_request(request_id: int):
    require_board()
    item = _get(TrainingRequest, request_id)
    _require_acts_for(item.organization_id)
    changes = _sent(json_body(xs.RequestPatch))
    status = changes.pop("status", None)
    if changes:
        postings.update_request(item, replace(RequestInput.from_request(item), **changes),
                                by=g.api_user)
    if status == RequestStatus.withdrawn and item.status != RequestStatus.withdrawn:
        postings.withdraw_request(item, by=g.api_user)
    elif status == RequestStatus.open and item.status != RequestStatus.open:
        postings.reopen_request(item, by=g.api_user)
    db.session.commit()
    return jsonify(request_json(item, _trainings([item.id]).get(item.id)))


@bp.get("/requests/<int:request_id>/matches")
def request_matches(request_id: int):
    require_board()
    item = _get(TrainingRequest, request_id)
    limit = query_args(xs.MatchQuery).limit
    found = matching.matches_for_request(item, limit=limit) if item.is_open else []
    return jsonify({"items": [{"offer_id": m.offer.id, "score": m.score, "reasons": m.reasons}
                              for m in found]})


@bp.get("/offers")
def list_offers():
    require_board()
    args = query_args(xs.OfferQuery)
    stmt = queries.all_offers().where(
        TrainingOffer.status == (args.status or OfferStatus.open))
    if args.organization_id:
        stmt = stmt.where(TrainingOffer.organization_id == args.organization_id)
    stmt = queries.filter_offers(stmt, topic=_topic_filter(args), city=_city_filter(args),
                                 language=args.language)
    page = db.paginate(stmt, page=args.page, per_page=args.per_page, error_out=False)
    return jsonify(serializers.page_json(page, [offer_json(o) for o in page.items]))


@bp.post("/offers")
def create_offer():
    _require_focal()
    values = dict(json_body(xs.OfferCreate))
    values["organization_id"] = values["organization_id"] or g.api_user.organization_id
    item = postings.create_offer(OfferInput(**values), by=g.api_user)
    db.session.commit()
    return jsonify(offer_json(item)), 201, {"Location": url_for("api.get_offer",
                                                                offer_id=item.id)}


@bp.get("/offers/<int:offer_id>")
def get_offer(offer_id: int):
    require_board()
    return jsonify(offer_json(_get(TrainingOffer, offer_id)))


@bp.patch("/offers/<int:offer_id>")
def update_offer(offer_id: int):
    require_board()
    item = _get(TrainingOffer, offer_id)
    _require_acts_for(item.organization_id)
    changes = _sent(json_body(xs.OfferPatch))
    status = changes.pop("status", None)
    if changes:
        postings.update_offer(item, replace(OfferInput.from_offer(item), **changes), by=g.api_user)
    if status is not None:
        postings.set_offer_status(item, status, by=g.api_user)
    db.session.commit()
    return jsonify(offer_json(item))


@bp.get("/offers/<int:offer_id>/matches")
def offer_matches(offer_id: int):
    require_board()
    item = _get(TrainingOffer, offer_id)
    limit = query_args(xs.MatchQuery).limit
    found = matching.matches_for_offer(item, limit=limit) if item.is_open else []
    return jsonify({"items": [{"request_id": m.request.id, "score": m.score,
                               "reasons": m.reasons} for m in found]})


def _proposal(proposal_id: int) -> Proposal:
    """404 alike for a missing proposal and one the caller takes no part in."""
    require_board()
    item = _get(Proposal, proposal_id)
    if not proposals.may_read(item, g.api_user):
        raise not_found()
    return item


@bp.get("/proposals")
def list_proposals():
    require_board()
    args = query_args(xs.ProposalQuery)
    stmt = proposals.involving(g.api_user, direction=args.direction, status=args.status)
    page = db.paginate(stmt.options(selectinload(Proposal.messages)), page=args.page,
                       per_page=args.per_page, error_out=False)
    return jsonify(serializers.page_json(page, [proposal_json(p) for p in page.items]))


@bp.post("/proposals")
def create_proposal():
    require_board()
    body = json_body(xs.ProposalCreate)
    item = proposals.propose(_get(TrainingRequest, body.request_id),
                             _get(TrainingOffer, body.offer_id), by=g.api_user,
                             message=body.message, start=body.start, end=body.end,
                             timezone=body.timezone)
    db.session.commit()
    return (jsonify(proposal_json(item)), 201,
            {"Location": url_for("api.get_proposal", proposal_id=item.id)})


@bp.get("/proposals/<int:proposal_id>")
def get_proposal(proposal_id: int):
    return jsonify(proposal_json(_proposal(proposal_id)))


@bp.post("/proposals/<int:proposal_id>/accept")
def accept_proposal(proposal_id: int):
    item = _proposal(proposal_id)
    event = proposals.accept(item, by=g.api_user)
    db.session.commit()
    return jsonify({"proposal": proposal_json(item), "event_id": event.id})


@bp.post("/proposals/<int:proposal_id>/decline")
def decline_proposal(proposal_id: int):
    item = _proposal(proposal_id)
    proposals.decline(item, by=g.api_user)
    db.session.commit()
    return jsonify(proposal_json(item))


@bp.post("/proposals/<int:proposal_id>/withdraw")
def withdraw_proposal(proposal_id: int):
    item = _proposal(proposal_id)
    proposals.withdraw(item, by=g.api_user)
    db.session.commit()
    return jsonify(proposal_json(item))


@bp.get("/proposals/<int:proposal_id>/messages")
def list_proposal_messages(proposal_id: int):
    item = _proposal(proposal_id)
    args = query_args(schemas.Query)
    stmt = select(ProposalMessage).where(ProposalMessage.proposal_id == item.id).order_by(
        ProposalMessage.id)
    page = db.paginate(stmt, page=args.page, per_page=args.per_page, error_out=False)
    return jsonify(serializers.page_json(page, [message_json(m) for m in page.items]))


@bp.post("/proposals/<int:proposal_id>/messages")
def post_proposal_message(proposal_id: int):
    item = _proposal(proposal_id)
    body = json_body(xs.ProposalMessageCreate)
    message = proposals.add_message(item, by=g.api_user, body=body.body)
    db.session.commit()
    return jsonify(message_json(message)), 201


@bp.get("/exchange/figures")
def exchange_figures():
    if not figures.can_see(g.api_user):
        raise ApiError(403, "forbidden", _("The figures are for administrators and the "
                                           "association's people."))
    found = figures.compute()
    return jsonify({
        "requests_by_status": {str(k): v for k, v in found.by_status.items()},
        "requests_by_direction": [
            {"trainer_kinds": [str(k) for k in d.trainer_kinds],
             "requester_kind": str(d.requester_kind),
             "counts": {str(k): v for k, v in d.counts.items()}, "total": d.total}
            for d in found.by_direction],
        "median_days_to_schedule": found.median_days_to_schedule,
        "scheduled_count": found.scheduled_count,
        "open_without_match": found.gaps_count,
        "gaps": [{"id": r.id, "title": r.title, "organization_id": r.organization_id,
                  "topics": r.topics, "created_at": iso(r.created_at)} for r in found.gaps],
    })
