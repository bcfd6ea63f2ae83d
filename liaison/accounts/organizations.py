"""Organizations: unique names, a known kind, a parent that never loops back, and the email
domains whose confirmed addresses it vouches for."""
from __future__ import annotations

import re
from collections.abc import Iterable

from flask_babel import gettext as _
from sqlalchemy import func, select

from extensions import db
from liaison.accounts import signals
from liaison.accounts.models import Organization, OrgKind, User
from liaison.core.errors import ValidationFailed

# A host name of two or more labels: letters, digits and inner hyphens (IDNs in punycode).
_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_DOMAIN = re.compile(rf"^(?=.{{3,253}}$){_LABEL}(?:\.{_LABEL})+$")
DOMAINS_MAX = 20


def parse_email_domains(values: Iterable[str] | str | None) -> list[str]:
    """Clean domains from a list or from text (commas, spaces or lines between them):
    lower-cased, without a leading "@" or trailing dot, each once, in the order given.
    Raises ValidationFailed naming the first that is not a domain."""
    if values is None:
        return []
    if isinstance(values, str):
        values = re.split(r"[\s,;]+", values)
    domains: list[str] = []
    for raw in values:
        domain = raw.strip().lower().lstrip("@").rstrip(".")
        if not domain:
            continue
        if not _DOMAIN.match(domain) or domain.replace(".", "").isdigit():
            message = _("“%(domain)s” is not a domain such as customs.example.", domain=raw.strip())
            raise ValidationFailed(message, fields={"email_domains": message})
        if domain not in domains:
            domains.append(domain)
    if len(domains) > DOMAINS_MAX:
        message = _("At most %(max)d domains.", max=DOMAINS_MAX)
        raise ValidationFailed(message, fields={"email_domains": message})
    return domains


def _check(
    org: Organization | None, name: str, kind: str, parent_id: int | None
) -> dict[str, str]:
    fields: dict[str, str] = {}
    if not name:
        fields["name"] = _("Enter the organization's name.")
    else:
        clash = select(Organization.id).where(func.lower(Organization.name) == name.lower())
        if org is not None and org.id is not None:
            clash = clash.where(Organization.id != org.id)
        if db.session.scalar(clash) is not None:
            fields["name"] = _("An organization with this name already exists.")
    if kind not in set(OrgKind):
        fields["kind"] = _("Choose a kind from the list.")
    if parent_id is not None:
        parent = db.session.get(Organization, parent_id)
        if parent is None:
            fields["parent_id"] = _("Choose a parent organization from the list.")
        elif org is not None and _would_loop(org, parent):
            fields["parent_id"] = _("An organization cannot sit under itself or its own offices.")
    return fields


def _would_loop(org: Organization, parent: Organization) -> bool:
    """True when `parent` is `org` or one of its descendants."""
    seen: set[int] = set()
    node: Organization | None = parent
    while node is not None and node.id not in seen:
        if node.id == org.id:
            return True
        seen.add(node.id)
        node = node.parent
    return node is not None  # an existing loop in the data: refuse rather than add to it


def create_org(
    name: str,
    kind: OrgKind | str,
    *,
    name_zh: str | None = None,
    parent_id: int | None = None,
    city: str | None = None,
    email_domains: Iterable[str] | str | None = None,
    focal_point_approval: bool = False,
    city_zh: str | None = None,
) -> Organization:
    """A new organization; its name is unique regardless of case."""
    org = Organization()
    _apply(org, name=name, kind=kind, name_zh=name_zh, parent_id=parent_id, city=city,
           email_domains=email_domains, focal_point_approval=focal_point_approval)
    org.city_zh = (city_zh or "").strip() or None
    db.session.add(org)
    db.session.flush()
    return org


def update_org(
    org: Organization,
    *,
    name: str,
    kind: OrgKind | str,
    name_zh: str | None = None,
    parent_id: int | None = None,
    city: str | None = None,
    email_domains: Iterable[str] | str | None = None,
    focal_point_approval: bool | None = None,
    city_zh: str | None = None,
) -> Organization:
    """Rename or move an organization; the parent chain may not come back to it. Email
    domains and focal-point approval stay as they are when not given (None). A new kind
    changes what audiences admit its members to (`signals.organization_kind_changed`)."""
    old_kind = org.kind
    _apply(org, name=name, kind=kind, name_zh=name_zh, parent_id=parent_id, city=city,
           email_domains=email_domains, focal_point_approval=focal_point_approval)
    org.city_zh = (city_zh or "").strip() or None
    db.session.flush()
    if org.kind != old_kind:
        signals.organization_kind_changed.send(org)
    return org


def _apply(
    org: Organization,
    *,
    name: str,
    kind: OrgKind | str,
    name_zh: str | None,
    parent_id: int | None,
    city: str | None,
    email_domains: Iterable[str] | str | None,
    focal_point_approval: bool | None,
) -> None:
    """Check every field (`org.id` is None for a new one), then write the trimmed values."""
    name = (name or "").strip()
    fields = _check(org, name, str(kind), parent_id)
    domains = None
    if email_domains is not None:
        try:
            domains = parse_email_domains(email_domains)
        except ValidationFailed as error:
            fields.update(error.fields)
    if fields:
        raise ValidationFailed(_("Some fields need attention."), fields=fields)
    org.name = name
    org.name_zh = (name_zh or "").strip() or None
    org.kind = OrgKind(kind)
    org.parent = db.session.get(Organization, parent_id) if parent_id is not None else None
    org.city = (city or "").strip() or None
    if domains is not None:
        org.email_domains = domains
    if focal_point_approval is not None:
        org.focal_point_approval = bool(focal_point_approval)


def all_organizations() -> list[Organization]:
    """Every organization, by name: the choices of sign-up and admin forms."""
    return list(db.session.scalars(select(Organization).order_by(Organization.name)))


def member_count(org: Organization) -> int:
    """How many users belong to `org`, counted in SQL (no user rows loaded)."""
    return db.session.scalar(
        select(func.count()).select_from(User).where(User.organization_id == org.id)
    )
