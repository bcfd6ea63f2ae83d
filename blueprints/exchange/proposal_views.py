"""Proposals on the board: propose a pair, "My proposals" in and out, a proposal's page with
its thread, and accept, decline, withdraw."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from blueprints.core import params
from blueprints.core.forms import save_or_report
from blueprints.exchange.forms import MessageForm, ProposalForm
from blueprints.exchange.views import bp, require_board
from extensions import db
from liaison.core.errors import DomainError
from liaison.exchange import access, matching, proposals
from liaison.exchange.models import (
    Proposal,
    ProposalMessage,
    ProposalStatus,
    TrainingOffer,
    TrainingRequest,
)

DIRECTIONS = ("incoming", "outgoing")


@bp.get("/proposals")
@login_required
def my_proposals():
    """Proposals of the viewer's organizations, waiting ones first within each direction."""
    require_board()
    if not access.is_focal_point(current_user):
        abort(403)
    direction = request.args.get("direction")
    direction = direction if direction in DIRECTIONS else "incoming"
    status = request.args.get("status")
    status = status if status in ProposalStatus.__members__ else None
    stmt = proposals.involving(current_user, direction=direction, status=status).options(
        joinedload(Proposal.request).joinedload(TrainingRequest.organization),
        joinedload(Proposal.offer).joinedload(TrainingOffer.organization),
        joinedload(Proposal.proposed_by), joinedload(Proposal.event),
    )
    page = params.paginate(stmt, keep=("direction", "status"), error_out=False)
    return render_template("exchange/proposals.html", page=page, direction=direction,
                           status=status, statuses=list(ProposalStatus))


def _pair():
    request_item = db.get_or_404(TrainingRequest, params.id_arg("request") or 0)
    offer_item = db.get_or_404(TrainingOffer, params.id_arg("offer") or 0)
    return request_item, offer_item


@bp.route("/proposals/new", methods=["GET", "POST"])
@login_required
def new_proposal():
    """Propose `?request=&offer=`, with a message and optionally a date."""
    require_board()
    request_item, offer_item = _pair()
    if proposals.side_for(current_user, request_item, offer_item) is None:
        abort(403)
    form = ProposalForm()
    if request.method == "GET":
        form.timezone.data = request_item.timezone
    if form.validate_on_submit():
        start, end = form.times()
        proposal = save_or_report(form, lambda: proposals.propose(
            request_item, offer_item, by=current_user, message=form.message.data,
            start=start, end=end, timezone=form.timezone.data if start or end else None))
        if proposal is not None:
            flash(_("Proposal sent. The other side's focal points are told by mail."),
                  "success")
            return redirect(url_for("exchange.proposal_detail", proposal_id=proposal.id))
    elif form.is_submitted():
        flash(_("Some fields need your attention."), "error")
    return render_template("exchange/proposal_form.html", form=form, request_item=request_item,
                           offer_item=offer_item,
                           match=matching.match_of(request_item, offer_item))


def _proposal_to_read(proposal_id: int) -> Proposal:
    """404 for anyone who is not a focal point of either side: they may not learn of it."""
    require_board()
    proposal = db.first_or_404(
        select(Proposal).where(Proposal.id == proposal_id).options(
            joinedload(Proposal.request).joinedload(TrainingRequest.organization),
            joinedload(Proposal.offer).joinedload(TrainingOffer.organization),
            selectinload(Proposal.messages).joinedload(ProposalMessage.author),
            joinedload(Proposal.event),
        )
    )
    if not proposals.may_read(proposal, current_user):
        abort(404)
    return proposal


@bp.get("/proposals/<int:proposal_id>")
@login_required
def proposal_detail(proposal_id: int):
    proposal = _proposal_to_read(proposal_id)
    return render_template(
        "exchange/proposal.html", proposal=proposal, form=MessageForm(),
        may_answer=proposal.is_waiting and proposals.may_answer(proposal, current_user),
        may_withdraw=proposal.is_waiting and proposals.may_withdraw(proposal, current_user),
    )


@bp.post("/proposals/<int:proposal_id>/messages")
@login_required
def post_message(proposal_id: int):
    proposal = _proposal_to_read(proposal_id)
    form = MessageForm()
    if form.validate_on_submit():
        try:
            proposals.add_message(proposal, by=current_user, body=form.body.data)
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(_("Message sent."), "success")
            return redirect(url_for("exchange.proposal_detail", proposal_id=proposal_id))
    else:
        flash(_("Write a message."), "error")
    return render_template(
        "exchange/proposal.html", proposal=proposal, form=form,
        may_answer=proposal.is_waiting and proposals.may_answer(proposal, current_user),
        may_withdraw=proposal.is_waiting and proposals.may_withdraw(proposal, current_user),
    ), 422


@bp.post("/proposals/<int:proposal_id>/<any(accept, decline, withdraw):action>")
@login_required
def act_on_proposal(proposal_id: int, action: str):
    proposal = _proposal_to_read(proposal_id)
    try:
        if action == "accept":
            event = proposals.accept(proposal, by=current_user)
        elif action == "decline":
            proposals.decline(proposal, by=current_user,
                              message=request.form.get("message", "")[:proposals.MESSAGE_MAX])
        else:
            proposals.withdraw(proposal, by=current_user)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("exchange.proposal_detail", proposal_id=proposal_id))
    db.session.commit()
    if action == "accept":
        flash(_("Accepted. A draft training was created with both focal points as its "
                "organizers: confirm the date and place, then publish it."), "success")
        return redirect(url_for("events.detail", event_id=event.id))
    flash(_("The proposal is declined.") if action == "decline"
          else _("The proposal is withdrawn."), "success")
    return redirect(url_for("exchange.proposal_detail", proposal_id=proposal_id))
