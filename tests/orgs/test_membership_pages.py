"""Step 3: sign-ups wait for verification (or are verified by their confirmed address's
domain), the banner names whom a member waits for, the Members page (verify, reject, list,
search, paginate), the focal points' daily digest, and moving oneself to another organization."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from extensions import db
from liaison.accounts import links, member_digest, members, users
from liaison.accounts.models import Decision, Membership, OrgKind, Role, User
from liaison.mail.models import OutboxMessage
from tests.conftest import PASSWORD
from tests.events.test_query_counts import counting


@pytest.fixture
def offices(make_org):
    class Offices:
        pass

    o = Offices()
    o.national = make_org("National Customs", OrgKind.customs, email_domains=["customs.example"])
    o.shanghai = make_org("Shanghai Customs", OrgKind.customs, parent_id=o.national.id)
    o.shenzhen = make_org("Shenzhen Customs", OrgKind.customs, parent_id=o.national.id)
    o.brand = make_org("Brand Co", OrgKind.rights_holder)
    return o


def confirm(user: User) -> None:
    """The confirmation link's form: the sign-up's details kept, a password chosen."""
    users.confirm_account(links.make_token(user, "confirm"), password=PASSWORD,
                          display_name=user.display_name, display_name_zh=None,
                          organization_id=user.organization_id)
    db.session.commit()


def sign_up_and_confirm(email: str, org) -> User:
    user = users.register(email, "New Officer", org.id)
    db.session.commit()
    confirm(user)
    return user


def decisions_of(user) -> list[tuple]:
    rows = db.session.scalars(members.decisions(user=user)).all()
    return [(r.decision, r.actor_id) for r in reversed(rows)]


def test_a_sign_up_waits_for_verification_even_once_confirmed(offices):
    user = sign_up_and_confirm("new@gmail.example", offices.shanghai)
    assert user.email_verified and user.membership == Membership.pending
    assert user.membership_since is not None
    assert decisions_of(user) == [(Decision.signed_up, user.id)]


def test_a_confirmed_address_at_an_organization_domain_is_verified_at_once(offices):
    """Shanghai's parent lists customs.example; Shanghai itself lists none: only the
    organization chosen counts, on a dot boundary."""
    offices.shanghai.email_domains = ["customs.example"]
    db.session.commit()
    sub = users.register("a@sh.customs.example", "A", offices.shanghai.id)
    db.session.commit()
    assert sub.membership == Membership.pending  # not before the address is confirmed
    confirm(sub)
    assert sub.membership == Membership.verified
    assert decisions_of(sub) == [(Decision.signed_up, sub.id), (Decision.verified_by_domain, None)]
    lookalike = sign_up_and_confirm("b@evilcustoms.example", offices.shanghai)
    assert lookalike.membership == Membership.pending
    other_office = sign_up_and_confirm("c@customs.example", offices.shenzhen)
    assert other_office.membership == Membership.pending


def test_verify_and_reject_need_a_focal_point_above_or_an_admin(offices, make_user):
    member = make_user(org=offices.shanghai, membership=Membership.pending)
    from liaison.core.errors import NotAllowed

    for outsider in (make_user(org=offices.shenzhen, focal_point=True),
                     make_user(org=offices.shanghai),
                     make_user(org=offices.brand, role=Role.organizer)):
        with pytest.raises(NotAllowed):
            members.verify(member, by=outsider)
    with pytest.raises(NotAllowed):
        members.verify(member, by=member)
    top = make_user(org=offices.national, focal_point=True)
    members.verify(member, by=top)
    assert member.membership == Membership.verified
    admin = make_user(org=offices.brand, role=Role.admin)
    members.reject(member, by=admin)
    assert member.membership == Membership.rejected
    assert decisions_of(member) == [(Decision.verified, top.id), (Decision.rejected, admin.id)]


def test_a_focal_point_cannot_decide_about_an_administrator(offices, make_user):
    from liaison.core.errors import NotAllowed

    admin = make_user(org=offices.shanghai, role=Role.admin)
    with pytest.raises(NotAllowed):
        members.reject(admin, by=make_user(org=offices.shanghai, focal_point=True))


# --- pages -----------------------------------------------------------------------------------


def test_the_banner_names_whom_a_pending_member_waits_for(client, login, offices, make_user):
    make_user(org=offices.national, focal_point=True, display_name="Wang Lei")
    make_user(org=offices.shanghai, focal_point=True, display_name="Li Na")
    member = login(make_user(org=offices.shanghai, membership=Membership.pending))
    page = client.get("/").get_data(as_text=True)
    assert "awaits verification by Li Na, Wang Lei" in page
    assert "only events open to all" in page
    client.post("/account/language", data={"language": "zh"})
    page = client.get("/").get_data(as_text=True)
    assert "等待" in page and "Li Na" in page
    member.membership = Membership.verified
    db.session.commit()
    client.post("/account/language", data={"language": "en"})
    assert "awaits verification" not in client.get("/").get_data(as_text=True)


def test_a_rejected_member_is_told_and_an_orphan_waits_for_an_admin(client, login, offices,
                                                                      make_user):
    login(make_user(org=offices.brand, membership=Membership.pending))
    assert "awaits verification by an administrator" in client.get("/").get_data(as_text=True)
    login(make_user(org=offices.brand, membership=Membership.rejected))
    assert "has not verified your membership" in client.get("/").get_data(as_text=True)


def test_members_page_lists_waiting_first_and_verifies(client, login, offices, make_user):
    fp = login(make_user(org=offices.shanghai, focal_point=True, display_name="FP"))
    make_user(org=offices.shanghai, display_name="Aaron Verified")
    waiting = make_user(org=offices.shanghai, membership=Membership.pending,
                        display_name="Zoe Waiting", email="zoe@mail.example")
    make_user(org=offices.shenzhen, membership=Membership.pending, display_name="Not Mine")
    page = client.get("/members/").get_data(as_text=True)
    assert "Not Mine" not in page
    assert page.index("Zoe Waiting") < page.index("Aaron Verified")
    assert "1 person waits for verification." in page
    response = client.post(f"/members/{waiting.id}/verify?membership=pending")
    assert response.status_code == 302 and "membership=pending" in response.location
    db.session.expire_all()
    assert db.session.get(User, waiting.id).membership == Membership.verified
    assert decisions_of(waiting) == [(Decision.verified, fp.id)]
    response = client.post(f"/members/{waiting.id}/reject", follow_redirects=True)
    assert "Zoe Waiting is rejected" in response.get_data(as_text=True)


def test_members_page_filters_searches_and_paginates(client, login, offices, make_user, app):
    login(make_user(org=offices.national, focal_point=True))
    for n in range(25):
        make_user(org=offices.shenzhen if n % 2 else offices.shanghai,
                  display_name=f"Officer {n:02d}",
                  membership=Membership.pending if n < 3 else Membership.verified)
    first = client.get("/members/").get_data(as_text=True)
    assert "Officer 00" in first and "Next" in first
    assert "26 in all" in first
    found = client.get("/members/?q=officer 1").get_data(as_text=True)
    assert "Officer 10" in found and "Officer 02" not in found
    pending = client.get("/members/?membership=pending").get_data(as_text=True)
    assert "Officer 02" in pending and "Officer 05" not in pending
    shenzhen = client.get(f"/members/?organization={offices.shenzhen.id}").get_data(as_text=True)
    assert "Officer 01" in shenzhen and "Officer 00" not in shenzhen
    # Nonsense filters answer a page, not an error.
    for query in ("membership=nope", "organization=abc", "organization=99999", "page=x",
                  "q=" + "x" * 500):
        assert client.get(f"/members/?{query}").status_code == 200, query


def test_members_page_access(client, login, offices, make_user):
    assert client.get("/members/").status_code == 302  # to log in
    login(make_user(org=offices.shanghai))
    assert client.get("/members/").status_code == 403
    member = make_user(org=offices.shanghai, membership=Membership.pending)
    login(make_user(org=offices.shenzhen, focal_point=True))
    assert client.post(f"/members/{member.id}/verify").status_code == 403
    assert client.post("/members/999999/verify").status_code == 404
    db.session.expire_all()
    assert db.session.get(User, member.id).membership == Membership.pending


def test_members_page_query_count_does_not_grow(client, login, offices, make_user):
    login(make_user(org=offices.national, focal_point=True))

    def statements() -> int:
        with counting() as seen:
            assert client.get("/members/").status_code == 200
        return len(seen)

    for _n in range(3):
        make_user(org=offices.shanghai, membership=Membership.pending)
    few = statements()
    for n in range(17):
        make_user(org=offices.shenzhen if n % 2 else offices.shanghai)
    assert statements() == few


def test_moving_oneself_through_the_profile_waits_for_verification(client, login, offices,
                                                                   make_user):
    user = login(make_user(org=offices.shanghai, focal_point=True))
    response = client.post("/account/organization",
                           data={"organization": offices.shenzhen.id}, follow_redirects=True)
    assert "until it verifies your membership" in response.get_data(as_text=True)
    db.session.expire_all()
    user = db.session.get(User, user.id)
    assert (user.organization_id, user.membership, user.focal_point) == (
        offices.shenzhen.id, Membership.pending, False)
    assert client.post("/account/organization", data={"organization": "999"},
                       follow_redirects=True).status_code == 200
    assert db.session.get(User, user.id).organization_id == offices.shenzhen.id


# --- the digest ------------------------------------------------------------------------------


def digests() -> list[OutboxMessage]:
    return list(db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.kind == "members_waiting")
        .order_by(OutboxMessage.id)))


def test_digest_once_a_day_and_only_for_news(offices, make_user):
    now = datetime.now(UTC)
    top = make_user("top@customs.example", org=offices.national, focal_point=True)
    local = make_user("local@customs.example", org=offices.shanghai, focal_point=True,
                      language="zh")
    make_user(org=offices.shenzhen, focal_point=True)  # nobody waits there
    make_user(org=offices.shanghai, membership=Membership.pending, display_name="Unconfirmed",
              email_verified=False)
    assert member_digest.send_member_digests(now) == 0
    waiting = make_user(org=offices.shanghai, membership=Membership.pending,
                        display_name="Chen Jie", membership_since=now - timedelta(hours=1))
    assert member_digest.send_member_digests(now) == 2
    db.session.commit()
    mails = {m.recipient: m for m in digests()}
    assert set(mails) == {top.email, local.email}
    assert "Chen Jie" in mails[top.email].body_text
    assert "Unconfirmed" not in mails[top.email].body_text
    assert "/members?membership=pending" in mails[top.email].body_text
    assert "1 person waits" in mails[top.email].subject
    assert "联络人" in mails[local.email].body_text  # in the recipient's language
    # The same day: nothing, even with someone new.
    make_user(org=offices.shanghai, membership=Membership.pending,
              membership_since=now + timedelta(hours=2))
    assert member_digest.send_member_digests(now + timedelta(hours=3)) == 0
    # A day later: again, because someone began waiting since.
    assert member_digest.send_member_digests(now + timedelta(hours=25)) == 2
    db.session.commit()
    # Another day, nobody new (they still wait, the Members page lists them): no mail.
    assert member_digest.send_member_digests(now + timedelta(hours=50)) == 0
    members.verify(waiting, by=top)
    assert len(digests()) == 4
