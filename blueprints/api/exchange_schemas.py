"""Request and response shapes of the exchange endpoints (requests, offers, matches,
proposals, figures), and their lines of the OpenAPI route table (openapi.py adds them)."""
from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import AfterValidator, AwareDatetime, BaseModel, Field

from blueprints.api import schemas
from blueprints.api.records_schemas import Day
from liaison.accounts.models import OrgKind
from liaison.exchange.inputs import CITIES_MAX, CITY_MAX, DESCRIPTION_MAX, PARTICIPANTS_MAX
from liaison.exchange.models import Mode, OfferStatus, ProposalStatus, RequestStatus, Side
from liaison.exchange.proposals import MESSAGE_MAX

Language = Literal["en", "zh"]
Languages = Annotated[list[Language], Field(min_length=1, max_length=2),
                      AfterValidator(schemas._unique)]
City = schemas._text(CITY_MAX, 1)
Cities = Annotated[list[City], Field(max_length=CITIES_MAX)]
Text = schemas._text(DESCRIPTION_MAX)
Message = schemas._text(MESSAGE_MAX, 1)
Participants = Annotated[int, Field(ge=1, le=PARTICIPANTS_MAX)]
Kinds = schemas.Audience


class RequestCreate(schemas.Body):
    """POST /requests: a focal point asks for training for their organization; it opens at
    once and expires on `expires_on` (default: `latest`)."""

    organization_id: schemas.Id | None = Field(
        default=None, description="Defaults to the caller's organization.")
    title: schemas.Title
    title_zh: schemas.Title | None = None
    description: Text = ""
    description_zh: Text | None = None
    topics: schemas.Topics = Field(description="Topic slugs (GET /topics when available).")
    trainer_kinds: Kinds = Field(default=[], description="Kinds wanted as trainers; [] = any.")
    earliest: Day
    latest: Day
    mode: Mode
    city: City | None = Field(default=None, description="Required when in person.")
    languages: Languages
    expected_participants: Participants | None = None
    expires_on: Day | None = None
    timezone: schemas.Zone | None = Field(
        default=None, description="The requester's zone; defaults to the caller's.")


class RequestPatch(schemas.Body):
    """PATCH /requests/{id}: only the fields sent change; `status` withdraws (`withdrawn`) or
    reopens (`open`)."""

    organization_id: schemas.Id = None
    title: schemas.Title = None
    title_zh: schemas.Title | None = None
    description: Text = None
    description_zh: Text | None = None
    topics: schemas.Topics = None
    trainer_kinds: Kinds = None
    earliest: Day = None
    latest: Day = None
    mode: Mode = None
    city: City | None = None
    languages: Languages = None
    expected_participants: Participants | None = None
    expires_on: Day = None
    timezone: schemas.Zone = None
    status: Literal["open", "withdrawn"] = None


class OfferCreate(schemas.Body):
    """POST /offers: a focal point offers training for their organization; it opens at once."""

    organization_id: schemas.Id | None = Field(
        default=None, description="Defaults to the caller's organization.")
    title: schemas.Title
    title_zh: schemas.Title | None = None
    description: Text = ""
    description_zh: Text | None = None
    topics: schemas.Topics
    audience_kinds: Kinds = Field(default=[], description="Kinds they can train; [] = any.")
    cities: Cities = Field(default=[], description="Where they train in person.")
    mode: Mode
    languages: Languages
    available_from: Day | None = None
    available_until: Day | None = None


class OfferPatch(schemas.Body):
    """PATCH /offers/{id}: only the fields sent change; `status` pauses, resumes or closes."""

    organization_id: schemas.Id = None
    title: schemas.Title = None
    title_zh: schemas.Title | None = None
    description: Text = None
    description_zh: Text | None = None
    topics: schemas.Topics = None
    audience_kinds: Kinds = None
    cities: Cities = None
    mode: Mode = None
    languages: Languages = None
    available_from: Day | None = None
    available_until: Day | None = None
    status: OfferStatus = None


class ProposalCreate(schemas.Body):
    """POST /proposals: a focal point of either side proposes the pair; `start`, `end` and
    `timezone` together, or none (the training then gets a date to confirm)."""

    request_id: schemas.Id
    offer_id: schemas.Id
    message: Message
    start: schemas.Instant | None = None
    end: schemas.Instant | None = None
    timezone: schemas.Zone | None = None


class ProposalMessageCreate(schemas.Body):
    body: Message


