"""Request and response shapes of the records endpoints (attendance, certificates, training
records), and their lines of the OpenAPI route table (openapi.py adds them to its own)."""
from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints

from blueprints.api import schemas
from liaison.records.models import QuestionKind
from liaison.registration.models import AttendanceOutcome


class AttendanceIn(schemas.Body):
    """POST /registrations/{id}/attendance."""

    attendance: AttendanceOutcome
    minutes: Annotated[int, Field(ge=1, le=100_000)] | None = Field(
        default=None, description="Minutes attended; only for `partial`.")


class AttendanceClosedOut(BaseModel):
    event_id: int
    closed_at: AwareDatetime
    marked_absent: int = Field(description="Confirmed registrations without an outcome.")
    certificates_issued: int


class CertificateOut(BaseModel):
    code: str
    valid: bool
    revoked: bool
    name: str
    organization: str
    event_title: str
    event_start: AwareDatetime
    hours: float
    issuer: str
    co_issuers: list[str]


class TrainingItemOut(BaseModel):
    event_id: int
    title: str
    start: AwareDatetime
    hours: float
    attendance: AttendanceOutcome
    certificate_code: str | None


class TrainingRecordOut(BaseModel):
    total_hours: float
    items: list[TrainingItemOut]


def _calendar_day(value: str) -> date:
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise schemas.DATE_RANGE from None
    if not 1970 <= day.year < 2200:
        raise schemas.DATE_RANGE
    return day


# A date is YYYY-MM-DD and nothing else (SPEC): not a timestamp, not 0.5.
Day = Annotated[str, StringConstraints(pattern=r"^\d{4}-\d{2}-\d{2}$"),
                AfterValidator(_calendar_day)]


class RecordQuery(BaseModel):
    """?from=&to= as dates (YYYY-MM-DD), both inclusive."""

    model_config = ConfigDict(extra="ignore")

    from_: Day | None = Field(default=None, alias="from", description="First day (YYYY-MM-DD).")
    to: Day | None = Field(default=None, description="Last day (YYYY-MM-DD).")


class PersonHoursOut(BaseModel):
    user_id: int
    name: str
    hours: float
    sessions: int


class HoursByOut(BaseModel):
    key: str = Field(description="The topic slug, quarter (2025-Q3) or direction.")
    label: str
    hours: float
    sessions: int
    people: int


class OrganizationRecordOut(BaseModel):
    from_: date | None = Field(alias="from", serialization_alias="from")
    to: date | None
    total_hours: float
    people: list[PersonHoursOut]
    by_topic: list[HoursByOut]
    by_quarter: list[HoursByOut]
    by_direction: list[HoursByOut]
    by_office: list[HoursByOut]


def operations():
    from blueprints.api.openapi import DOMAIN, REG_ACTION_ERRORS, Operation

    return (
        Operation("post", "/registrations/{registration_id}/attendance", "setAttendance",
                  "Record a confirmed registration's outcome (attended, partial with minutes, "
                  "absent) from the event's start until attendance is closed. Organizers only.",
                  (200, schemas.RegistrationOut), (400, *REG_ACTION_ERRORS), body=AttendanceIn,
                  tags=("records",)),
        Operation("post", "/events/{event_id}/attendance/close", "closeAttendance",
                  "Close attendance: the rest are absent, outcomes lock, certificates are "
                  "issued and survey invitations follow. Its organizers only.",
                  (200, AttendanceClosedOut), (404, *DOMAIN), tags=("records",)),
        Operation("get", "/me/training-record", "getMyTrainingRecord",
                  "The caller's sessions with credited hours and certificate codes.",
                  (200, TrainingRecordOut), tags=("records",)),
        Operation("get", "/organizations/{organization_id}/training-record",
                  "getOrganizationTrainingRecord",
                  "An organization's record with its descendant offices: people, hours by "
                  "topic, quarter, direction and office. Its focal points and administrators.",
                  (200, OrganizationRecordOut), (403, 404, 422), query=RecordQuery,
                  tags=("records",)),
        Operation("get", "/certificates/{code}", "verifyCertificate",
                  "Verify a certificate by its code (no token needed); 404 when unknown. "
                  "Unknown codes count against the caller's address (429 when guessing).",
                  (200, CertificateOut), (404, 429), tags=("records",), public=True),
        Operation("post", "/certificates/{code}/revoke", "revokeCertificate",
                  "Revoke a certificate: its code reads revoked. The event's organizers and "
                  "administrators.", (200, CertificateOut), (404, *DOMAIN), tags=("records",)),
        Operation("post", "/certificates/{code}/reissue", "reissueCertificate",
                  "Issue a new certificate with a new code; the old one reads revoked.",
                  (200, CertificateOut), (404, *DOMAIN), tags=("records",)),
    )


