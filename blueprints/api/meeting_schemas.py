"""Request and response shapes of the meeting endpoints (agenda, minutes, action items,
materials), and their lines of the OpenAPI route table (openapi.py adds them to its own)."""
from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints

from blueprints.api import schemas
from liaison.meetings.models import (
    ActionStatus,
    MaterialVisibility,
    MinutesStatus,
    OutcomeKind,
)

Line = Annotated[schemas._text(200, 1), Field(description="One line, at most 200 characters.")]
OptionalLine = schemas._text(200)
Presenter = schemas._text(120)
LongText = schemas._text(20_000)
OutcomeText = schemas._text(5000, 1)
OptionalOutcomeText = schemas._text(5000)


def _calendar_day(value: str) -> date:
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise schemas.DATE_RANGE from None
    if not 1970 <= day.year < 2200:
        raise schemas.DATE_RANGE
    return day


# A date is YYYY-MM-DD and nothing else (SPEC).
Day = Annotated[str, StringConstraints(pattern=r"^\d{4}-\d{2}-\d{2}$"),
                AfterValidator(_calendar_day)]


class AgendaItemIn(schemas.Body):
    id: schemas.Id | None = Field(default=None, description="Keep this existing item.")
    title: Line
    title_zh: OptionalLine | None = None
    presenter: Presenter | None = None
    organization_id: schemas.Id | None = None
    duration_minutes: Annotated[int, Field(ge=1, le=1440)] | None = None


class AgendaIn(schemas.Body):
    """PUT /events/{id}/agenda: the whole agenda, in order (items sent with an `id` keep it;
    items left out are removed)."""

    items: Annotated[list[AgendaItemIn], Field(max_length=50)]
    notify: bool = Field(default=True, description="Mail registrants the new agenda when the "
                         "meeting is published and has not ended.")


class AgendaItemOut(BaseModel):
    id: int
    position: int
    title: str
    title_zh: str | None
    presenter: str | None
    organization_id: int | None
    duration_minutes: int | None
    start: AwareDatetime | None = Field(description="While every earlier item has a duration.")


class AgendaOut(BaseModel):
    event_id: int
    items: list[AgendaItemOut]


class OutcomeIn(schemas.Body):
    kind: OutcomeKind
    text: OutcomeText
    text_zh: OptionalOutcomeText | None = None
    owner_organization_id: schemas.Id | None = Field(default=None, description="Actions.")
    owner_user_id: schemas.Id | None = Field(default=None, description="Actions, optional.")
    due_on: Day | None = Field(default=None, description="Actions: YYYY-MM-DD.")
    action_id: schemas.Id | None = Field(default=None, description="Keep this action.")


class MinutesItemIn(schemas.Body):
    agenda_item_id: schemas.Id | None = None
    title: OptionalLine | None = Field(default=None, description="Required without an agenda "
                                       "item; defaults to the agenda item's.")
    title_zh: OptionalLine | None = None
    notes: LongText = ""
    outcomes: Annotated[list[OutcomeIn], Field(max_length=40)] = []


class MinutesIn(schemas.Body):
    """PUT /events/{id}/minutes: the whole draft (the first version when there is none)."""

    items: Annotated[list[MinutesItemIn], Field(max_length=60)]


class ActionOut(BaseModel):
    id: int
    event_id: int
    text: str
    text_zh: str | None
    owner_organization_id: int
    owner_user_id: int | None
    due_on: date
    status: ActionStatus
    closed_at: AwareDatetime | None
    closed_by: int | None


class OutcomeOut(BaseModel):
    kind: OutcomeKind
    text: str
    text_zh: str | None
    owner_organization_id: int | None
    owner_user_id: int | None
    due_on: date | None
    action_id: int | None
    status: ActionStatus | None = Field(description="The action's status now.")


class MinutesItemOut(BaseModel):
    agenda_item_id: int | None
    title: str
    title_zh: str | None
    notes: str
    outcomes: list[OutcomeOut]


class MinutesVersionOut(BaseModel):
    version: int
    status: MinutesStatus
    created_at: AwareDatetime
    circulated_at: AwareDatetime | None
    approved_at: AwareDatetime | None


class MinutesOut(MinutesVersionOut):
    event_id: int
    items: list[MinutesItemOut]
    history: list[MinutesVersionOut] = Field(description="Every version the caller may read.")


class MinutesQuery(BaseModel):
    model_config = ConfigDict(extra="ignore")

    version: Annotated[int, Field(ge=1, le=10_000)] | None = None


