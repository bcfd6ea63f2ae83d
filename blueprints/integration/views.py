"""Webhook pages for organizers and admins: their subscriptions, a new one (its secret shown
once), the delivery log with "send again", switching on and off, editing and deleting."""
from __future__ import annotations

import json

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, select

from blueprints.core.forms import apply_errors
from blueprints.core.params import paginate
from blueprints.core.redirects import safe_next
from blueprints.integration.forms import WebhookForm
from extensions import db
from liaison.core.errors import DomainError
from liaison.integration import webhooks
from liaison.integration.models import DeliveryStatus, WebhookDelivery, WebhookSubscription

bp = Blueprint("webhooks", __name__, url_prefix="/webhooks")
PER_PAGE = 25


@bp.app_template_filter("pretty_json")
def pretty_json(text: str) -> str:
    """A stored JSON body, indented for reading (as is when it is not JSON)."""
    try:
        return json.dumps(json.loads(text), ensure_ascii=False, indent=2)
    except ValueError:
        return text


def _require_subscriber() -> None:
    if not webhooks.may_subscribe(current_user):
        abort(403)


def _own(webhook_id: int) -> WebhookSubscription:
    """The signed-in user's subscription; 404 for anyone else's."""
    _require_subscriber()
    subscription = db.get_or_404(WebhookSubscription, webhook_id)
    if subscription.owner_id != current_user.id:
        abort(404)
    return subscription


def _save(form: WebhookForm, action) -> bool:
    """Run the domain call with the form's values; its field messages go next to the fields."""
    try:
        action(url=form.url.data, event_types=form.events.data,
               description=form.description.data or "")
    except DomainError as error:
        db.session.rollback()
        apply_errors(form, error.fields)
        flash(error.message, "error")
        return False
    db.session.commit()
    return True


@bp.get("/")
@login_required
def index():
    _require_subscriber()
    subscriptions = db.session.scalars(webhooks.subscriptions_of(current_user)).all()
    counts = dict(db.session.execute(
        select(WebhookDelivery.subscription_id, func.count())
        .where(WebhookDelivery.subscription_id.in_([s.id for s in subscriptions]),
               WebhookDelivery.status.in_((DeliveryStatus.queued, DeliveryStatus.sending)))
        .group_by(WebhookDelivery.subscription_id)
    ).tuples().all()) if subscriptions else {}
    return render_template("integration/index.html", subscriptions=subscriptions,
                           waiting=counts, types=webhooks.EVENT_TYPES)


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    _require_subscriber()
    form = WebhookForm()
    if request.method == "GET":
        form.events.data = ["event.published", "event.updated", "event.cancelled"]
    created = {}

    def create(**values):
        created["subscription"], created["secret"] = webhooks.create_subscription(
            current_user, **values)

    if form.validate_on_submit() and _save(form, create):
        # The secret is shown on this answer only: it is never displayed again.
        return render_template("integration/created.html", **created)
    return render_template("integration/form.html", form=form, subscription=None)


@bp.route("/<int:webhook_id>/edit", methods=["GET", "POST"])
@login_required
def edit(webhook_id: int):
    subscription = _own(webhook_id)
    form = WebhookForm(obj=subscription)
    if request.method == "GET":
        form.events.data = subscription.event_types

    def update(**values):
        webhooks.update_subscription(subscription, by=current_user, **values)

    if form.validate_on_submit() and _save(form, update):
        flash(_("Webhook saved."), "success")
        return redirect(url_for("webhooks.detail", webhook_id=webhook_id))
    return render_template("integration/form.html", form=form, subscription=subscription)


@bp.get("/<int:webhook_id>")
@login_required
def detail(webhook_id: int):
    """The subscription and its delivery log, newest first, filtered by status."""
    subscription = _own(webhook_id)
    chosen = request.args.get("status", "")
    status = DeliveryStatus(chosen) if chosen in DeliveryStatus.__members__ else None
    page = paginate(webhooks.deliveries_of(subscription, status), keep=("status",),
                    per_page=PER_PAGE, error_out=False)
    return render_template("integration/detail.html", subscription=subscription, page=page,
                           chosen=status, statuses=list(DeliveryStatus),
                           types=webhooks.EVENT_TYPES)


@bp.post("/<int:webhook_id>/active")
@login_required
def switch(webhook_id: int):
    subscription = _own(webhook_id)
    on = request.form.get("active") == "1"
    webhooks.update_subscription(subscription, by=current_user, active=on)
    db.session.commit()
    flash(_("Webhook switched on: waiting deliveries go out within a minute.") if on
          else _("Webhook switched off: nothing new is sent to it."), "success")
    return redirect(url_for("webhooks.detail", webhook_id=webhook_id))


@bp.post("/<int:webhook_id>/delete")
@login_required
def delete(webhook_id: int):
    webhooks.delete_subscription(_own(webhook_id), by=current_user)
    db.session.commit()
    flash(_("Webhook deleted."), "success")
    return redirect(url_for("webhooks.index"))


@bp.post("/<int:webhook_id>/deliveries/<int:delivery_id>/resend")
@login_required
def resend(webhook_id: int, delivery_id: int):
    subscription = _own(webhook_id)
    delivery = db.session.scalar(select(WebhookDelivery).where(
        WebhookDelivery.id == delivery_id, WebhookDelivery.subscription_id == subscription.id))
    if delivery is None:
        abort(404)
    webhooks.send_again(delivery, by=current_user)
    db.session.commit()
    if subscription.active:
        flash(_("Queued again: it goes out within a minute."), "success")
    else:
        flash(_("Queued again. The webhook is switched off: switch it on to send it."), "warning")
    back = safe_next(request.form.get("next"))  # the log page it was on (filter, page)
    return redirect(back or url_for("webhooks.detail", webhook_id=webhook_id))