RESPONSE_MODELS = (AttendanceClosedOut, CertificateOut, TrainingRecordOut, OrganizationRecordOut)
BODY_MODELS = (AttendanceIn,)
QUERY_MODELS = (RecordQuery,)


class QuestionIn(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    kind: QuestionKind
    label: Annotated[str, StringConstraints(min_length=1, max_length=300)]
    label_zh: Annotated[str, StringConstraints(max_length=300)] | None = None
    options: Annotated[list[Annotated[list[str | None], Field(min_length=1, max_length=2)]],
                       Field(max_length=12)] = Field(
        default=[], description="For choice and multi: [[english, chinese or null], ...].")
    required: bool = False
    key: Annotated[str, StringConstraints(max_length=40)] = Field(
        default="", description="`overall` marks the rating the reports average.")


class SurveyIn(schemas.Body):
    """PUT /events/{id}/survey: the whole list of questions."""

    questions: Annotated[list[QuestionIn], Field(min_length=1, max_length=30)]


class QuestionOut(BaseModel):
    id: int
    kind: QuestionKind
    label: str
    label_zh: str | None
    options: list[list[str | None]]
    required: bool
    key: str


class SurveyOut(BaseModel):
    event_id: int
    questions: list[QuestionOut]


class ResponseIn(schemas.Body):
    """POST /events/{id}/survey/responses: answers keyed by question id."""

    answers: dict[str, int | str | list[str]]
    anonymous: bool = False


class ResponseOut(BaseModel):
    id: int
    event_id: int
    anonymous: bool
    submitted_at: AwareDatetime


class QuestionResultOut(BaseModel):
    question_id: int
    label: str
    answered: int
    average: float | None
    counts: list[list[str | int]]
    texts: list[str]


class SurveyResultsOut(BaseModel):
    event_id: int
    invited: int
    responses: int
    response_rate: int | None = Field(description="Percent of invited attendees who answered.")
    questions: list[QuestionResultOut]


def survey_operations():
    from blueprints.api.openapi import DOMAIN, Operation

    return (
        Operation("get", "/events/{event_id}/survey", "getSurvey",
                  "The event's survey questions (the default survey until edited).",
                  (200, SurveyOut), (404, 403), tags=("surveys",)),
        Operation("put", "/events/{event_id}/survey", "replaceSurvey",
                  "Replace the questions (until someone has answered). Its organizers only.",
                  (200, SurveyOut), (400, 404, *DOMAIN), body=SurveyIn, tags=("surveys",)),
        Operation("post", "/events/{event_id}/survey/responses", "answerSurvey",
                  "An invited attendee answers, once (409 the second time), optionally "
                  "anonymously.", (201, ResponseOut), (400, 404, *DOMAIN), body=ResponseIn,
                  tags=("surveys",)),
        Operation("get", "/events/{event_id}/survey/results", "getSurveyResults",
                  "Response rate and, per question, counts, averages and texts. Organizers.",
                  (200, SurveyResultsOut), (403, 404), tags=("surveys",)),
    )


RESPONSE_MODELS += (SurveyOut, ResponseOut, SurveyResultsOut)
BODY_MODELS += (SurveyIn, ResponseIn)
