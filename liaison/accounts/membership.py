"""Who acts for which organization: the organization tree (an office and its descendant
offices, an office and its ancestors, each one recursive CTE that SQLite and PostgreSQL both
run) and the focal points who vouch for, nominate and approve the people of their
organization and of every office below it.

A focal point acts only while active and verified (`User.acts_as_focal_point`); admins may do
everything a focal point may, for every organization (`may_act_for`).
"""
from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.orm import aliased

from extensions import db
from liaison.accounts.models import Membership, Organization, User


def _org_id(org: Organization | int) -> int:
    return org if isinstance(org, int) else org.id


def tree_ids(org: Organization | int) -> Select:
    """SELECT of the ids of `org` and all its descendant offices (composable: `.in_(...)`)."""
    top = (
        select(Organization.id)
        .where(Organization.id == _org_id(org))
        .cte(recursive=True)
    )
    child = aliased(Organization)
    # UNION, not UNION ALL: a loop in the data (refused on write) still ends the recursion.
    down = top.union(select(child.id).where(child.parent_id == top.c.id))
    return select(down.c.id)


def trees(org_ids: set[int]) -> dict[int, set[int]]:
    """Each of `org_ids` -> the ids of it and all its descendant offices, for all of them in
    one recursive query."""
    if not org_ids:
        return {}
    top = (
        select(Organization.id.label("root"), Organization.id.label("id"))
        .where(Organization.id.in_(org_ids))
        .cte(recursive=True)
    )
    child = aliased(Organization)
    down = top.union(select(top.c.root, child.id).where(child.parent_id == top.c.id))
    result: dict[int, set[int]] = {org_id: set() for org_id in org_ids}
    for root, org_id in db.session.execute(select(down.c.root, down.c.id)):
        result[root].add(org_id)
    return result


def ancestor_ids(org: Organization | int) -> Select:
    """SELECT of the ids of `org` and every organization above it, up to the top."""
    top = (
        select(Organization.id, Organization.parent_id)
        .where(Organization.id == _org_id(org))
        .cte(recursive=True)
    )
    parent = aliased(Organization)
    up = top.union(
        select(parent.id, parent.parent_id).where(parent.id == top.c.parent_id)
    )
    return select(up.c.id)


def descendant_offices(org: Organization | int) -> list[Organization]:
    """The offices below `org` (children, their children, …), by name; `org` itself not."""
    org_id = _org_id(org)
    return list(
        db.session.scalars(
            select(Organization)
            .where(Organization.id.in_(tree_ids(org_id)), Organization.id != org_id)
            .order_by(Organization.name)
        )
    )


def is_focal_point_for(user: User | None, org: Organization | int) -> bool:
    """`user` is an acting focal point of `org` or of an organization above it."""
    if user is None or not getattr(user, "acts_as_focal_point", False):
        return False
    org_id = _org_id(org)
    if user.organization_id == org_id:
        return True
    return user.organization_id in set(db.session.scalars(ancestor_ids(org_id)))


def may_act_for(user: User | None, org: Organization | int) -> bool:
    """Admins act for every organization, focal points for theirs and the offices below."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return user.is_admin or is_focal_point_for(user, org)


def acted_for_ids(user: User) -> Select:
    """SELECT of the ids of the organizations a focal point acts for (their own and every
    office below it); selects nothing for anyone who does not act as a focal point."""
    if not user.acts_as_focal_point:
        return select(Organization.id).where(False)
    return tree_ids(user.organization_id)


def organizations_acted_for(user: User) -> list[Organization]:
    """The organizations a focal point acts for, by name (empty for anyone else)."""
    return list(
        db.session.scalars(
            select(Organization)
            .where(Organization.id.in_(acted_for_ids(user)))
            .order_by(Organization.name)
        )
    )


def focal_points_for(org: Organization | int) -> list[User]:
    """The acting focal points who vouch for members of `org`: its own, then those of the
    organizations above it (nearest first, by name within one organization)."""
    org_id = _org_id(org)
    chain = _chain(org_id)
    if not chain:
        return []
    rank = {oid: depth for depth, oid in enumerate(chain)}
    people = db.session.scalars(
        select(User).where(
            User.organization_id.in_(chain),
            User.focal_point.is_(True),
            User.active.is_(True),
            User.membership == Membership.verified,
        )
    ).all()
    return sorted(people, key=lambda u: (rank[u.organization_id], u.display_name, u.id))


def _chain(org_id: int) -> list[int]:
    """`org_id` and its ancestors, nearest first (walks the loaded parents; offices are few
    levels deep)."""
    chain: list[int] = []
    node = db.session.get(Organization, org_id)
    while node is not None and node.id not in chain:
        chain.append(node.id)
        node = node.parent
    return chain
