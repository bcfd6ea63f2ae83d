"""People who log in: administrators, organizers and participants."""
from __future__ import annotations

import secrets
from datetime import datetime
from typing import TYPE_CHECKING

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from extensions import db
from liaison.models.enums import Role
from liaison.models.organization import localized
from liaison.types import utcnow

if TYPE_CHECKING:
    from liaison.models.organization import Organization

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
    def name(self) -> str:
        """The Chinese display name on a Chinese page when one is known."""
        return localized(self.display_name, self.display_name_zh)

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email} {self.role}>"


def normalize_email(value: str) -> str:
    """Emails compare case-insensitively: keep one canonical, trimmed, lower-case form."""
    return value.strip().lower()
