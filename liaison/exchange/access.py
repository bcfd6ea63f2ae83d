"""Who may do what on the exchange board: verified members read it; focal points act for their
organization and the offices below it — post, edit, propose, accept; admins act for all. The
organization tree and the focal-point rule are accounts' (liaison.accounts.membership)."""
from __future__ import annotations

from sqlalchemy import Select, select

from liaison.accounts import membership
from liaison.accounts.models import Organization, User


def can_see_board(user) -> bool:
    """Signed-in, active, verified members of their organization."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.active:
        return False
    return user.is_verified_member


def acts_as_focal_point(user: User) -> bool:
    """An active, verified focal point (admins are not focal points: they act for all)."""
    return user.acts_as_focal_point


def may_act_for(user, org: Organization | int | None) -> bool:
    """Admins act for every organization, focal points for theirs and the offices below."""
    if org is None or not can_see_board(user):
        return False
    return membership.may_act_for(user, org)


def acted_for_ids(user) -> Select:
    """SELECT of the ids of the organizations `user` acts for as a focal point; an
    administrator's "own" postings are those of their organization."""
    if user is not None and getattr(user, "is_admin", False) and not user.acts_as_focal_point:
        return select(Organization.id).where(Organization.id == user.organization_id)
    return membership.acted_for_ids(user)


def is_focal_point(user) -> bool:
    return user is not None and (getattr(user, "is_admin", False) or user.acts_as_focal_point)


def focal_points_of(org_id: int) -> list[User]:
    """The acting focal points who act for an organization (its own, then those above it):
    who hears of its matches and proposals."""
    return membership.focal_points_for(org_id)
