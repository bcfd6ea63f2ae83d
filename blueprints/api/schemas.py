"""Request and response shapes of /api/v1. The views validate with these models and the OpenAPI
document is generated from their JSON schema, so the two cannot drift apart."""
from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    RootModel,
    StringConstraints,
)
from pydantic_core import PydanticCustomError

from liaison.accounts.models import Membership, OrgKind, Role
from liaison.core.reasons import REASON_MAX
from liaison.events.lifecycle import (
    DESCRIPTION_MAX,
    TITLE_MAX,
    TOPIC_MAX,
    TOPICS_MAX,
    URL_MAX,
    VENUE_MAX,
    iana_zones,
)
from liaison.events.models import Classification, EventKind, EventStatus
from liaison.registration.models import (
    AttendanceOutcome,
    RegistrationStage,
    RegistrationStatus,
)

MAX_ID = 2**31 - 1  # ids are 32-bit integers in PostgreSQL
MAX_PER_PAGE = 100
MAX_PAGE = 100_000
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(2200, 1, 1, tzinfo=UTC)


# Error types of our own validators; parsing.py turns each into a translated message.
TEXT = PydanticCustomError("storable_text", "must be text without NUL characters")
ZONE = PydanticCustomError("time_zone", "must be an IANA time zone such as Asia/Shanghai")
WEB_URL = PydanticCustomError("web_url", "must be an http:// or https:// address")
DATE_RANGE = PydanticCustomError("date_range", "must be a date between 1970 and 2200")


def _storable(value: str) -> str:
    """Text must survive every database: no NUL characters, no lone UTF-16 surrogates."""
    if "\x00" in value:
        raise TEXT
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise TEXT from None
    return value


def _known_zone(value: str) -> str:
    if value not in iana_zones():  # the list the domain's validate() checks against
        raise ZONE
    return value


def _web_url(value: str) -> str:
    try:
        parts = urlsplit(value)
        ok = parts.scheme in ("http", "https") and bool(parts.hostname)
    except ValueError:  # e.g. an unclosed IPv6 bracket
        ok = False
    if not ok:
        raise WEB_URL
    return value


def _in_range(value: datetime) -> datetime:
    """Instants between 1970 and 2200: other years are typing errors, and far ones overflow."""
    try:
        instant = value.astimezone(UTC)
    except (OverflowError, ValueError):
        raise DATE_RANGE from None
    if not EARLIEST <= instant < LATEST:
        raise DATE_RANGE
    return value


def _unique(values: list) -> list:
    return list(dict.fromkeys(values))


def _text(max_length: int, min_length: int = 0):
    return Annotated[
        str,
        StringConstraints(strip_whitespace=True, min_length=min_length, max_length=max_length),
        AfterValidator(_storable),
    ]


Title = _text(TITLE_MAX, 1)
TitleZh = _text(TITLE_MAX)
Description = _text(DESCRIPTION_MAX)
Topic = _text(TOPIC_MAX, 1)
Venue = _text(VENUE_MAX)
OnlineUrl = Annotated[_text(URL_MAX, 1), AfterValidator(_web_url)]
Zone = Annotated[str, StringConstraints(max_length=64), AfterValidator(_known_zone)]
Instant = Annotated[AwareDatetime, AfterValidator(_in_range)]
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Seats = Annotated[int, Field(ge=1, le=100_000)]
Topics = Annotated[list[Topic], Field(max_length=TOPICS_MAX), AfterValidator(_unique)]
Audience = Annotated[list[OrgKind], Field(max_length=6), AfterValidator(_unique)]
Ids = Annotated[list[Id], Field(max_length=50), AfterValidator(_unique)]
CreditHours = Annotated[float, Field(gt=0, le=10_000)]


class Body(BaseModel):
    """Request bodies: unknown fields are refused and JSON types are taken as they are."""

    model_config = ConfigDict(extra="forbid", strict=True)


class EventCreate(Body):
    """POST /events. The event starts as a draft; PATCH its status to publish it."""

    kind: EventKind
    title: Title
    title_zh: TitleZh | None = Field(default=None, description="The title in Chinese.")
    description: Description = ""
    description_zh: Description | None = Field(
        default=None, description="The description in Chinese."
    )
    topics: Topics = Field(
        default=[],
        description="Topic slugs (GET /topics); a label or alias in either language is "
        "matched to its slug, and a name the vocabulary lacks is proposed to administrators.",
    )
    host_organization_id: Id | None = Field(
        default=None, description="Defaults to the caller's organization."
    )
    audience: Audience = Field(
        default=[], description="Organization kinds that may register; empty means everyone."
    )
    start: Instant
    end: Instant
    timezone: Zone = Field(description="IANA zone the event is shown in, e.g. Asia/Shanghai.")
    venue: Venue | None = None
    online_url: OnlineUrl | None = None
    capacity: Seats | None = Field(default=None, description="Empty means unlimited.")
    org_cap: Seats | None = Field(default=None, description="Seats per organization.")
    registration_opens: Instant | None = None
    registration_closes: Instant | None = None
    requires_approval: bool = False
    co_organizer_ids: Ids = []
    classification: Classification = Field(
        default=Classification.public,
        description="public, participants (content for registrants and organizers only) or "
                    "restricted (also left out of lists and feeds).",
    )
    credit_hours: CreditHours | None = Field(
        default=None, description="Hours a full attendance credits; default the duration, "
        "required when the event lasts more than a day.")


