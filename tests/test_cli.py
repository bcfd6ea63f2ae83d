"""The command line from SPEC: create-org, create-user, create-token, seed-demo."""

from __future__ import annotations

from sqlalchemy import func, select

from extensions import db
from liaison.accounts.apitokens import user_for_api_token
from liaison.accounts.models import ApiToken, Organization, OrgKind, Role, User
from liaison.accounts.passwords import verify_password
from liaison.events.models import Event, EventKind, EventStatus
from liaison.registration.models import Registration, RegistrationStatus


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_create_org_prints_id(runner):
    result = runner.invoke(
        args=["create-org", "National Customs Administration", "--kind", "customs"]
    )
    assert result.exit_code == 0, result.output
    org = db.session.get(Organization, int(result.output.strip()))
    assert org.name == "National Customs Administration" and org.kind == OrgKind.customs

    result = runner.invoke(
        args=["create-org", "Shanghai Customs", "--kind", "customs", "--parent", str(org.id)]
    )
    assert result.exit_code == 0, result.output
    assert db.session.get(Organization, int(result.output)).parent_id == org.id


def test_create_org_refuses_bad_input(runner, make_org):
    make_org("Taken")
    bad = [
        (["create-org", "taken", "--kind", "customs"], "already exists"),
        (["create-org", "New", "--kind", "pirates"], "'pirates' is not one of"),
        (["create-org", "New", "--kind", "customs", "--parent", "999"], "parent_id:"),
    ]
    for args, reason in bad:
        result = runner.invoke(args=args)
        assert result.exit_code != 0, args
        assert reason in result.output, (args, result.output)  # refused, not crashed
    assert count(Organization) == 1


def test_create_user(runner, make_org):
    org = make_org()
    result = runner.invoke(
        args=[
            "create-user",
            "Wang.Lei@Example.org",
            "--name",
            "Wang Lei",
            "--org",
            str(org.id),
            "--role",
            "organizer",
            "--password",
            "long enough password",
        ]
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "wang.lei@example.org"))
    assert user.role == Role.organizer and user.organization_id == org.id
    assert verify_password(user.password_hash, "long enough password")


def test_create_user_refuses_bad_input(runner, make_org, make_user):
    org = make_org()
    make_user(email="taken@example.org")
    base = ["--name", "X", "--org", str(org.id), "--role", "participant"]
    bad = [
        (["create-user", "taken@example.org", *base, "--password", "long enough password"],
         "email:"),
        (["create-user", "new@example.org", *base, "--password", "short"], "password:"),
        (["create-user", "new@example.org", "--name", "X", "--org", "999",
          "--password", "long enough pw"], "organization_id:"),
        (["create-user", "new@example.org", "--name", "X", "--org", str(org.id),
          "--role", "king", "--password", "long enough pw"], "'king' is not one of"),
    ]
    for args, reason in bad:
        result = runner.invoke(args=args)
        assert result.exit_code != 0, args
        assert reason in result.output, (args, result.output)  # refused, not crashed
    assert count(User) == 1


def test_create_token(runner, make_user):
    user = make_user(email="api@example.org")
    result = runner.invoke(args=["create-token", "API@example.org"])
    assert result.exit_code == 0, result.output
    raw = result.output.strip()
    assert raw.startswith("lia_")
    assert user_for_api_token(raw).id == user.id
    stored = db.session.scalar(select(ApiToken))
    assert stored.token_hash != raw

    result = runner.invoke(args=["create-token", "nobody@example.org"])
    assert result.exit_code != 0 and count(ApiToken) == 1
    assert "No user with the email 'nobody@example.org'" in result.output


def test_seed_demo_is_realistic_and_idempotent(runner):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert "organizer@example.com" in result.output and "liaison-demo" in result.output
    totals = (count(Organization), count(User), count(Event), count(Registration))

    kinds = {o.kind for o in db.session.scalars(select(Organization))}
    assert kinds >= {
        OrgKind.association,
        OrgKind.customs,
        OrgKind.rights_holder,
        OrgKind.judiciary,
        OrgKind.law_enforcement,
    }
    offices = db.session.scalars(
        select(Organization).where(Organization.parent_id.is_not(None))
    ).all()
    assert len(offices) == 2 and all(o.parent.kind == OrgKind.customs for o in offices)
    assert (
        len(
            [o for o in db.session.scalars(select(Organization)) if o.kind == OrgKind.rights_holder]
        )
        == 3
    )
    assert {u.role for u in db.session.scalars(select(User))} == set(Role)

    events = db.session.scalars(select(Event)).all()
    assert len(events) >= 12
    assert {e.kind for e in events} == set(EventKind)
    assert {e.timezone for e in events} >= {"Asia/Shanghai", "Europe/Berlin", "America/New_York"}
    now = db.session.scalar(select(func.max(Event.created_at)))
    assert any(e.start_at < now for e in events) and any(e.start_at > now for e in events)
    trainings = [e for e in events if e.kind == EventKind.training]
    customs_to_holders = [
        e
        for e in trainings
        if e.host_organization.kind == OrgKind.customs and e.audience == [OrgKind.rights_holder]
    ]
    holders_to_customs = [
        e
        for e in trainings
        if e.host_organization.kind == OrgKind.rights_holder and OrgKind.customs in e.audience
    ]
    assert customs_to_holders and holders_to_customs
    topics = {t for e in events for t in e.topics}
    assert {
        "recordation",
        "detention-procedure",
        "postal-channel",
        "product-identification",
    } <= topics
    assert all(e.organizers for e in events)
    assert EventStatus.published in {e.status for e in events}
    statuses = {r.status for r in db.session.scalars(select(Registration))}
    assert {RegistrationStatus.confirmed, RegistrationStatus.waitlisted} <= statuses
    for event in events:
        confirmed = [r for r in event.registrations if r.status == RegistrationStatus.confirmed]
        assert event.capacity is None or len(confirmed) <= event.capacity

    again = runner.invoke(args=["seed-demo"])
    assert again.exit_code == 0, again.output
    assert (count(Organization), count(User), count(Event), count(Registration)) == totals


def test_seed_demo_if_empty_skips_a_used_database(runner, make_user):
    make_user()
    result = runner.invoke(args=["seed-demo", "--if-empty"])
    assert result.exit_code == 0 and "not loaded" in result.output
    assert count(Event) == 0 and count(User) == 1


def test_demo_organizer_can_log_in(runner, client):
    runner.invoke(args=["seed-demo"])
    response = client.post(
        "/auth/login", data={"email": "organizer@example.com", "password": "liaison-demo"}
    )
    assert response.status_code == 302