class ActionQuery(schemas.Query):
    organization_id: schemas.Id | None = Field(
        default=None, description="Defaults to the caller's organization; its offices too.")
    status: ActionStatus | None = None
    due: Literal["soon", "overdue"] | None = Field(
        default=None, description="Open actions due within 7 days, or past due.")


class ActionPatch(schemas.Body):
    status: ActionStatus


class ActionPage(schemas.Page):
    items: list[ActionOut]


class MaterialVersionOut(BaseModel):
    number: int
    filename: str
    content_type: str
    size: int
    uploaded_at: AwareDatetime
    download_count: int | None = Field(description="For the file's owners only.")


class MaterialOut(BaseModel):
    id: int
    event_id: int | None
    title: str
    title_zh: str | None
    visibility: MaterialVisibility
    download_url: str
    versions: list[MaterialVersionOut]


class MaterialList(BaseModel):
    items: list[MaterialOut]


class MaterialUpload(BaseModel):
    """POST /events/{id}/materials as multipart/form-data."""

    file: bytes = Field(description="The file: PDF, PNG, JPEG, Office (docx, xlsx, pptx) or "
                        "UTF-8 text, at most MATERIAL_MAX_BYTES (25 MiB).")
    title: str | None = None
    title_zh: str | None = None
    visibility: MaterialVisibility = MaterialVisibility.registrants


def operations():
    from blueprints.api.openapi import DOMAIN, Operation

    tags = ("meetings",)
    return (
        Operation("get", "/events/{event_id}/agenda", "getAgenda",
                  "The agenda in order (for those who may read the meeting's content).",
                  (200, AgendaOut), (404,), tags=tags),
        Operation("put", "/events/{event_id}/agenda", "setAgenda",
                  "Replace the agenda. Its organizers only; a change to a published meeting "
                  "is mailed to its registrants (no new invite, no SEQUENCE change).",
                  (200, AgendaOut), (400, 404, *DOMAIN), body=AgendaIn, tags=tags),
        Operation("get", "/events/{event_id}/minutes", "getMinutes",
                  "The newest minutes the caller may read (`version` for an earlier one), "
                  "with the history of versions; drafts for organizers only.",
                  (200, MinutesOut), (400, 404, 422), query=MinutesQuery, tags=tags),
        Operation("put", "/events/{event_id}/minutes", "setMinutes",
                  "Write the draft. Circulated or approved minutes answer 409: reopen first.",
                  (200, MinutesOut), (400, 404, *DOMAIN), body=MinutesIn, tags=tags),
        Operation("post", "/events/{event_id}/minutes/circulate", "circulateMinutes",
                  "Mail the draft to attendees, organizers and action owners; its actions "
                  "are followed up from now on.", (200, MinutesOut), (404, *DOMAIN), tags=tags),
        Operation("post", "/events/{event_id}/minutes/approve", "approveMinutes",
                  "Approve circulated minutes: locked.", (200, MinutesOut), (404, *DOMAIN),
                  tags=tags),
        Operation("post", "/events/{event_id}/minutes/reopen", "reopenMinutes",
                  "Start the next version as a draft; earlier versions stay as they were.",
                  (200, MinutesOut), (404, *DOMAIN), tags=tags),
        Operation("get", "/action-items", "listActionItems",
                  "Actions owned by an organization and its offices (default: the caller's).",
                  (200, ActionPage), (400, 403, 422), query=ActionQuery, tags=tags),
        Operation("patch", "/action-items/{action_id}", "updateActionItem",
                  "Change an action's status (done and dropped record who and when). The "
                  "owner organization, the meeting's organizers, administrators.",
                  (200, ActionOut), (400, 404, *DOMAIN), body=ActionPatch, tags=tags),
        Operation("get", "/events/{event_id}/materials", "listMaterials",
                  "The files of a meeting the caller may download.", (200, MaterialList),
                  (404,), tags=tags),
        Operation("post", "/events/{event_id}/materials", "uploadMaterial",
                  "Upload a file (multipart/form-data: file, title, title_zh, visibility). "
                  "Its organizers only; refused types and sizes answer 422, nothing kept.",
                  (201, MaterialOut), (400, 404, 413, *DOMAIN), form=MaterialUpload,
                  tags=tags),
    )


RESPONSE_MODELS = (AgendaOut, MinutesOut, ActionOut, ActionPage, MaterialList, MaterialOut)
BODY_MODELS = (AgendaIn, MinutesIn, ActionPatch)
QUERY_MODELS = (MinutesQuery, ActionQuery)
FORM_MODELS = (MaterialUpload,)
