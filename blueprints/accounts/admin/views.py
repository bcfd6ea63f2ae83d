"""Administration, for admins only: organizations, users, roles and deactivation."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from blueprints.accounts.admin.forms import OrganizationForm, RoleForm, SearchForm
from blueprints.core import params
from blueprints.core.forms import apply_errors
from extensions import db, login_manager
from liaison.accounts import organizations
from liaison.accounts import users as accounts
from liaison.accounts.models import Organization, Role, User
from liaison.core.errors import DomainError

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
def admins_only():
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if not current_user.is_admin:
        abort(403)
    return None


@bp.get("/")
def index():
    return redirect(url_for("admin.users"))


@bp.get("/organizations", endpoint="organizations")
def organization_list():
    stmt = (
        select(Organization)
        .options(selectinload(Organization.parent))
        .order_by(Organization.kind, Organization.name)
    )
    page = params.paginate(stmt, error_out=False)
    return render_template("accounts/admin/organizations.html", page=page)


@bp.route("/organizations/new", methods=["GET", "POST"])
def new_organization():
    form = OrganizationForm(parents=organizations.all_organizations())
    if form.validate_on_submit():
        try:
            org = organizations.create_org(**form.values())
        except DomainError as error:
            db.session.rollback()
            apply_errors(form, error.fields)
        else:
            db.session.commit()
            flash(_("Organization “%(name)s” created.", name=org.name), "success")
            return redirect(url_for("admin.organizations"))
    return render_template("accounts/admin/organization_form.html", form=form, org=None)


@bp.route("/organizations/<int:org_id>/edit", methods=["GET", "POST"])
def edit_organization(org_id: int):
    org = db.get_or_404(Organization, org_id)
    parents = [o for o in organizations.all_organizations() if o.id != org.id]
    form = OrganizationForm(obj=org, parents=parents)
    if request.method == "GET":
        form.parent_id.data = org.parent_id or 0
        form.show_domains(org)
    if form.validate_on_submit():
        try:
            organizations.update_org(org, **form.values())
        except DomainError as error:
            db.session.rollback()
            apply_errors(form, error.fields)
        else:
            db.session.commit()
            flash(_("Organization “%(name)s” saved.", name=org.name), "success")
            return redirect(url_for("admin.organization", org_id=org.id))
    return render_template(
        "accounts/admin/organization_form.html", form=form, org=org,
        members=organizations.member_count(org),
    )


@bp.get("/users")
def users():
    search = SearchForm(request.args)
    query = search.q.data if search.validate() else ""
    stmt = accounts.search_users(query or "").options(selectinload(User.organization))
    page = params.paginate(stmt, keep=("q",), error_out=False)
    return render_template(
        "accounts/admin/users.html", page=page, search=search, query=query, role_form=RoleForm()
    )


@bp.post("/users/<int:user_id>/role")
def set_role(user_id: int):
    user = db.get_or_404(User, user_id)
    form = RoleForm()
    if not form.validate_on_submit():
        flash(_("Choose a role from the list."), "error")
    else:
        try:
            accounts.set_role(user, Role(form.role.data), by=current_user._get_current_object())
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(_("%(name)s is now: %(role)s.", name=user.name, role=user.role.label), "success")
    return redirect(_back_to_users())


@bp.post("/users/<int:user_id>/active")
def set_active(user_id: int):
    user = db.get_or_404(User, user_id)
    active = request.form.get("active") == "1"
    try:
        accounts.set_active(user, active, by=current_user._get_current_object())
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        if active:
            flash(_("%(name)s can log in again.", name=user.name), "success")
        else:
            flash(_("%(name)s is deactivated and logged out.", name=user.name), "success")
    return redirect(_back_to_users())


def _back_to_users() -> str:
    """Back to the list the admin came from, keeping the search and page (or to the person's
    own page, when the form was on it: ?to=user)."""
    if request.args.get("to") == "user" and request.view_args:
        return url_for("admin.user", user_id=request.view_args["user_id"])
    return url_for("admin.users", q=request.args.get("q") or None, page=request.args.get("page"))

