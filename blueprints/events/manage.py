"""Organizers' side: create, edit, publish, unpublish, cancel, duplicate (and whole series)."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import or_, select

from blueprints.core.forms import save_or_report
from blueprints.events.forms import EventForm, NewEventForm
from blueprints.events.views import bp
from extensions import db
from liaison.accounts.models import Organization, Role, User
from liaison.core.errors import DomainError
from liaison.core.when import format_when, join_list
from liaison.events import lifecycle, queries, topics
from liaison.events.models import Event


def _choices(event: Event | None = None) -> dict:
    organizations = db.session.scalars(select(Organization).order_by(Organization.name)).all()
    organizers = db.session.scalars(
        select(User)
        .where(or_(User.role.in_((Role.organizer, Role.admin)), User.focal_point.is_(True)),
               User.active.is_(True))
        .where(User.id != current_user.id)
        .order_by(User.display_name)
    ).all()
    # The vocabulary, plus the event's own proposed topics (so an edit keeps them ticked).
    own = [t for t in event.topic_terms if t.is_proposed] if event else []
    vocabulary = topics.vocabulary(include_proposed=False) + own
    return {"organizations": organizations, "organizers": organizers, "topics": vocabulary}


def _report(form: EventForm, current_start=None) -> None:
    """The shape check failed: show the domain's messages too (and a start in the past), so
    one submission reports every problem, and say so at the top."""
    form.check_rules()
    warning = form.past_warning(current_start)
    if warning and warning not in form.start_date.errors:
        form.start_date.errors = [*form.start_date.errors, warning]
    db.session.rollback()
    flash(_("Some fields need your attention."), "error")


def _warned_about_past(form: EventForm, current_start=None) -> bool:
    """A start in the past: say so next to the date and save nothing until it is confirmed."""
    warning = form.past_warning(current_start)
    if warning:
        form.start_date.errors = [*form.start_date.errors, warning]
        flash(_("The event starts in the past. Check the date before saving."), "warning")
    return bool(warning)


def _flash_proposed(events: list[Event]) -> None:
    """Say which typed topics the vocabulary lacked: the administrators review them."""
    proposed = sorted({t.label for e in events for t in e.topic_terms if t.is_proposed})
    if proposed:
        flash(_("New topics go to the administrators for review: %(topics)s.",
                topics=join_list(proposed)), "info")


def event_to_manage(event_id: int) -> Event:
    """404 when the viewer may not even see it (a draft, another audience), 403 when they see
    it but may not manage it. The registrations blueprint's organizer pages use it too."""
    event = db.first_or_404(queries.visible_events(current_user).where(Event.id == event_id))
    if not lifecycle.can_manage(event, current_user):
        abort(403)
    return event


@bp.route("/events/new", methods=["GET", "POST"])
@login_required
def new():
    if not current_user.can_organize:
        abort(403)
    form = NewEventForm(**_choices())
    if request.method == "GET":
        form.host_organization.data = current_user.organization_id
        form.timezone.data = current_user.timezone
    valid = form.validate_on_submit()
    if valid and not _warned_about_past(form):
        def create():
            if form.repeat.data:
                return lifecycle.create_series(
                    form.to_input(), form.repeat.data, form.repeat_count.data or 0, by=current_user
                )
            return [lifecycle.create_event(form.to_input(), by=current_user)]

        created = save_or_report(form, create)
        if created is not None:
            if len(created) > 1:
                flash(_("%(n)d draft occurrences created. Publish each when it is ready.",
                        n=len(created)), "success")
            else:
                flash(_("Draft saved. Publish it when it is ready."), "success")
            _flash_proposed(created[:1])
            return redirect(url_for("events.detail", event_id=created[0].id))
    elif form.is_submitted() and not valid:
        _report(form)
    return render_template("events/form.html", form=form, event=None)


@bp.route("/events/<int:event_id>/edit", methods=["GET", "POST"])
@login_required
def edit(event_id: int):
    event = event_to_manage(event_id)
    if event.is_cancelled:
        flash(_("This event is cancelled and can no longer be changed."), "error")
        return redirect(url_for("events.detail", event_id=event.id))
    form = EventForm(**_choices(event))
    if request.method == "GET":
        form.fill_from(lifecycle.EventInput.from_event(event))
    valid = form.validate_on_submit()
    if valid and not _warned_about_past(form, event.start_at):
        following = event.series_id is not None and request.form.get("scope") == "following"
        update = lifecycle.update_series_from if following else lifecycle.update_event
        changes = save_or_report(form, lambda: update(event, form.to_input(), by=current_user))
        if changes is not None:
            flash(_("Changes saved."), "success")
            _flash_proposed([event])
            return redirect(url_for("events.detail", event_id=event_id))
    elif form.is_submitted() and not valid:
        _report(form, event.start_at)
    return render_template("events/form.html", form=form, event=event)


ACTIONS = {
    "publish": (lifecycle.publish_event, lambda: _("Published. The audience can now see it.")),
    "unpublish": (
        lifecycle.unpublish_event, lambda: _("Back to draft. Only organizers see it now.")
    ),
    "cancel": (lifecycle.cancel_event, lambda: _("Event cancelled. Registrants are being told.")),
}


@bp.post("/events/<int:event_id>/<any(publish, unpublish, cancel):action>")
@login_required
def act(event_id: int, action: str):
    """Publish, unpublish or cancel (with an optional `reason`); cancel with scope=following
    cancels the rest of a series."""
    event = event_to_manage(event_id)
    operation, message = ACTIONS[action]
    extra = {}
    if action == "cancel":
        extra["reason"] = request.form.get("reason")  # told to the registrants
        if request.form.get("scope") == "following":
            operation = lifecycle.cancel_series_from
    try:
        operation(event, by=current_user, **extra)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(message(), "success")
    return redirect(url_for("events.detail", event_id=event_id))


@bp.post("/events/<int:event_id>/duplicate")
@login_required
def duplicate(event_id: int):
    event = event_to_manage(event_id)
    try:
        copy = lifecycle.duplicate_event(event, by=current_user)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("events.detail", event_id=event_id))
    db.session.commit()
    flash(_("“%(title)s” is a draft on %(day)s, the same weekday and time. Check the dates, "
            "then publish it.", title=copy.title, day=format_when(copy.start_at, copy.timezone,
                                                                  "full")), "success")
    return redirect(url_for("events.edit", event_id=copy.id))
