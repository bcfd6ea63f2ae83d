"""Who is who: organizations (rights holders, customs offices, enforcement, justice,
associations), the people who log in for them, and their API tokens."""
from __future__ import annotations

import enum
import secrets
from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from extensions import db
from liaison.core.i18n import localized
from liaison.core.types import utcnow


class OrgKind(enum.StrEnum):
    rights_holder = "rights_holder"
    customs = "customs"
    law_enforcement = "law_enforcement"
    judiciary = "judiciary"
    association = "association"
    other = "other"

    @property
    def label(self) -> str:
        return str(ORG_KIND_LABELS[self])

    @property
    def plural_label(self) -> str:
        return str(ORG_KIND_PLURALS[self])


ORG_KIND_LABELS = {
    OrgKind.rights_holder: _l("Rights holder"),
    OrgKind.customs: _l("Customs"),
    OrgKind.law_enforcement: _l("Law enforcement"),
    OrgKind.judiciary: _l("Criminal justice"),
    OrgKind.association: _l("Association"),
    OrgKind.other: _l("Other"),
}

ORG_KIND_PLURALS = {
    OrgKind.rights_holder: _l("Rights holders"),
    OrgKind.customs: _l("Customs"),
    OrgKind.law_enforcement: _l("Law enforcement"),
    OrgKind.judiciary: _l("Criminal justice"),
    OrgKind.association: _l("Associations"),
    OrgKind.other: _l("Others"),
}


class Role(enum.StrEnum):
    admin = "admin"
    organizer = "organizer"
    participant = "participant"

    @property
    def label(self) -> str:
        return str(ROLE_LABELS[self])


ROLE_LABELS = {
    Role.admin: _l("Administrator"),
    Role.organizer: _l("Organizer"),
    Role.participant: _l("Participant"),
}


class Membership(enum.StrEnum):
    """A user's tie to their organization: a self sign-up waits (`pending`) until a focal point
    or an admin vouches for it (`verified`) or turns it down (`rejected`)."""

    pending = "pending"
    verified = "verified"
    rejected = "rejected"

    @property
    def label(self) -> str:
        return str(MEMBERSHIP_LABELS[self])


MEMBERSHIP_LABELS = {
    Membership.pending: _l("Awaiting verification"),
    Membership.verified: _l("Verified"),
    Membership.rejected: _l("Rejected"),
}


def email_domain(email: str) -> str:
    """The part after the last "@", lower-cased ("" when there is none)."""
    return email.rpartition("@")[2].strip().lower() if "@" in email else ""


class Organization(db.Model):
    """A body whose people train or are trained; a local office may sit under a parent."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    name_zh: Mapped[str | None] = mapped_column(String(200))
    kind: Mapped[OrgKind] = mapped_column(index=True)
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("organization.id", ondelete="SET NULL"), index=True
    )
    city: Mapped[str | None] = mapped_column(String(120))
    city_zh: Mapped[str | None] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Lower-case domains ("customs.example"); a confirmed sign-up whose address is at one of
    # them, or at a subdomain of one, is verified at once (`matches_email`).
    email_domains: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")
    # Its members' self-registrations wait for one of its focal points first (two stages).
    focal_point_approval: Mapped[bool] = mapped_column(
        default=False, server_default=text("false")
    )

    parent: Mapped[Organization | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Organization]] = relationship(back_populates="parent")
    members: Mapped[list[User]] = relationship(back_populates="organization")

    @property
    def display_name(self) -> str:
        """The Chinese name when the page is in Chinese and one is known."""
        return localized(self.name, self.name_zh)

    @property
    def display_city(self) -> str | None:
        """The city in the page's language when its Chinese name is known ("上海")."""
        return localized(self.city, self.city_zh) if self.city else self.city_zh

    def matches_email(self, email: str) -> bool:
        """The address's domain is one of `email_domains` or a subdomain of one, on a dot
        boundary: sz.customs.example matches customs.example, evilcustoms.example does not."""
        domain = email_domain(email)
        return bool(domain) and any(
            domain == known or domain.endswith("." + known) for known in self.email_domains or ()
        )

    def __repr__(self) -> str:
        return f"<Organization {self.id} {self.name!r} {self.kind}>"


DEFAULT_TIMEZONE = "Asia/Shanghai"
LANGUAGES = ("en", "zh")


