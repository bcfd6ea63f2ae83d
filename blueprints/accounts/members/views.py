"""/members: the people a focal point (or an administrator) vouches for — waiting ones first,
searchable and paginated — with verify and reject."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from blueprints.accounts.members.forms import MemberFilterForm
from blueprints.core import params
from extensions import db, login_manager
from liaison.accounts import members, membership
from liaison.accounts.models import Membership, Organization, User
from liaison.core.errors import DomainError

bp = Blueprint("members", __name__, url_prefix="/members")


@bp.before_request
def focal_points_and_admins():
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if not (current_user.is_admin or current_user.acts_as_focal_point):
        abort(403)
    return None


@bp.app_context_processor
def membership_context() -> dict:
    return {"membership_notice": membership_notice, "acts_for_members": acts_for_members}


def acts_for_members() -> bool:
    """Whether the navigation shows "Members" to the current user."""
    return current_user.is_authenticated and (
        current_user.is_admin or current_user.acts_as_focal_point
    )


def membership_notice() -> dict | None:
    """What the banner tells a member whose organization has not verified them: their state
    and whom they wait for (the focal points of their organization and the offices above it)."""
    user = current_user
    if not user.is_authenticated or user.membership == Membership.verified:
        return None
    return {
        "membership": user.membership,
        "organization": user.organization,
        "focal_points": membership.focal_points_for(user.organization_id),
    }


@bp.get("/")
def index():
    by = current_user._get_current_object()
    organizations = list(db.session.scalars(
        select(Organization).where(Organization.id.in_(members.manageable(by)))
        .order_by(Organization.name)
    ))
    form = MemberFilterForm(request.args, organizations=organizations)
    filters = form.values()
    stmt = members.member_list(by, **filters).options(selectinload(User.organization))
    page = params.paginate(stmt, keep=("q", "membership", "organization"), error_out=False)
    return render_template(
        "accounts/members/list.html",
        page=page,
        form=form,
        filtered=any(filters.values()),
        waiting=members.waiting_count(by),
    )


@bp.post("/<int:user_id>/<any(verify, reject):action>")
def decide(user_id: int, action: str):
    member = db.get_or_404(User, user_id)
    by = current_user._get_current_object()
    if not membership.may_act_for(by, member.organization_id):
        abort(403)
    decide_with = members.verify if action == "verify" else members.reject
    try:
        decide_with(member, by=by)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        if action == "verify":
            flash(_("%(name)s is verified as a member of %(org)s.", name=member.name,
                    org=member.organization.display_name), "success")
        else:
            flash(_("%(name)s is rejected: they see only events open to all.",
                    name=member.name), "success")
    return redirect(_back())


def _back() -> str:
    """Back to the list as it was (filters and page)."""
    keep = {k: request.args.get(k) for k in ("q", "membership", "organization", "page")}
    return url_for("members.index", **{k: v for k, v in keep.items() if v})
