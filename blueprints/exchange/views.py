"""The exchange board: open requests and offers with filters, "Suggested for you", a page per
request and offer with its matches, and "Our postings" for focal points."""
from __future__ import annotations

from flask import Blueprint, abort, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from blueprints.core import params
from extensions import db
from liaison.accounts.models import Organization
from liaison.exchange import access, matching, queries
from liaison.exchange import topics as vocabulary
from liaison.exchange.cities import city_label
from liaison.exchange.models import (
    Proposal,
    ProposalStatus,
    TrainingOffer,
    TrainingRequest,
)
from liaison.exchange.proposals import involving

bp = Blueprint("exchange", __name__, url_prefix="/exchange")

BOARD_FILTERS = ("direction", "topic", "place", "language")
SHOWS = ("both", "requests", "offers")
PREVIEW = 8  # postings of each side on the combined board


def topic_name(slug: str) -> str:
    """A topic's label in the reader's language (the vocabulary read once per request)."""
    names = request.environ.get("liaison.exchange.topic_names")  # this request's, not `g`'s
    if names is None:
        names = request.environ["liaison.exchange.topic_names"] = vocabulary.all_labels()
    return names.get(slug) or vocabulary.fallback_label(slug)


@bp.record_once
def _register_template_helpers(state) -> None:
    state.app.add_template_global(topic_name, "topic_name")
    state.app.add_template_global(city_label, "city_label")
    state.app.add_template_global(exchange_origin, "exchange_origin")


def exchange_origin(event) -> Proposal | None:
    """The accepted proposal an event was made from, for the event page (signed-in viewers)."""
    if not current_user.is_authenticated or not access.can_see_board(current_user):
        return None
    return db.session.scalar(
        select(Proposal).where(Proposal.event_id == event.id)
        .options(joinedload(Proposal.request), joinedload(Proposal.offer))
    )


def require_board() -> None:
    """Verified members read the board; anyone else is told why (403)."""
    if not access.can_see_board(current_user):
        abort(403)


def acting_ids() -> set[int] | None:
    """The organization ids the viewer acts for; None means every one (administrators)."""
    if current_user.is_admin:
        return None
    return set(db.session.scalars(access.acted_for_ids(current_user)))


def acting_organizations() -> list[Organization]:
    stmt = select(Organization).order_by(Organization.name)
    if not current_user.is_admin:
        stmt = stmt.where(Organization.id.in_(access.acted_for_ids(current_user)))
    return list(db.session.scalars(stmt))


def _listing(stmt, show: str):
    """One side of the board: a page of it alone, or its newest few beside the other side."""
    if show == "both":
        return db.paginate(stmt, page=1, per_page=PREVIEW, error_out=False)
    return params.paginate(stmt, keep=("show", *BOARD_FILTERS), error_out=False)


@bp.get("")
@bp.get("/")
@login_required
def board():
    """Open requests and offers both ways; suggestions for a focal point's organization."""
    require_board()
    args = request.args
    show = args.get("show") if args.get("show") in SHOWS else "both"
    topic = args.get("topic")
    filters = {
        # ?topic= takes a slug or a label in either language, as the events list does.
        "direction": args.get("direction"),
        "topic": (vocabulary.slug_for(topic) or topic) if topic else None,
        "city": args.get("place"), "language": args.get("language"),
    }
    # Suggestions first, while no posting is loaded: their eager loads then always run, so the
    # page's statements do not depend on which cards the lists happen to share with them.
    focal = access.is_focal_point(current_user)
    suggestions = matching.suggestions_for(access.acted_for_ids(current_user)) if focal else []
    requests_page = offers_page = None
    if show != "offers":
        requests_page = _listing(queries.filter_requests(queries.open_requests(), **filters),
                                 show)
    if show != "requests":
        offers_page = _listing(queries.filter_offers(queries.open_offers(), **filters), show)
    kept = {k: args.get(k) for k in BOARD_FILTERS if args.get(k)}
    return render_template(
        "exchange/board.html",
        show=show, filters=args, filtered=bool(kept),
        requests_page=requests_page, offers_page=offers_page, suggestions=suggestions,
        focal=focal, mine=acting_ids() if focal else set(),
        see_all={side: url_for("exchange.board", show=side, **kept)
                 for side in ("requests", "offers")},
        directions=queries.direction_choices(), topics=queries.topics_in_use(),
        places=queries.places_in_use(),
    )


def _linked_training(*where):
    return db.session.scalar(
        select(Proposal).where(Proposal.status == ProposalStatus.accepted, *where)
        .options(joinedload(Proposal.event)).order_by(Proposal.id.desc()).limit(1)
    )


def _their_proposals(*where) -> list[Proposal]:
    """Proposals on this posting that the viewer's organizations take part in."""
    return list(db.session.scalars(
        involving(current_user).where(*where)
        .options(joinedload(Proposal.request), joinedload(Proposal.offer))
    ))


@bp.get("/requests/<int:request_id>")
@login_required
def request_detail(request_id: int):
    require_board()
    item = db.first_or_404(
        select(TrainingRequest).where(TrainingRequest.id == request_id)
        .options(joinedload(TrainingRequest.organization),
                 selectinload(TrainingRequest.topic_rows))
    )
    mine = acting_ids()
    return render_template(
        "exchange/request.html", item=item, mine=mine,
        manages=mine is None or item.organization_id in mine,
        matches=matching.matches_for_request(item) if item.is_open else [],
        proposals=_their_proposals(Proposal.request_id == item.id),
        accepted=_linked_training(Proposal.request_id == item.id),
    )


@bp.get("/offers/<int:offer_id>")
@login_required
def offer_detail(offer_id: int):
    require_board()
    item = db.first_or_404(
        select(TrainingOffer).where(TrainingOffer.id == offer_id)
        .options(joinedload(TrainingOffer.organization), selectinload(TrainingOffer.topic_rows),
                 selectinload(TrainingOffer.city_rows))
    )
    mine = acting_ids()
    return render_template(
        "exchange/offer.html", item=item, mine=mine,
        manages=mine is None or item.organization_id in mine,
        matches=matching.matches_for_offer(item) if item.is_open else [],
        proposals=_their_proposals(Proposal.offer_id == item.id),
    )


@bp.get("/mine")
@login_required
def mine():
    """A focal point's organizations' requests and offers, whatever their status."""
    require_board()
    if not access.is_focal_point(current_user):
        abort(403)
    ids = access.acted_for_ids(current_user)
    return render_template(
        "exchange/mine.html",
        requests_page=params.paginate(queries.requests_of(ids), error_out=False),
        offers_page=params.paginate(queries.offers_of(ids), error_out=False),
    )