class User(UserMixin, db.Model):
    """An account; email is unique regardless of case because it is stored lower-cased."""

    __table_args__ = (
        CheckConstraint("language IN ('en', 'zh')", name="language"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    display_name_zh: Mapped[str | None] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    role: Mapped[Role] = mapped_column(default=Role.participant, index=True)
    language: Mapped[str] = mapped_column(String(5), default="en")
    timezone: Mapped[str] = mapped_column(String(64), default=DEFAULT_TIMEZONE)
    active: Mapped[bool] = mapped_column(default=True, server_default=text("true"))
    # Changing it logs out every session and remember-me cookie made before (see get_id).
    session_token: Mapped[str] = mapped_column(
        String(32), default=lambda: secrets.token_hex(16)
    )
    # The feed token is derived from this salt and SECRET_KEY (liaison.feedtokens);
    # only its SHA-256 is stored, for look-up.
    calendar_token_salt: Mapped[str] = mapped_column(
        String(32), default=lambda: secrets.token_hex(16)
    )
    calendar_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]
    # Accounts made by an administrator, the CLI or the demo are verified; a sign-up through the
    # form is not until its owner follows the link in the confirmation mail.
    email_verified: Mapped[bool] = mapped_column(default=True, server_default=text("true"))
    # Whether the organization vouches for this person (see Membership); accounts made by an
    # admin, the CLI or an invitation, and every account older than the rule, are verified.
    membership: Mapped[Membership] = mapped_column(
        default=Membership.verified, server_default=Membership.verified.value
    )
    # Acts for the organization and its descendant offices: verifies members, nominates,
    # fills reserved seats, approves its people first (liaison.accounts.membership).
    focal_point: Mapped[bool] = mapped_column(default=False, server_default=text("false"))
    # When the membership last changed (a sign-up: when it was made); the focal points' digest
    # tells them of members waiting since their last one.
    membership_since: Mapped[datetime | None]
    # The last "members are waiting" digest to this focal point, and the last "registrations
    # await your approval" digest to this organizer: at most one of each a day.
    members_digest_at: Mapped[datetime | None]
    approvals_digest_at: Mapped[datetime | None]

    organization: Mapped[Organization] = relationship(back_populates="members")

    @validates("email")
    def _normalize_email(self, _key: str, value: str) -> str:
        return normalize_email(value)

    # Flask-Login: an inactive account cannot log in or keep a session.
    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    @property
    def is_admin(self) -> bool:
        return self.role == Role.admin

    @property
    def can_organize(self) -> bool:
        """Organizers and admins may create events."""
        return self.role in (Role.admin, Role.organizer)

    @property
    def is_verified_member(self) -> bool:
        return self.membership == Membership.verified

    @property
    def audience_kind(self) -> OrgKind | None:
        """The organization kind that audiences admit this person as: none until their
        organization has verified them (a pending or rejected member belongs to no kind)."""
        return self.organization.kind if self.membership == Membership.verified else None

    @property
    def acts_as_focal_point(self) -> bool:
        """A focal point acts only while active and verified by their organization."""
        return self.focal_point and self.active and self.membership == Membership.verified

    @property
    def can_co_organize(self) -> bool:
        """Organizers and admins, and acting focal points: an accepted exchange proposal makes
        both sides' focal points organizers of its training (SPEC), whatever their role."""
        return self.can_organize or self.acts_as_focal_point

    @property
    def name(self) -> str:
        """The Chinese display name on a Chinese page when one is known."""
        return localized(self.display_name, self.display_name_zh)

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email} {self.role}>"


def locale_for(user: User) -> str:
    """Mail goes out in the recipient's language: 'zh' → zh_Hans, anything else English."""
    return "zh_Hans" if user.language == "zh" else "en"


def normalize_email(value: str) -> str:
    """Emails compare case-insensitively: keep one canonical, trimmed, lower-case form."""
    return value.strip().lower()


class ApiToken(db.Model):
    """A bearer token for /api/v1; only its hash and a short prefix for recognition are kept."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100), default="")
    prefix: Mapped[str] = mapped_column(String(12))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


class Decision(enum.StrEnum):
    """What was decided about an account (the log of membership and role decisions)."""

    signed_up = "signed_up"
    invited = "invited"
    verified = "verified"
    verified_by_domain = "verified_by_domain"
    rejected = "rejected"
    pending_again = "pending_again"
    organization_changed = "organization_changed"
    role_changed = "role_changed"
    focal_point_granted = "focal_point_granted"
    focal_point_revoked = "focal_point_revoked"
    email_changed = "email_changed"
    deactivated = "deactivated"
    reactivated = "reactivated"
    password_reset_sent = "password_reset_sent"

    @property
    def label(self) -> str:
        return str(DECISION_LABELS[self])


DECISION_LABELS = {
    Decision.signed_up: _l("signed up, awaiting verification"),
    Decision.invited: _l("invited"),
    Decision.verified: _l("verified"),
    Decision.verified_by_domain: _l("verified by their email domain"),
    Decision.rejected: _l("rejected"),
    Decision.pending_again: _l("awaiting verification again"),
    Decision.organization_changed: _l("organization changed"),
    Decision.role_changed: _l("role changed"),
    Decision.focal_point_granted: _l("made a focal point"),
    Decision.focal_point_revoked: _l("no longer a focal point"),
    Decision.email_changed: _l("email address changed"),
    Decision.deactivated: _l("deactivated"),
    Decision.reactivated: _l("reactivated"),
    Decision.password_reset_sent: _l("sent a password reset link"),
}


class AccountDecision(db.Model):
    """One decision about an account: who decided (None: the system, e.g. an email domain),
    when, what, and the values before and after (role names, organization names)."""

    __tablename__ = "account_decision"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    # The member's organization when it was decided: the organization page lists its own.
    organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organization.id", ondelete="SET NULL"), index=True
    )
    decision: Mapped[Decision]
    old_value: Mapped[str | None] = mapped_column(String(200))
    new_value: Mapped[str | None] = mapped_column(String(200))

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])
    organization: Mapped[Organization | None] = relationship()


class LoginThrottle(db.Model):
    """Log-in attempts for one email typed in (known account or not, so the limit tells
    nothing), whatever address they come from: counted before the password is checked, so a
    burst cannot overshoot (liaison.accounts.throttle)."""

    __tablename__ = "login_throttle"

    # SHA-256 of the normalized email: the table never holds what strangers typed.
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    attempts: Mapped[int] = mapped_column(default=0)  # taken in this window (open + failed)
    window_start: Mapped[datetime]
    locked_until: Mapped[datetime | None]
    lockouts: Mapped[int] = mapped_column(default=0)  # in a row: each one lasts twice as long