class PostingQuery(schemas.Query):
    status: str | None = Field(default=None, description="Default: open.")
    organization_id: schemas.Id | None = None
    topic: schemas.Topic | None = None
    language: Language | None = None
    city: City | None = Field(default=None, description="A city in either language.")


class RequestQuery(PostingQuery):
    status: RequestStatus | None = Field(default=None, description="Default: open.")


class OfferQuery(PostingQuery):
    status: OfferStatus | None = Field(default=None, description="Default: open.")


class MatchQuery(BaseModel):
    limit: Annotated[int, Field(ge=1, le=50)] = 20


class ProposalQuery(schemas.Query):
    status: ProposalStatus | None = None
    direction: Literal["incoming", "outgoing"] | None = Field(
        default=None, description="Incoming: the other side proposed. Default: both.")


# Responses


class RequestOut(BaseModel):
    id: int
    organization_id: int
    title: str
    title_zh: str | None
    description: str
    description_zh: str | None
    topics: list[str]
    trainer_kinds: list[OrgKind]
    earliest: date
    latest: date
    mode: Mode
    city: str | None
    languages: list[Language]
    expected_participants: int | None
    timezone: str
    status: RequestStatus
    expires_on: date
    created_at: AwareDatetime
    updated_at: AwareDatetime
    event_id: int | None = Field(description="The training an accepted proposal made of it.")


class OfferOut(BaseModel):
    id: int
    organization_id: int
    title: str
    title_zh: str | None
    description: str
    description_zh: str | None
    topics: list[str]
    audience_kinds: list[OrgKind]
    cities: list[str]
    mode: Mode
    languages: list[Language]
    available_from: date | None
    available_until: date | None
    status: OfferStatus
    created_at: AwareDatetime
    updated_at: AwareDatetime


class ReasonOut(BaseModel):
    code: Literal["topics", "language", "place", "dates"]
    text: str = Field(description="In the caller's language.")


class OfferMatchOut(BaseModel):
    offer_id: int
    score: Annotated[float, Field(ge=0, le=1)]
    reasons: list[ReasonOut]


class RequestMatchOut(BaseModel):
    request_id: int
    score: Annotated[float, Field(ge=0, le=1)]
    reasons: list[ReasonOut]


class OfferMatchesOut(BaseModel):
    items: list[OfferMatchOut] = Field(description="Best first.")


class RequestMatchesOut(BaseModel):
    items: list[RequestMatchOut] = Field(description="Best first.")


class ProposalOut(BaseModel):
    id: int
    request_id: int
    offer_id: int
    side: Side = Field(description="The side that proposed.")
    proposed_by: int | None
    message: str
    start: AwareDatetime | None
    end: AwareDatetime | None
    timezone: str | None
    status: ProposalStatus
    created_at: AwareDatetime
    decided_at: AwareDatetime | None
    event_id: int | None


class AcceptedOut(BaseModel):
    proposal: ProposalOut
    event_id: int = Field(description="The draft training it became.")


class ProposalMessageOut(BaseModel):
    id: int
    proposal_id: int
    author_id: int | None
    body: str
    created_at: AwareDatetime


class RequestPage(schemas.Page):
    items: list[RequestOut]


class OfferPage(schemas.Page):
    items: list[OfferOut]


class ProposalPage(schemas.Page):
    items: list[ProposalOut]


class ProposalMessagePage(schemas.Page):
    items: list[ProposalMessageOut]


class DirectionOut(BaseModel):
    trainer_kinds: list[OrgKind] = Field(description="[] = any kind.")
    requester_kind: OrgKind
    counts: dict[RequestStatus, int]
    total: int


class GapOut(BaseModel):
    id: int
    title: str
    organization_id: int
    topics: list[str]
    created_at: AwareDatetime


class FiguresOut(BaseModel):
    requests_by_status: dict[RequestStatus, int]
    requests_by_direction: list[DirectionOut]
    median_days_to_schedule: float | None = Field(
        description="From posting to the training's publication; null without any.")
    scheduled_count: int
    open_without_match: int
    gaps: list[GapOut] = Field(description="The oldest open requests no offer matches.")


