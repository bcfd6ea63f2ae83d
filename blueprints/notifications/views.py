"""Organizers' messages to an event's registrants: write one, see those sent (also listed on
the event page, through the `event_messages` template global)."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import ngettext
from flask_login import current_user, login_required

from blueprints.core.forms import apply_errors
from blueprints.core.params import paginate
from blueprints.events.manage import event_to_manage
from blueprints.notifications.forms import MessageForm
from extensions import db
from liaison.core.errors import DomainError
from liaison.events.models import Event
from liaison.notifications import messages
from liaison.registration.models import RegistrationStatus
from liaison.registration.seats import seat_counts

bp = Blueprint("messages", __name__)
PER_PAGE = 10


@bp.app_template_global()
def event_messages(event: Event, limit: int = 3) -> list:
    """The event's latest messages, for the organizers' part of the event page."""
    return db.session.scalars(messages.messages_of(event).limit(limit)).all()


@bp.route("/events/<int:event_id>/messages", methods=["GET", "POST"])
@login_required
def compose(event_id: int):
    """Write to the registrants of chosen statuses; the messages sent so far below."""
    event = event_to_manage(event_id)
    form = MessageForm()
    if request.method == "GET":
        chosen = request.args.get("status")
        form.statuses.data = [chosen if chosen in RegistrationStatus.__members__
                              else RegistrationStatus.confirmed.value]
    if form.validate_on_submit():
        try:
            sent = messages.send_message(
                event, by=current_user, subject=form.subject.data, body=form.body.data,
                statuses=form.statuses.data, subject_zh=form.subject_zh.data,
                body_zh=form.body_zh.data)
        except DomainError as error:
            db.session.rollback()
            apply_errors(form, error.fields)
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(ngettext("Message sent to %(num)d person.", "Message sent to %(num)d people.",
                           sent.recipients), "success")
            return redirect(url_for("messages.compose", event_id=event_id))
    page = paginate(messages.messages_of(event), per_page=PER_PAGE, error_out=False)
    return render_template("notifications/messages.html", event=event, form=form, page=page,
                           counts=seat_counts([event.id]).get(event.id))
