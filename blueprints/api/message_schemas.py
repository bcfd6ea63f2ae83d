"""Shapes of /api/v1/events/{id}/messages (organizers' messages to registrants)."""
from __future__ import annotations

from typing import Annotated

from pydantic import AwareDatetime, BaseModel, Field

from blueprints.api.schemas import Body, Page, _text
from liaison.notifications import messages
from liaison.registration.models import RegistrationStatus


class MessageCreate(Body):
    """POST /events/{id}/messages: one mail to each registrant of the `statuses` given."""

    subject: _text(messages.SUBJECT_MAX, 1)
    body: _text(messages.BODY_MAX, 1) = Field(description="Plain text; line breaks are kept.")
    statuses: Annotated[list[RegistrationStatus], Field(min_length=1, max_length=5)]
    subject_zh: _text(messages.SUBJECT_MAX) | None = Field(
        default=None, description="For recipients who read Chinese; give both or neither.")
    body_zh: _text(messages.BODY_MAX) | None = None


class MessageOut(BaseModel):
    id: int
    event_id: int
    subject: str
    body: str
    subject_zh: str | None
    body_zh: str | None
    statuses: list[RegistrationStatus]
    recipients: int = Field(description="How many people it was mailed to.")
    sent_by: int | None = Field(description="The organizer's user id.")
    created_at: AwareDatetime


class MessagePage(Page):
    items: list[MessageOut]
