"""Who may do what on the exchange board: verified members read it; focal points act for their
organization (and the offices below it) — post, edit, propose, accept; admins act for all."""
from __future__ import annotations

from sqlalchemy import Select, select

from extensions import db
from liaison.accounts.models import Organization, User


def can_see_board(user) -> bool:
    """Signed-in, active, verified members of their organization."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.active:
        return False
    return getattr(user, "membership", "verified") == "verified"


def acts_as_focal_point(user: User) -> bool:
    """An active, verified focal point (admins are not focal points: they act for all)."""
    # Until membership and focal points arrive (orgs), organizers act for their organization.
    return bool(getattr(user, "focal_point", user.can_organize)) and can_see_board(user)


def may_act_for(user, org: Organization | int | None) -> bool:
    """Admins act for every organization, focal points for their own."""
    if org is None or not can_see_board(user):
        return False
    if user.is_admin:
        return True
    org_id = org if isinstance(org, int) else org.id
    return acts_as_focal_point(user) and user.organization_id == org_id


def acted_for_ids(user) -> Select:
    """SELECT of the ids of the organizations `user` acts for as a focal point (nothing for
    anyone else; admins act for all, but "my organization's requests" are their own)."""
    if user is None or not acts_as_focal_point(user) and not getattr(user, "is_admin", False):
        return select(Organization.id).where(False)
    return select(Organization.id).where(Organization.id == user.organization_id)


def is_focal_point(user) -> bool:
    return user is not None and (getattr(user, "is_admin", False) or acts_as_focal_point(user))


def focal_points_of(org_id: int) -> list[User]:
    """The acting focal points of an organization: who hears of its matches and proposals."""
    people = db.session.scalars(
        select(User).where(User.organization_id == org_id, User.active.is_(True))
        .order_by(User.display_name, User.id)
    ).all()
    return [u for u in people if acts_as_focal_point(u)]
