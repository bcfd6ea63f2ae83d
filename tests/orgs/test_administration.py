"""Step 4: administration a deployment needs — invite by mail (the invitee chooses the
password), a user's page (organization, email, role, focal point, membership, deactivate,
reset link, the log of decisions), an organization's page (members, focal points, email
domains, offices, log), and the organization form's domains and two-stage flag."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from extensions import db
from liaison.accounts.models import AccountDecision, Decision, Membership, OrgKind, Role, User
from liaison.mail.models import OutboxMessage
from tests.conftest import PASSWORD
from tests.events.test_query_counts import counting


@pytest.fixture
def admin(make_user, make_org):
    return make_user("admin@liaison.test", Role.admin, make_org("Liaison Office", OrgKind.other),
                     display_name="Ada Admin")


@pytest.fixture
def customs(make_org):
    national = make_org("National Customs", OrgKind.customs)
    return make_org("Shanghai Customs", OrgKind.customs, parent_id=national.id)


def mail_to(email: str, kind: str) -> OutboxMessage:
    return db.session.scalar(select(OutboxMessage).where(
        OutboxMessage.recipient == email, OutboxMessage.kind == kind
    ).order_by(OutboxMessage.id.desc()))


def log_of(user: User) -> list[tuple]:
    rows = db.session.scalars(select(AccountDecision).where(AccountDecision.user_id == user.id)
                              .order_by(AccountDecision.id)).all()
    return [(r.decision, r.actor_id, r.old_value, r.new_value) for r in rows]


def test_an_invitation_makes_a_verified_account_whose_owner_chooses_the_password(
        client, login, admin, customs):
    login(admin)
    response = client.post("/admin/users/invite", data={
        "email": "Wang.Lei@Customs.example", "display_name": "Wang Lei",
        "display_name_zh": "王磊", "organization_id": customs.id, "role": "organizer",
        "focal_point": "y", "language": "zh"})
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.email == "wang.lei@customs.example"))
    assert (user.membership, user.focal_point, user.role, user.email_verified) == (
        Membership.verified, True, Role.organizer, False)
    assert [d for d, *_ in log_of(user)] == [Decision.invited, Decision.focal_point_granted]
    mail = mail_to(user.email, "invitation")
    assert "Ada Admin" in mail.body_text and "Shanghai Customs" in mail.body_text
    assert "联络人" in mail.body_text  # in the invitee's language
    link = re.search(r"http://liaison\.test(/auth/invite/\S+)", mail.body_text).group(1)
    client.post("/auth/logout")
    # Nobody can log in before choosing the password.
    assert "Choose your password" in client.get(link).get_data(as_text=True)
    bad = client.post(link, data={"new_password": "short", "confirm": "short"})
    assert bad.status_code == 200 and "at least" in bad.get_data(as_text=True).lower()
    done = client.post(link, data={"new_password": PASSWORD, "confirm": PASSWORD})
    assert done.status_code == 302
    db.session.expire_all()
    user = db.session.get(User, user.id)
    assert user.email_verified and client.get("/account/").status_code == 200
    client.post("/auth/logout")
    assert client.get(link).status_code == 400  # used: the link dies with the password


def test_invite_refuses_a_taken_address_next_to_the_field(client, login, admin, customs,
                                                          make_user):
    make_user("taken@example.org")
    login(admin)
    before = db.session.scalar(select(func.count(User.id)))
    response = client.post("/admin/users/invite", data={
        "email": "TAKEN@example.org", "display_name": "X", "organization_id": customs.id,
        "role": "participant", "language": "en"})
    assert response.status_code == 200
    assert "This email address cannot be used" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(User.id))) == before
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0


def test_the_user_page_changes_and_logs_everything(client, login, admin, customs, make_org,
                                                   make_user):
    person = make_user("chen@customs.example", org=customs, display_name="Chen Jie",
                       membership=Membership.pending)
    login(admin)
    page = client.get(f"/admin/users/{person.id}").get_data(as_text=True)
    assert "Chen Jie" in page and "Awaiting verification" in page
    # Focal point only once verified.
    client.post(f"/admin/users/{person.id}/focal-point", data={"focal_point": "1"})
    assert not db.session.get(User, person.id).focal_point
    client.post(f"/admin/users/{person.id}/membership", data={"decision": "verify"})
    client.post(f"/admin/users/{person.id}/focal-point", data={"focal_point": "1"})
    shenzhen = make_org("Shenzhen Customs", OrgKind.customs)
    client.post(f"/admin/users/{person.id}/organization", data={"organization": shenzhen.id})
    client.post(f"/admin/users/{person.id}/role?to=user", data={"role": "organizer"})
    client.post(f"/admin/users/{person.id}/email", data={"email": "chen.jie@customs.example"})
    client.post(f"/admin/users/{person.id}/password-reset")
    response = client.post(f"/admin/users/{person.id}/active?to=user", data={"active": "0"})
    assert response.location.endswith(f"/admin/users/{person.id}")
    db.session.expire_all()
    person = db.session.get(User, person.id)
    assert (person.organization_id, person.membership, person.focal_point, person.role,
            person.email, person.active) == (shenzhen.id, Membership.verified, True,
                                             Role.organizer, "chen.jie@customs.example", False)
    assert log_of(person) == [
        (Decision.verified, admin.id, "pending", "verified"),
        (Decision.focal_point_granted, admin.id, None, None),
        (Decision.organization_changed, admin.id, "Shanghai Customs", "Shenzhen Customs"),
        (Decision.role_changed, admin.id, "participant", "organizer"),
        (Decision.email_changed, admin.id, "chen@customs.example", "chen.jie@customs.example"),
        (Decision.password_reset_sent, admin.id, None, None),
        (Decision.deactivated, admin.id, None, None),
    ]
    assert mail_to("chen.jie@customs.example", "password_reset") is not None
    page = client.get(f"/admin/users/{person.id}").get_data(as_text=True)
    assert "email address changed" in page and "by Ada Admin" in page


def test_the_user_page_refuses_a_taken_address_next_to_the_field(client, login, admin,
                                                                 make_user):
    person = make_user("one@example.org")
    make_user("two@example.org")
    login(admin)
    response = client.post(f"/admin/users/{person.id}/email", data={"email": "TWO@example.org"})
    assert response.status_code == 422
    assert "Another account already uses this address." in response.get_data(as_text=True)
    assert db.session.get(User, person.id).email == "one@example.org"


def test_the_organization_page_shows_members_focal_points_domains_offices_and_log(
        client, login, admin, customs, make_org, make_user):
    national = customs.parent
    pudong = make_org("Pudong Office", OrgKind.customs, parent_id=customs.id)
    make_user(org=national, focal_point=True, display_name="Top Focal")
    member = make_user(org=customs, display_name="Zhang Wei", membership=Membership.pending)
    make_user(org=pudong, display_name="Pudong Officer")
    login(admin)
    client.post(f"/admin/users/{member.id}/membership", data={"decision": "reject"})
    response = client.post(f"/admin/organizations/{national.id}/edit", data={
        "name": national.name, "kind": "customs", "parent_id": "0", "city": "Beijing",
        "email_domains": "customs.example\nSZ.customs.example", "focal_point_approval": "y"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(type(national), national.id).email_domains == [
        "customs.example", "sz.customs.example"]
    page = client.get(f"/admin/organizations/{national.id}").get_data(as_text=True)
    for text in ("Top Focal", "customs.example, sz.customs.example", "Shanghai Customs",
                 "Pudong Office", "Focal points approve members", "Zhang Wei"):
        assert text in page, text
    assert "rejected" in page  # the log of its offices' members
    edit = client.get(f"/admin/organizations/{national.id}/edit").get_data(as_text=True)
    assert "customs.example\nsz.customs.example" in edit
    bad = client.post(f"/admin/organizations/{national.id}/edit", data={
        "name": national.name, "kind": "customs", "parent_id": "0", "email_domains": "nope"})
    assert bad.status_code == 200 and "is not a domain" in bad.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/admin/users/{person}", "/admin/organizations/{org}"])
def test_admin_pages_query_count_does_not_grow(client, login, admin, customs, make_user, path):
    from liaison.accounts import members

    login(admin)
    person = make_user(org=customs, membership=Membership.pending)
    first = make_user(org=customs, focal_point=True)  # one of each kind of row to start with
    members.record(person, Decision.role_changed, by=first, old="a", new="b")
    db.session.commit()

    def statements() -> int:
        url = path.format(person=person.id, org=customs.id)
        with counting() as seen:
            assert client.get(url).status_code == 200
        return len(seen)

    few = statements()
    for n in range(15):
        other = make_user(org=customs, display_name=f"M {n}", focal_point=n % 5 == 0)
        members.record(person, Decision.role_changed, by=other, old="a", new="b")
        members.record(other, Decision.verified, by=admin)
    db.session.commit()
    assert statements() == few


def test_only_admins_reach_administration(client, login, customs, make_user):
    person = make_user(org=customs)
    login(make_user(org=customs, focal_point=True))
    for path in (f"/admin/users/{person.id}", f"/admin/organizations/{customs.id}",
                 "/admin/users/invite"):
        assert client.get(path).status_code == 403
    assert client.post(f"/admin/users/{person.id}/email",
                       data={"email": "x@example.org"}).status_code == 403
