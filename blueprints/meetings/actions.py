"""'Our actions': the actions an organization (and its offices) owes, by tab, and closing one."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import get_timezone
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from blueprints.core import params
from blueprints.core.redirects import safe_next
from blueprints.meetings.views import bp
from extensions import db
from liaison.accounts.models import Organization
from liaison.core.errors import DomainError
from liaison.meetings import actions
from liaison.meetings.models import ActionItem, ActionStatus

TABS = actions.FILTERS


def _organization_choice() -> tuple[Organization | None, list[Organization]]:
    """The organization whose actions are shown: the viewer's own by default; an admin may pick
    any, others any office of theirs (`?organization=`)."""
    if current_user.is_admin:
        choices = list(db.session.scalars(select(Organization).order_by(Organization.name)))
    else:
        ids = actions.scope_for(current_user)
        choices = list(db.session.scalars(
            select(Organization).where(Organization.id.in_(ids)).order_by(Organization.name)))
    wanted = params.id_arg("organization") or current_user.organization_id
    chosen = next((o for o in choices if o.id == wanted), None)
    if chosen is None and request.args.get("organization"):
        abort(404)
    return chosen, choices


@bp.get("/actions")
@login_required
def ours():
    """Open, due soon, overdue and closed actions of the chosen organization and its offices."""
    tab = request.args.get("tab") if request.args.get("tab") in TABS else "open"
    organization, choices = _organization_choice()
    today = actions.local_today(zone=get_timezone())
    if organization is None:
        return render_template("meetings/actions.html", tab=tab, tabs=TABS, page=None,
                               counts={}, organization=None, choices=choices, today=today,
                               soon_days=actions.SOON_DAYS)
    scope = actions.descendant_ids(organization.id)
    page = params.paginate(actions.for_organizations(scope, tab, today),
                           keep=("tab", "organization"))
    return render_template(
        "meetings/actions.html", tab=tab, tabs=TABS, page=page,
        counts=actions.counts_for(scope, today), organization=organization, choices=choices,
        today=today, soon_days=actions.SOON_DAYS,
    )


@bp.post("/actions/<int:action_id>/status")
@login_required
def set_status(action_id: int):
    """Done, dropped, or open again; back to the page the form was on."""
    action = db.get_or_404(ActionItem, action_id)
    if not action.live or not actions.may_update_action(action, current_user):
        abort(404)
    status = request.form.get("status", "")
    try:
        actions.set_status(action, status, by=current_user)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(_("“%(text)s”: %(status)s.", text=action.display_text[:60],
                status=ActionStatus(status).label), "success")
    return redirect(safe_next(request.form.get("next")) or url_for("meetings.ours"))
