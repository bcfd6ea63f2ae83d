"""`create-org`, `create-user` and `create-token`: set up accounts without the web pages."""
from __future__ import annotations

import click

from blueprints.cli import bp
from extensions import db
from liaison.accounts import apitokens, organizations, users
from liaison.accounts.models import Membership, OrgKind, Role
from liaison.core.errors import DomainError


def _fail(error: DomainError) -> None:
    db.session.rollback()
    details = "; ".join(f"{name}: {message}" for name, message in error.fields.items())
    raise click.ClickException(f"{error.message} {details}".strip())


@bp.cli.command("create-org")
@click.argument("name")
@click.option("--kind", required=True, type=click.Choice([k.value for k in OrgKind]))
@click.option("--parent", "parent_id", type=int, help="Id of the parent organization.")
@click.option("--name-zh", help="Chinese name.")
@click.option("--city", help="City or region.")
@click.option("--email-domain", "email_domains", multiple=True, metavar="DOMAIN",
              help="Confirmed sign-ups at this domain (or a subdomain) are verified at once; "
                   "repeat for several.")
@click.option("--focal-point-approval", is_flag=True,
              help="Members' own registrations wait for a focal point first.")
def create_org(name: str, kind: str, parent_id: int | None, name_zh: str | None, city: str | None,
               email_domains: tuple[str, ...], focal_point_approval: bool):
    """Create an organization and print its id."""
    try:
        org = organizations.create_org(
            name, kind, parent_id=parent_id, name_zh=name_zh, city=city,
            email_domains=list(email_domains), focal_point_approval=focal_point_approval,
        )
    except DomainError as error:
        _fail(error)
    db.session.commit()
    click.echo(org.id)


@bp.cli.command("create-user")
@click.argument("email")
@click.option("--name", required=True, help="Display name.")
@click.option("--org", "org_id", required=True, type=int, help="Organization id.")
@click.option("--role", default=Role.participant.value, type=click.Choice([r.value for r in Role]))
@click.option("--password", required=True, help="At least 10 characters.")
@click.option("--name-zh", help="Chinese display name.")
@click.option("--focal-point", is_flag=True,
              help="Acts for the organization and its offices (verifies members, nominates).")
@click.option("--membership", default=Membership.verified.value,
              type=click.Choice([Membership.pending.value, Membership.verified.value]),
              show_default=True, help="Whether the organization has vouched for the user yet.")
def create_user(email: str, name: str, org_id: int, role: str, password: str, name_zh: str | None,
                focal_point: bool, membership: str):
    """Create a user in an existing organization."""
    try:
        user = users.sign_up(
            email, name, password, org_id, role=Role(role), display_name_zh=name_zh,
            membership=Membership(membership), focal_point=focal_point,
        )
    except DomainError as error:
        _fail(error)
    db.session.commit()
    extra = ", focal point" if user.focal_point else ""
    click.echo(f"Created user {user.id} <{user.email}> ({user.role}, {user.membership}{extra}).")


@bp.cli.command("create-token")
@click.argument("email")
@click.option("--name", default="", help="What the token is for.")
def create_token(email: str, name: str):
    """Print a new API token for the user; it is stored only as a hash."""
    user = users.user_by_email(email)
    if user is None:
        raise click.ClickException(f"No user with the email {email!r}.")
    try:
        _token, raw = apitokens.issue_token(user, name or "command line")
    except DomainError as error:
        _fail(error)
    db.session.commit()
    click.echo(raw)