class EventPatch(Body):
    """PATCH /events/{id}: only the fields sent change. `status` publishes (`published`) or
    unpublishes (`draft`); cancel with POST /events/{id}/cancel."""

    kind: EventKind = None
    title: Title = None
    title_zh: TitleZh | None = None
    description: Description = None
    description_zh: Description | None = None
    topics: Topics = None
    host_organization_id: Id = None
    audience: Audience = None
    start: Instant = None
    end: Instant = None
    timezone: Zone = None
    venue: Venue | None = None
    online_url: OnlineUrl | None = None
    capacity: Seats | None = None
    org_cap: Seats | None = None
    registration_opens: Instant | None = None
    registration_closes: Instant | None = None
    requires_approval: bool = None
    co_organizer_ids: Ids = None
    classification: Classification = None
    credit_hours: CreditHours | None = None
    status: Literal["draft", "published"] = None


class ReasonBody(Body):
    """An optional body: why (told to the people concerned in their mail)."""

    reason: _text(REASON_MAX) | None = None


class Query(BaseModel):
    """Query strings: unknown parameters are ignored, values arrive as text."""

    model_config = ConfigDict(extra="ignore")

    page: Annotated[int, Field(ge=1, le=MAX_PAGE)] = 1
    per_page: Annotated[int, Field(ge=1, le=MAX_PER_PAGE)] = 20


class EventQuery(Query):
    kind: EventKind | None = None
    topic: Topic | None = Field(
        default=None, description="A topic slug (a label or former name also works)."
    )
    host: Id | None = Field(default=None, description="Host organization id.")
    from_: Instant | None = Field(
        default=None, alias="from", description="Events that end at or after this instant."
    )
    to: Instant | None = Field(default=None, description="Events that start before this instant.")


class OrganizationQuery(Query):
    kind: OrgKind | None = None


class RegistrationQuery(Query):
    status: RegistrationStatus | None = None


# Responses: documented with these models, built by serializers.py, checked by the tests.


class ErrorDetail(BaseModel):
    code: str
    message: str
    fields: dict[str, str] = {}


class ErrorOut(BaseModel):
    error: ErrorDetail


class EventOut(BaseModel):
    id: int
    kind: EventKind
    title: str
    title_zh: str | None
    description: str
    description_zh: str | None
    topics: list[str] = Field(description="Topic slugs; GET /topics has their labels.")
    host_organization_id: int
    audience: list[OrgKind]
    start: AwareDatetime = Field(description="In the event's own time zone.")
    end: AwareDatetime
    timezone: str
    venue: str | None
    online_url: str | None = Field(description="Only for organizers and confirmed attendees.")
    capacity: int | None
    org_cap: int | None
    registration_opens: AwareDatetime | None
    registration_closes: AwareDatetime | None
    requires_approval: bool
    status: EventStatus
    sequence: int
    confirmed_count: int
    waitlist_count: int
    cancellation_reason: str | None = Field(description="Why it was cancelled, if given.")
    classification: Classification = Field(
        description="The description is empty for callers the classification keeps it from."
    )
    credit_hours: float | None = Field(description="Set hours; null means the duration.")
    request_id: int | None = Field(description="The exchange request it was made from.")
    offer_id: int | None = Field(description="The exchange offer it was made from.")


class TopicOut(BaseModel):
    slug: str
    en: str
    zh: str | None
    proposed: bool = Field(description="Typed by an organizer, not yet accepted.")


class TopicList(RootModel[list[TopicOut]]):
    """The topic vocabulary: a JSON array."""


class RegistrationOut(BaseModel):
    id: int
    event_id: int
    user_id: int
    status: RegistrationStatus
    created_at: AwareDatetime
    checked_in_at: AwareDatetime | None
    decline_reason: str | None = Field(description="Why it was declined, if given.")
    attendance: AttendanceOutcome | None
    attended_minutes: int | None
    answers: dict[str, bool | int | float | str | list[str]] = Field(
        description='Answers to the event\'s questions: {"<question id>": value}.')
    nominated_by: int | None = Field(description="The focal point who nominated the registrant.")
    stage: RegistrationStage | None = Field(
        description="Whose approval a pending registration waits for: `organization` (its "
                    "focal points, two-stage approval) or `host` (the organizers).")


class OrganizationOut(BaseModel):
    id: int
    name: str
    name_zh: str | None
    kind: OrgKind
    parent_id: int | None
    city: str | None


class MeOut(BaseModel):
    id: int
    email: str
    display_name: str
    organization_id: int
    role: Role
    membership: Membership = Field(
        description="Whether the organization has verified the caller; until then only "
                    "events open to all are visible."
    )
    focal_point: bool = Field(description="Acts for the organization and its offices.")
    language: str
    timezone: str
    calendar_url: str = Field(description="The caller's personal calendar feed.")


class CalendarTokenOut(BaseModel):
    calendar_url: str


class Page(BaseModel):
    page: int
    per_page: int
    total: int
    pages: int


class EventPage(Page):
    items: list[EventOut]


class RegistrationPage(Page):
    items: list[RegistrationOut]


class OrganizationPage(Page):
    items: list[OrganizationOut]
