"""Focal points post, edit, pause, withdraw and close requests and offers."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from blueprints.exchange.forms import OfferForm, RequestForm
from blueprints.exchange.views import acting_organizations, bp, require_board
from extensions import db
from liaison.core.errors import DomainError, ValidationFailed
from liaison.exchange import access, postings
from liaison.exchange.inputs import OfferInput, RequestInput
from liaison.exchange.models import OfferStatus, TrainingOffer, TrainingRequest


def _require_focal() -> list:
    require_board()
    organizations = acting_organizations()
    if not access.is_focal_point(current_user) or not organizations:
        abort(403)
    return organizations


def _save(form, save, item=None):
    """Run the domain call; on a refusal put its messages next to the fields (nothing kept)."""
    try:
        saved = save()
    except ValidationFailed as error:
        db.session.rollback()
        form.show_errors(error.fields)
        flash(error.message, "error")
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        return saved
    return None


@bp.route("/requests/new", methods=["GET", "POST"])
@login_required
def new_request():
    form = RequestForm(organizations=_require_focal())
    if request.method == "GET":
        form.organization.data = current_user.organization_id
        form.timezone.data = current_user.timezone
        form.languages.data = [current_user.language]
    if form.validate_on_submit():
        saved = _save(form, lambda: postings.create_request(form.to_input(), by=current_user))
        if saved is not None:
            flash(_("Your request is on the board. Matching offers are listed below."), "success")
            return redirect(url_for("exchange.request_detail", request_id=saved.id))
    elif form.is_submitted():
        flash(_("Some fields need your attention."), "error")
    return render_template("exchange/request_form.html", form=form, item=None)


def _request_to_manage(request_id: int) -> TrainingRequest:
    item = db.get_or_404(TrainingRequest, request_id)
    require_board()
    if not access.may_act_for(current_user, item.organization_id):
        abort(403)
    return item


@bp.route("/requests/<int:request_id>/edit", methods=["GET", "POST"])
@login_required
def edit_request(request_id: int):
    item = _request_to_manage(request_id)
    form = RequestForm(organizations=acting_organizations())
    if request.method == "GET":
        form.fill_from(RequestInput.from_request(item))
    if form.validate_on_submit():
        saved = _save(form, lambda: postings.update_request(item, form.to_input(),
                                                            by=current_user))
        if saved is not None:
            flash(_("Changes saved."), "success")
            return redirect(url_for("exchange.request_detail", request_id=item.id))
    elif form.is_submitted():
        flash(_("Some fields need your attention."), "error")
    return render_template("exchange/request_form.html", form=form, item=item)


REQUEST_ACTIONS = {
    "withdraw": (postings.withdraw_request, lambda: _("The request is withdrawn.")),
    "reopen": (postings.reopen_request, lambda: _("The request is open again.")),
}


@bp.post("/requests/<int:request_id>/<any(withdraw, reopen):action>")
@login_required
def act_on_request(request_id: int, action: str):
    item = _request_to_manage(request_id)
    operation, message = REQUEST_ACTIONS[action]
    try:
        operation(item, by=current_user)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(message(), "success")
    return redirect(url_for("exchange.request_detail", request_id=request_id))


@bp.route("/offers/new", methods=["GET", "POST"])
@login_required
def new_offer():
    form = OfferForm(organizations=_require_focal())
    if request.method == "GET":
        form.organization.data = current_user.organization_id
        form.languages.data = [current_user.language]
    if form.validate_on_submit():
        saved = _save(form, lambda: postings.create_offer(form.to_input(), by=current_user))
        if saved is not None:
            flash(_("Your offer is on the board. Matching requests are listed below."),
                  "success")
            return redirect(url_for("exchange.offer_detail", offer_id=saved.id))
    elif form.is_submitted():
        flash(_("Some fields need your attention."), "error")
    return render_template("exchange/offer_form.html", form=form, item=None)


def _offer_to_manage(offer_id: int) -> TrainingOffer:
    item = db.get_or_404(TrainingOffer, offer_id)
    require_board()
    if not access.may_act_for(current_user, item.organization_id):
        abort(403)
    return item


@bp.route("/offers/<int:offer_id>/edit", methods=["GET", "POST"])
@login_required
def edit_offer(offer_id: int):
    item = _offer_to_manage(offer_id)
    form = OfferForm(organizations=acting_organizations())
    if request.method == "GET":
        form.fill_from(OfferInput.from_offer(item))
    if form.validate_on_submit():
        saved = _save(form, lambda: postings.update_offer(item, form.to_input(),
                                                          by=current_user))
        if saved is not None:
            flash(_("Changes saved."), "success")
            return redirect(url_for("exchange.offer_detail", offer_id=item.id))
    elif form.is_submitted():
        flash(_("Some fields need your attention."), "error")
    return render_template("exchange/offer_form.html", form=form, item=item)


OFFER_ACTIONS = {
    "pause": (OfferStatus.paused, lambda: _("The offer is paused: it is off the board.")),
    "resume": (OfferStatus.open, lambda: _("The offer is open again.")),
    "close": (OfferStatus.closed, lambda: _("The offer is closed.")),
}


@bp.post("/offers/<int:offer_id>/<any(pause, resume, close):action>")
@login_required
def act_on_offer(offer_id: int, action: str):
    item = _offer_to_manage(offer_id)
    status, message = OFFER_ACTIONS[action]
    try:
        postings.set_offer_status(item, status, by=current_user)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(message(), "success")
    return redirect(url_for("exchange.offer_detail", offer_id=offer_id))
