"""Step 1's interfaces: create-user --focal-point --membership, create-org --email-domain, and
GET /api/v1/me's membership and focal_point."""
from __future__ import annotations

from sqlalchemy import select

from blueprints.api.schemas import MeOut
from extensions import db
from liaison.accounts.models import Membership, Organization, User


def test_create_org_takes_email_domains_and_two_stage_approval(runner):
    result = runner.invoke(args=[
        "create-org", "Shenzhen Customs", "--kind", "customs",
        "--email-domain", "SZ.customs.example", "--email-domain", "@customs-sz.example",
        "--focal-point-approval",
    ])
    assert result.exit_code == 0, result.output
    org = db.session.get(Organization, int(result.output))
    assert org.email_domains == ["sz.customs.example", "customs-sz.example"]
    assert org.focal_point_approval is True
    plain = db.session.get(Organization, int(runner.invoke(
        args=["create-org", "Plain", "--kind", "customs"]).output))
    assert plain.email_domains == [] and plain.focal_point_approval is False


def test_create_org_refuses_a_bad_domain_and_writes_nothing(runner):
    result = runner.invoke(args=["create-org", "X", "--kind", "customs",
                                 "--email-domain", "not a domain"])
    assert result.exit_code != 0 and "email_domains:" in result.output
    assert db.session.scalar(select(Organization)) is None


def _create_user(runner, org, email, *extra):
    return runner.invoke(args=["create-user", email, "--name", "N", "--org", str(org.id),
                               "--password", "long enough password", *extra])


def test_create_user_is_verified_unless_told_and_may_be_a_focal_point(runner, make_org):
    org = make_org()
    assert _create_user(runner, org, "plain@example.org").exit_code == 0
    result = _create_user(runner, org, "fp@example.org", "--focal-point")
    assert result.exit_code == 0 and "focal point" in result.output
    result = _create_user(runner, org, "wait@example.org", "--membership", "pending")
    assert result.exit_code == 0 and "pending" in result.output
    people = {u.email: u for u in db.session.scalars(select(User))}
    assert (people["plain@example.org"].membership, people["plain@example.org"].focal_point) == (
        Membership.verified, False)
    assert people["fp@example.org"].focal_point and people["fp@example.org"].acts_as_focal_point
    assert people["wait@example.org"].membership == Membership.pending
    refused = _create_user(runner, org, "x@example.org", "--membership", "rejected")
    assert refused.exit_code != 0 and "'rejected' is not one of" in refused.output


def test_me_says_membership_and_focal_point(api_as, make_user):
    fp = make_user(focal_point=True)
    body = api_as(fp).get("/me").json
    MeOut.model_validate(body)
    assert (body["membership"], body["focal_point"]) == ("verified", True)
    waiting = make_user(membership=Membership.pending)
    body = api_as(waiting).get("/me").json
    assert (body["membership"], body["focal_point"]) == ("pending", False)
