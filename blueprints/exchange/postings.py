"""Focal points post, edit, pause, withdraw and close requests and offers. Requests and offers
go through the same steps: `_form_page` (new and edit), `_to_manage`, `_act`."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from blueprints.core.forms import save_or_report
from blueprints.exchange.forms import OfferForm, RequestForm
from blueprints.exchange.views import acting_organizations, bp, require_board
from extensions import db
from liaison.core.errors import DomainError
from liaison.exchange import access, postings
from liaison.exchange.inputs import OfferInput, RequestInput
from liaison.exchange.models import OfferStatus, TrainingOffer, TrainingRequest


def _require_focal() -> list:
    require_board()
    organizations = acting_organizations()
    if not access.is_focal_point(current_user) or not organizations:
        abort(403)
    return organizations


def _to_manage(model, item_id: int):
    """A request or offer the current user may act for; 403 otherwise, 404 when unknown."""
    item = db.get_or_404(model, item_id)
    require_board()
    if not access.may_act_for(current_user, item.organization_id):
        abort(403)
    return item


def _form_page(form, template: str, item, save, done: str, detail):
    """The new or edit page of a posting: save a valid form (messages next to the fields
    when the domain refuses), then go to the posting's page (`detail(saved)`)."""
    if form.validate_on_submit():
        saved = save_or_report(form, save)
        if saved is not None:
            flash(done, "success")
            return redirect(detail(saved))
    elif form.is_submitted():
        flash(_("Some fields need your attention."), "error")
    return render_template(template, form=form, item=item)


def _act(operation, message, back: str):
    """Withdraw, reopen, pause, resume or close: one domain call, a message, back."""
    try:
        operation()
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(message(), "success")
    return redirect(back)


def _request_page(item: TrainingRequest) -> str:
    return url_for("exchange.request_detail", request_id=item.id)


def _offer_page(item: TrainingOffer) -> str:
    return url_for("exchange.offer_detail", offer_id=item.id)


@bp.route("/requests/new", methods=["GET", "POST"])
@login_required
def new_request():
    form = RequestForm(organizations=_require_focal())
    if request.method == "GET":
        form.organization.data = current_user.organization_id
        form.timezone.data = current_user.timezone
        form.languages.data = [current_user.language]
    return _form_page(
        form, "exchange/request_form.html", None,
        lambda: postings.create_request(form.to_input(), by=current_user),
        _("Your request is on the board. Matching offers are listed below."), _request_page)


@bp.route("/requests/<int:request_id>/edit", methods=["GET", "POST"])
@login_required
def edit_request(request_id: int):
    item = _to_manage(TrainingRequest, request_id)
    form = RequestForm(organizations=acting_organizations())
    if request.method == "GET":
        form.fill_from(RequestInput.from_request(item))
    return _form_page(
        form, "exchange/request_form.html", item,
        lambda: postings.update_request(item, form.to_input(), by=current_user),
        _("Changes saved."), _request_page)


REQUEST_ACTIONS = {
    "withdraw": (postings.withdraw_request, lambda: _("The request is withdrawn.")),
    "reopen": (postings.reopen_request, lambda: _("The request is open again.")),
}


@bp.post("/requests/<int:request_id>/<any(withdraw, reopen):action>")
@login_required
def act_on_request(request_id: int, action: str):
    item = _to_manage(TrainingRequest, request_id)
    operation, message = REQUEST_ACTIONS[action]
    return _act(lambda: operation(item, by=current_user), message, _request_page(item))


@bp.route("/offers/new", methods=["GET", "POST"])
@login_required
def new_offer():
    form = OfferForm(organizations=_require_focal())
    if request.method == "GET":
        form.organization.data = current_user.organization_id
        form.languages.data = [current_user.language]
    return _form_page(
        form, "exchange/offer_form.html", None,
        lambda: postings.create_offer(form.to_input(), by=current_user),
        _("Your offer is on the board. Matching requests are listed below."), _offer_page)


@bp.route("/offers/<int:offer_id>/edit", methods=["GET", "POST"])
@login_required
def edit_offer(offer_id: int):
    item = _to_manage(TrainingOffer, offer_id)
    form = OfferForm(organizations=acting_organizations())
    if request.method == "GET":
        form.fill_from(OfferInput.from_offer(item))
    return _form_page(
        form, "exchange/offer_form.html", item,
        lambda: postings.update_offer(item, form.to_input(), by=current_user),
        _("Changes saved."), _offer_page)


OFFER_ACTIONS = {
    "pause": (OfferStatus.paused, lambda: _("The offer is paused: it is off the board.")),
    "resume": (OfferStatus.open, lambda: _("The offer is open again.")),
    "close": (OfferStatus.closed, lambda: _("The offer is closed.")),
}


@bp.post("/offers/<int:offer_id>/<any(pause, resume, close):action>")
@login_required
def act_on_offer(offer_id: int, action: str):
    item = _to_manage(TrainingOffer, offer_id)
    status, message = OFFER_ACTIONS[action]
    return _act(lambda: postings.set_offer_status(item, status, by=current_user), message,
                _offer_page(item))
