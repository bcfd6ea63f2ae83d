"""Administration of one person and one organization: invite by mail, a user's page (their
organization, email, role, focal-point flag, membership, active flag, a reset link, and the
log of decisions about them) and an organization's page (members, focal points, email
domains, offices, log). Routes on the admin blueprint: admins only."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from blueprints.accounts.admin.forms import (
    InviteForm,
    RoleForm,
    UserEmailForm,
    UserOrganizationForm,
)
from blueprints.accounts.admin.views import bp
from blueprints.core import params
from blueprints.core.forms import apply_errors
from extensions import db
from liaison.accounts import invitations, members, membership, organizations
from liaison.accounts.models import AccountDecision, Organization, Role, User
from liaison.core.errors import DomainError

LOG_ROWS = 50


def _me() -> User:
    return current_user._get_current_object()


def _log(stmt):
    return db.session.scalars(
        stmt.options(selectinload(AccountDecision.actor), selectinload(AccountDecision.user))
        .limit(LOG_ROWS)
    ).all()


@bp.route("/users/invite", methods=["GET", "POST"])
def invite():
    form = InviteForm(organizations=organizations.all_organizations())
    if request.method == "GET" and request.args.get("organization", "").isdigit():
        form.organization_id.data = int(request.args["organization"])
    if form.validate_on_submit():
        try:
            user = invitations.invite(
                form.email.data, form.display_name.data, form.organization_id.data, by=_me(),
                role=Role(form.role.data), focal_point=form.focal_point.data,
                language=form.language.data, display_name_zh=form.display_name_zh.data,
            )
        except DomainError as error:
            db.session.rollback()
            apply_errors(form, error.fields)
            if not error.fields:
                flash(error.message, "error")
        else:
            db.session.commit()
            flash(_("Invitation sent to %(email)s.", email=user.email), "success")
            return redirect(url_for("admin.user", user_id=user.id))
    return render_template("accounts/admin/invite.html", form=form)


@bp.get("/users/<int:user_id>")
def user(user_id: int):
    person = db.get_or_404(User, user_id)
    org_form = UserOrganizationForm(organizations=organizations.all_organizations())
    org_form.organization.data = person.organization_id
    email_form = UserEmailForm(data={"email": person.email})
    return _user_page(person, org_form, email_form)


def _user_page(person: User, org_form, email_form, status: int = 200):
    return render_template(
        "accounts/admin/user.html",
        person=person,
        org_form=org_form,
        email_form=email_form,
        role_form=RoleForm(),
        log=_log(members.decisions(user=person)),
        waits_for=membership.focal_points_for(person.organization_id),
    ), status


@bp.post("/users/<int:user_id>/organization")
def user_organization(user_id: int):
    person = db.get_or_404(User, user_id)
    org_form = UserOrganizationForm(organizations=organizations.all_organizations())
    org = db.session.get(Organization, org_form.organization.data) if org_form.validate() \
        else None
    if org is None:
        flash(_("Choose an organization from the list."), "error")
        return redirect(url_for("admin.user", user_id=person.id))
    return _act(person, lambda: members.change_organization(person, org, by=_me()),
                _("%(name)s is now a member of %(org)s.", name=person.name,
                  org=org.display_name))


@bp.post("/users/<int:user_id>/email")
def user_email(user_id: int):
    person = db.get_or_404(User, user_id)
    form = UserEmailForm()
    if form.validate_on_submit():
        try:
            members.change_email(person, form.email.data, by=_me())
        except DomainError as error:
            db.session.rollback()
            apply_errors(form, error.fields)
        else:
            db.session.commit()
            flash(_("The email address is now %(email)s; %(name)s's sessions have ended.",
                    email=person.email, name=person.name), "success")
            return redirect(url_for("admin.user", user_id=person.id))
    org_form = UserOrganizationForm(organizations=organizations.all_organizations())
    org_form.organization.data = person.organization_id
    return _user_page(person, org_form, form, 422)


@bp.post("/users/<int:user_id>/focal-point")
def user_focal_point(user_id: int):
    person = db.get_or_404(User, user_id)
    value = request.form.get("focal_point") == "1"
    message = (_("%(name)s is a focal point of %(org)s.", name=person.name,
                 org=person.organization.display_name) if value
               else _("%(name)s is no longer a focal point.", name=person.name))
    return _act(person, lambda: members.set_focal_point(person, value, by=_me()), message)


@bp.post("/users/<int:user_id>/membership")
def user_membership(user_id: int):
    person = db.get_or_404(User, user_id)
    if request.form.get("decision") == "verify":
        return _act(person, lambda: members.verify(person, by=_me()),
                    _("%(name)s is verified as a member of %(org)s.", name=person.name,
                      org=person.organization.display_name))
    return _act(person, lambda: members.reject(person, by=_me()),
                _("%(name)s is rejected: they see only events open to all.", name=person.name))


@bp.post("/users/<int:user_id>/password-reset")
def user_password_reset(user_id: int):
    person = db.get_or_404(User, user_id)
    return _act(person, lambda: members.send_password_reset(person, by=_me()),
                _("A link to set a new password is on its way to %(email)s.",
                  email=person.email))


@bp.post("/users/<int:user_id>/invitation")
def user_invitation(user_id: int):
    person = db.get_or_404(User, user_id)
    return _act(person, lambda: invitations.resend(person, by=_me()),
                _("Invitation sent to %(email)s.", email=person.email))


def _act(person: User, action, message: str):
    """One domain call, committed, then back to the person's page with what happened."""
    try:
        action()
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(message, "success")
    return redirect(url_for("admin.user", user_id=person.id))


@bp.get("/organizations/<int:org_id>")
def organization(org_id: int):
    org = db.get_or_404(Organization, org_id)
    stmt = (
        select(User)
        .where(User.organization_id == org.id)
        .order_by(User.display_name, User.id)
    )
    page = params.paginate(stmt, per_page=20, error_out=False)
    offices = membership.descendant_offices(org)
    counts = dict(db.session.execute(
        select(User.organization_id, func.count(User.id))
        .where(User.organization_id.in_([o.id for o in offices]))
        .group_by(User.organization_id)
    ).all()) if offices else {}
    return render_template(
        "accounts/admin/organization.html",
        org=org,
        page=page,
        focal_points=membership.focal_points_for(org),
        offices=offices,
        office_members=counts,
        log=_log(members.decisions(organization_ids=membership.tree_ids(org))),
    )
