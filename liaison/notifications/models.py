"""Messages organizers send to an event's registrants, kept on the event."""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from extensions import db
from liaison.core.i18n import localized
from liaison.core.types import utcnow
from liaison.registration.models import RegistrationStatus

if TYPE_CHECKING:
    from liaison.accounts.models import User
    from liaison.events.models import Event


class EventMessage(db.Model):
    """One message an organizer mailed to the registrants of the chosen statuses; each
    recipient's copy went through the outbox in their language's layout."""

    __table_args__ = (Index("ix_event_message_event_id_id", "event_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"))
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    # The same in Chinese, for recipients who read Chinese (optional: else they get the above).
    subject_zh: Mapped[str | None] = mapped_column(String(200))
    body_zh: Mapped[str | None] = mapped_column(Text)
    # The registration statuses it went to, as ",confirmed,waitlisted,".
    statuses_csv: Mapped[str] = mapped_column(String(100))
    recipients: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    event: Mapped[Event] = relationship()
    sent_by: Mapped[User | None] = relationship()

    @property
    def display_subject(self) -> str:
        """The reader's language (a page's, or a recipient's inside force_locale)."""
        return localized(self.subject, self.subject_zh)

    @property
    def display_body(self) -> str:
        return localized(self.body, self.body_zh)

    @property
    def statuses(self) -> list[RegistrationStatus]:
        return [RegistrationStatus(s) for s in self.statuses_csv.split(",") if s]

    @statuses.setter
    def statuses(self, values) -> None:
        order = list(RegistrationStatus)
        unique = sorted({RegistrationStatus(v) for v in values}, key=order.index)
        self.statuses_csv = "," + ",".join(unique) + "," if unique else ""

    def __repr__(self) -> str:
        return f"<EventMessage {self.id} event={self.event_id} {self.subject!r}>"
