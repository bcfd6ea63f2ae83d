"""Shapes of the webhook endpoints (/api/v1/webhooks) and of the webhook messages themselves
(the OpenAPI document's top-level `webhooks`). liaison/integration/payloads.py builds the
messages; tests/integration/test_webhook_api.py validates real ones against these models."""
from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field

from blueprints.api.schemas import Body, Page, Query, _text
from liaison.accounts.models import OrgKind
from liaison.events.models import EventKind, EventStatus
from liaison.integration.models import URL_MAX, DeliveryStatus
from liaison.integration.webhooks import DESCRIPTION_MAX, EVENT_TYPES
from liaison.registration.models import AttendanceOutcome, RegistrationStatus

EventType = Literal[tuple(EVENT_TYPES)]  # type: ignore[valid-type]
EventTypes = Annotated[list[EventType], Field(min_length=1, max_length=len(EVENT_TYPES)),
                       AfterValidator(lambda values: list(dict.fromkeys(values)))]
Url = _text(URL_MAX, 1)
Description = _text(DESCRIPTION_MAX)


class WebhookCreate(Body):
    """POST /webhooks. The URL must be reachable on the public internet (unless the server
    allows private targets); the answer carries the signing secret, shown this once."""

    url: Url
    events: EventTypes = Field(description="The event types to hear about.")
    description: Description = ""


class WebhookPatch(Body):
    """PATCH /webhooks/{id}: only the fields sent change. `active: true` switches a
    subscription on again (also after it was switched off for failing)."""

    url: Url = None
    events: EventTypes = None
    description: Description = None
    active: bool = None


class WebhookOut(BaseModel):
    id: int
    url: str
    description: str
    events: list[str]
    active: bool
    consecutive_failures: int = Field(description="Failed attempts in a row, across deliveries.")
    disabled_at: AwareDatetime | None
    disabled_reason: str | None = Field(
        description="Why it was switched off after failures; null when its owner did it.")
    created_at: AwareDatetime
    last_success_at: AwareDatetime | None
    last_failure_at: AwareDatetime | None


class WebhookCreated(WebhookOut):
    secret: str = Field(description="The `whsec_...` signing secret. Shown only this once.")


class WebhookPage(Page):
    items: list[WebhookOut]


class DeliveryQuery(Query):
    status: DeliveryStatus | None = None


class DeliveryOut(BaseModel):
    id: int
    webhook_id: int
    event_type: str
    message_id: str = Field(description="The `webhook-id` header; the same on every attempt.")
    status: DeliveryStatus
    attempts: int
    created_at: AwareDatetime
    last_attempt_at: AwareDatetime | None
    next_attempt_at: AwareDatetime | None = Field(description="While queued.")
    delivered_at: AwareDatetime | None
    response_status: int | None = Field(description="The receiver's HTTP status, last attempt.")
    last_error: str | None
    payload: dict = Field(description="The message body as sent.")


class DeliveryPage(Page):
    items: list[DeliveryOut]


# -- the messages (OpenAPI `webhooks`) ------------------------------------------------------


class WebhookUser(BaseModel):
    id: int
    name: str
    name_zh: str | None
    email: str
    organization_id: int


class WebhookEventData(BaseModel):
    model_config = ConfigDict(title="WebhookEventData")

    id: int
    url: str = Field(description="The event page.")
    kind: EventKind
    title: str
    title_zh: str | None
    description: str
    description_zh: str | None
    topics: list[str] = Field(description="Topic slugs of the vocabulary.")
    host_organization_id: int
    audience: list[OrgKind]
    start: AwareDatetime = Field(description="In the event's own time zone.")
    end: AwareDatetime
    timezone: str
    venue: str | None
    online_url: str | None
    capacity: int | None
    requires_approval: bool
    status: EventStatus
    sequence: int
    cancellation_reason: str | None
    changed: list[str] = Field(default=None, description="event.updated only: the fields that "
                               "changed (as in the API's event fields).")


class WebhookRegistrationData(BaseModel):
    id: int
    event_id: int
    event_title: str
    event_url: str
    status: RegistrationStatus
    created_at: AwareDatetime
    updated_at: AwareDatetime
    checked_in_at: AwareDatetime | None
    decline_reason: str | None
    user: WebhookUser
    change: str = Field(default=None, description="registration.updated only: received, "
                        "confirmed, waitlisted, promoted, approved, declined, cancelled, or "
                        "excluded (its audience or the person's membership no longer admits it).")


class WebhookAttendanceData(BaseModel):
    event: WebhookEventData
    closed_at: AwareDatetime
    closed_by: int | None = Field(description="The user who closed it.")
    outcomes: dict[AttendanceOutcome, int] = Field(
        description="How many confirmed registrations ended attended, partial and absent.")


class WebhookCertificateData(BaseModel):
    code: str = Field(description="The verification code (at least 64 random bits).")
    verify_url: str
    pdf_url: str
    registration_id: int
    event_id: int
    user_id: int
    name: str
    name_zh: str | None
    organization: str
    event_title: str
    event_title_zh: str | None
    event_start: AwareDatetime = Field(description="In the event's own time zone.")
    hours: float = Field(description="Hours credited.")
    issuer: str = Field(description="The host organization.")
    co_issuers: list[str]
    issued_at: AwareDatetime


class _Message(BaseModel):
    timestamp: AwareDatetime = Field(description="When the change happened.")


class WebhookEventMessage(_Message):
    type: Literal["event.published", "event.updated", "event.cancelled"]
    data: WebhookEventData


class WebhookRegistrationMessage(_Message):
    type: Literal["registration.created", "registration.updated"]
    data: WebhookRegistrationData


class WebhookAttendanceMessage(_Message):
    type: Literal["attendance.closed"]
    data: WebhookAttendanceData


class WebhookCertificateMessage(_Message):
    type: Literal["certificate.issued"]
    data: WebhookCertificateData


class WebhookOtherMessage(_Message):
    """proposal.accepted: its `data` is described once the exchange capability is installed."""

    type: Literal["proposal.accepted"]
    data: dict


MESSAGE_MODELS = {
    "event.published": WebhookEventMessage,
    "event.updated": WebhookEventMessage,
    "event.cancelled": WebhookEventMessage,
    "registration.created": WebhookRegistrationMessage,
    "registration.updated": WebhookRegistrationMessage,
    "attendance.closed": WebhookAttendanceMessage,
    "certificate.issued": WebhookCertificateMessage,
    "proposal.accepted": WebhookOtherMessage,
}