def operations():
    from blueprints.api.openapi import DOMAIN, Operation

    tags = ("exchange",)
    return (
        Operation("get", "/requests", "listRequests",
                  "Training requests (open by default), newest first. Verified members.",
                  (200, RequestPage), (400, 403, 422), query=RequestQuery, tags=tags),
        Operation("post", "/requests", "createRequest",
                  "Post a training request for an organization the caller is a focal point of.",
                  (201, RequestOut), (400, *DOMAIN), body=RequestCreate, tags=tags,
                  ok_headers=(("Location", "The new request's URL."),)),
        Operation("get", "/requests/{request_id}", "getRequest", "One training request.",
                  (200, RequestOut), (403, 404), tags=tags),
        Operation("patch", "/requests/{request_id}", "updateRequest",
                  "Change a request; `status` withdraws or reopens it. Its focal points.",
                  (200, RequestOut), (400, 404, *DOMAIN), body=RequestPatch, tags=tags),
        Operation("get", "/requests/{request_id}/matches", "matchRequest",
                  "The open offers that match the request, best first, each with its reasons.",
                  (200, OfferMatchesOut), (400, 403, 404, 422), query=MatchQuery, tags=tags),
        Operation("get", "/offers", "listOffers",
                  "Training offers (open by default), newest first. Verified members.",
                  (200, OfferPage), (400, 403, 422), query=OfferQuery, tags=tags),
        Operation("post", "/offers", "createOffer",
                  "Post a training offer for an organization the caller is a focal point of.",
                  (201, OfferOut), (400, *DOMAIN), body=OfferCreate, tags=tags,
                  ok_headers=(("Location", "The new offer's URL."),)),
        Operation("get", "/offers/{offer_id}", "getOffer", "One training offer.",
                  (200, OfferOut), (403, 404), tags=tags),
        Operation("patch", "/offers/{offer_id}", "updateOffer",
                  "Change an offer; `status` pauses, resumes or closes it. Its focal points.",
                  (200, OfferOut), (400, 404, *DOMAIN), body=OfferPatch, tags=tags),
        Operation("get", "/offers/{offer_id}/matches", "matchOffer",
                  "The open requests that match the offer, best first, each with its reasons.",
                  (200, RequestMatchesOut), (400, 403, 404, 422), query=MatchQuery, tags=tags),
        Operation("get", "/proposals", "listProposals",
                  "Proposals of the organizations the caller acts for, newest first.",
                  (200, ProposalPage), (400, 403, 422), query=ProposalQuery, tags=tags),
        Operation("post", "/proposals", "createProposal",
                  "Propose a request-offer pair; the other side's focal points are told.",
                  (201, ProposalOut), (400, 404, *DOMAIN), body=ProposalCreate, tags=tags,
                  ok_headers=(("Location", "The new proposal's URL."),)),
        Operation("get", "/proposals/{proposal_id}", "getProposal",
                  "One proposal (the focal points of its two sides).",
                  (200, ProposalOut), (403, 404), tags=tags),
        Operation("post", "/proposals/{proposal_id}/accept", "acceptProposal",
                  "Accept (the other side): the request is matched and a draft training made.",
                  (200, AcceptedOut), (404, *DOMAIN), tags=tags),
        Operation("post", "/proposals/{proposal_id}/decline", "declineProposal",
                  "Decline (the other side).", (200, ProposalOut), (404, *DOMAIN), tags=tags),
        Operation("post", "/proposals/{proposal_id}/withdraw", "withdrawProposal",
                  "Withdraw (the proposing side).", (200, ProposalOut), (404, *DOMAIN),
                  tags=tags),
        Operation("get", "/proposals/{proposal_id}/messages", "listProposalMessages",
                  "The proposal's thread, oldest first.", (200, ProposalMessagePage),
                  (400, 403, 404, 422),
                  query=schemas.Query, tags=tags),
        Operation("post", "/proposals/{proposal_id}/messages", "postProposalMessage",
                  "Write in the thread (either side's focal points).",
                  (201, ProposalMessageOut), (400, 404, *DOMAIN), body=ProposalMessageCreate,
                  tags=tags),
        Operation("get", "/exchange/figures", "getExchangeFigures",
                  "Figures for the association: requests by status and direction, median "
                  "days to a scheduled session, open requests without any match. "
                  "Administrators and the association's people.",
                  (200, FiguresOut), (403,), tags=tags),
    )


RESPONSE_MODELS = (RequestOut, RequestPage, OfferOut, OfferPage, OfferMatchesOut,
                   RequestMatchesOut, ProposalOut, ProposalPage, AcceptedOut, ProposalMessageOut,
                   ProposalMessagePage, FiguresOut)
BODY_MODELS = (RequestCreate, RequestPatch, OfferCreate, OfferPatch, ProposalCreate,
               ProposalMessageCreate)
PATCH_MODELS = ("RequestPatch", "OfferPatch")
QUERY_MODELS = (RequestQuery, OfferQuery, MatchQuery, ProposalQuery)
