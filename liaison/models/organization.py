"""Organizations: rights holders, customs offices, enforcement, justice, associations."""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from flask_babel import get_locale
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from extensions import db
from liaison.models.enums import OrgKind
from liaison.types import utcnow

if TYPE_CHECKING:
    from liaison.models.user import User


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
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    parent: Mapped[Organization | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Organization]] = relationship(back_populates="parent")
    members: Mapped[list[User]] = relationship(back_populates="organization")

    @property
    def display_name(self) -> str:
        """The Chinese name when the page is in Chinese and one is known."""
        return localized(self.name, self.name_zh)

    def __repr__(self) -> str:
        return f"<Organization {self.id} {self.name!r} {self.kind}>"


def localized(name: str, name_zh: str | None) -> str:
    """Pick the Chinese form of a name for a Chinese page, the default form otherwise."""
    if name_zh:
        try:
            locale = get_locale()
        except RuntimeError:  # outside a request: no locale to honour
            locale = None
        if locale is not None and locale.language == "zh":
            return name_zh
    return name
