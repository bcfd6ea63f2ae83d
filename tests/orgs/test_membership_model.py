"""Membership and focal points, the model and its helpers (issue 16, step 1): email domains on
a dot boundary, the organization tree, who acts for whom, membership in visibility and rule 1."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from extensions import db
from liaison.accounts import membership, organizations
from liaison.accounts.models import Membership, Organization, OrgKind, Role
from liaison.core.errors import DomainError, ValidationFailed
from liaison.events.models import Event
from liaison.events.queries import visible_events
from liaison.registration import registrations

pytestmark = pytest.mark.usefixtures("app")


@pytest.fixture
def tree(make_org):
    """National customs > Shanghai > Pudong office; Shenzhen beside Shanghai; a brand apart."""

    class Tree:
        pass

    t = Tree()
    t.national = make_org("National Customs", OrgKind.customs)
    t.shanghai = make_org("Shanghai Customs", OrgKind.customs, parent_id=t.national.id)
    t.pudong = make_org("Pudong Office", OrgKind.customs, parent_id=t.shanghai.id)
    t.shenzhen = make_org("Shenzhen Customs", OrgKind.customs, parent_id=t.national.id)
    t.brand = make_org("Brand Co", OrgKind.rights_holder)
    return t


@pytest.mark.parametrize(
    ("email", "matches"),
    [
        ("wang@customs.example", True),
        ("wang@sz.customs.example", True),
        ("wang@a.b.customs.example", True),
        ("WANG@SZ.Customs.Example", True),
        ("wang@evilcustoms.example", False),
        ("wang@customs.example.evil.test", False),
        ("wang@example", False),
        ("customs.example@evil.test", False),
        ("no-at-sign", False),
    ],
)
def test_email_domains_match_on_a_dot_boundary(make_org, email, matches):
    org = make_org(email_domains=["customs.example"])
    assert org.matches_email(email) is matches


def test_an_organization_without_domains_matches_nothing(make_org):
    assert make_org().matches_email("a@customs.example") is False


def test_domains_are_cleaned_and_bad_ones_refused():
    assert organizations.parse_email_domains(" @Customs.Example., sz.customs.example\n"
                                             "customs.example") == [
        "customs.example", "sz.customs.example"]
    for bad in ("localhost", "customs..example", "-x.example", "1.2.3.4", "a b@c.example"):
        with pytest.raises(ValidationFailed) as error:
            organizations.parse_email_domains([bad])
        assert "email_domains" in error.value.fields


def test_create_and_update_org_keep_domains_and_two_stage_flag():
    org = organizations.create_org("Customs", "customs", email_domains="customs.example",
                                   focal_point_approval=True)
    assert org.email_domains == ["customs.example"] and org.focal_point_approval
    organizations.update_org(org, name="Customs", kind="customs")  # not given: unchanged
    assert org.email_domains == ["customs.example"] and org.focal_point_approval
    organizations.update_org(org, name="Customs", kind="customs", email_domains=[],
                             focal_point_approval=False)
    assert org.email_domains == [] and not org.focal_point_approval
    with pytest.raises(ValidationFailed) as error:
        organizations.update_org(org, name="", kind="customs", email_domains=["nope"])
    assert set(error.value.fields) == {"name", "email_domains"}


def test_tree_ids_is_the_office_and_every_office_below(tree):
    ids = set(db.session.scalars(membership.tree_ids(tree.national)))
    assert ids == {tree.national.id, tree.shanghai.id, tree.pudong.id, tree.shenzhen.id}
    assert set(db.session.scalars(membership.tree_ids(tree.shanghai.id))) == {
        tree.shanghai.id, tree.pudong.id}
    assert set(db.session.scalars(membership.tree_ids(tree.brand))) == {tree.brand.id}
    assert [o.name for o in membership.descendant_offices(tree.national)] == [
        "Pudong Office", "Shanghai Customs", "Shenzhen Customs"]


def test_tree_ids_composes_into_one_statement(tree, make_user):
    in_pudong = make_user(org=tree.pudong)
    make_user(org=tree.brand)
    from liaison.accounts.models import User

    found = db.session.scalars(
        select(User.id).where(User.organization_id.in_(membership.tree_ids(tree.shanghai)))
    ).all()
    assert found == [in_pudong.id]


def test_ancestor_ids_walks_up_to_the_top(tree):
    assert set(db.session.scalars(membership.ancestor_ids(tree.pudong))) == {
        tree.pudong.id, tree.shanghai.id, tree.national.id}


def test_a_loop_in_the_data_still_ends(tree):
    # Refused on write (organizations._would_loop), but a database edited by hand may hold one.
    db.session.execute(
        Organization.__table__.update()
        .where(Organization.id == tree.national.id)
        .values(parent_id=tree.pudong.id)
    )
    db.session.commit()
    ids = set(db.session.scalars(membership.tree_ids(tree.shanghai)))
    assert ids == {tree.national.id, tree.shanghai.id, tree.pudong.id, tree.shenzhen.id}


def test_focal_point_acts_for_their_office_and_those_below_only(tree, make_user):
    fp = make_user(org=tree.shanghai, focal_point=True)
    assert membership.is_focal_point_for(fp, tree.shanghai)
    assert membership.is_focal_point_for(fp, tree.pudong)
    assert not membership.is_focal_point_for(fp, tree.national)
    assert not membership.is_focal_point_for(fp, tree.shenzhen)
    assert not membership.is_focal_point_for(fp, tree.brand)
    assert [o.name for o in membership.organizations_acted_for(fp)] == [
        "Pudong Office", "Shanghai Customs"]


def test_only_an_active_verified_focal_point_acts(tree, make_user):
    plain = make_user(org=tree.shanghai)
    pending = make_user(org=tree.shanghai, focal_point=True, membership=Membership.pending)
    inactive = make_user(org=tree.shanghai, focal_point=True, active=False)
    for user in (plain, pending, inactive, None):
        assert not membership.is_focal_point_for(user, tree.pudong)
    for user in (plain, pending, inactive):
        assert membership.organizations_acted_for(user) == []


def test_admins_act_for_every_organization(tree, make_user):
    admin = make_user(org=tree.brand, role=Role.admin)
    assert membership.may_act_for(admin, tree.pudong)
    assert not membership.is_focal_point_for(admin, tree.pudong)
    fp = make_user(org=tree.national, focal_point=True)
    assert membership.may_act_for(fp, tree.pudong)
    assert not membership.may_act_for(make_user(org=tree.pudong), tree.pudong)


def test_focal_points_for_lists_the_nearest_first(tree, make_user):
    top = make_user(org=tree.national, focal_point=True, display_name="A National")
    mid = make_user(org=tree.shanghai, focal_point=True, display_name="Z Shanghai")
    make_user(org=tree.shanghai, focal_point=True, membership=Membership.pending)
    make_user(org=tree.shenzhen, focal_point=True)
    make_user(org=tree.pudong)
    assert membership.focal_points_for(tree.pudong) == [mid, top]
    assert membership.focal_points_for(tree.brand) == []


def _visible_titles(user) -> set[str]:
    return set(db.session.scalars(visible_events(user).with_only_columns(Event.title)))


def test_pending_and_rejected_members_see_only_open_to_all_events(tree, make_user, make_event):
    make_event(title="Open")
    make_event(title="Customs only", audience=[OrgKind.customs])
    verified = make_user(org=tree.shanghai)
    assert _visible_titles(verified) == {"Open", "Customs only"}
    for state in (Membership.pending, Membership.rejected):
        member = make_user(org=tree.shanghai, membership=state)
        assert member.audience_kind is None
        assert _visible_titles(member) == {"Open"}


def test_a_pending_member_still_sees_the_events_they_organize(tree, make_user, make_event):
    organizer = make_user(org=tree.shanghai, role=Role.organizer, membership=Membership.pending)
    make_event(title="Mine", organizer=organizer, audience=[OrgKind.customs])
    assert _visible_titles(organizer) == {"Mine"}


def test_rule_1_admits_only_verified_members_to_a_narrow_audience(tree, make_user, make_event):
    event = make_event(audience=[OrgKind.customs], capacity=5)
    pending = make_user(org=tree.shanghai, membership=Membership.pending)
    with pytest.raises(DomainError) as error:
        registrations.register(event, pending)
    assert error.value.code == "membership_not_verified"
    assert "Shanghai Customs" in error.value.message
    db.session.rollback()
    outsider = make_user(org=tree.brand, membership=Membership.pending)
    with pytest.raises(DomainError) as error:
        registrations.register(event, outsider)
    assert error.value.code == "not_in_audience"
    db.session.rollback()
    assert registrations.register(make_event(), pending).status == "confirmed"
    assert registrations.register(event, make_user(org=tree.pudong)).status == "confirmed"
