"""Request and response shapes of the registration questions (GET|PUT /events/{id}/questions,
the answers sent with POST /events/{id}/registrations), and their lines of the OpenAPI route
table (openapi.py adds them to its own)."""
from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field

from blueprints.api import schemas
from liaison.registration.models import QuestionKind
from liaison.registration.questions import (
    CHOICE_MAX,
    CHOICES_MAX,
    LABEL_MAX,
    QUESTIONS_MAX,
    TEXTAREA_MAX,
)

Label = schemas._text(LABEL_MAX, 1)
LabelZh = schemas._text(LABEL_MAX)
ChoiceText = schemas._text(CHOICE_MAX, 1)
ChoiceTextZh = schemas._text(CHOICE_MAX)
AnswerText = Annotated[str, Field(max_length=TEXTAREA_MAX)]
AnswerValue = bool | int | float | AnswerText | Annotated[
    list[Annotated[str, Field(max_length=CHOICE_MAX)]], Field(max_length=CHOICES_MAX)]


class ChoiceIn(schemas.Body):
    en: ChoiceText
    zh: ChoiceTextZh | None = None


class QuestionIn(schemas.Body):
    """One question; `id` keeps an existing question (and its answers)."""

    id: schemas.Id | None = Field(default=None, description="An existing question to keep.")
    kind: QuestionKind
    label: Label = Field(description="The question in English.")
    label_zh: LabelZh | None = Field(default=None, description="The question in Chinese.")
    required: bool = False
    personal: bool = Field(
        default=False,
        description="Personal data: answers are deleted PERSONAL_DATA_RETENTION_DAYS after "
                    "the event.")
    choices: Annotated[list[ChoiceIn], Field(max_length=CHOICES_MAX)] = Field(
        default=[], description="The options of `choice` and `multi` questions (two or more).")


class QuestionsIn(schemas.Body):
    """PUT /events/{id}/questions: the whole form, in order; questions left out are deleted
    with their answers."""

    questions: Annotated[list[QuestionIn], Field(max_length=QUESTIONS_MAX)]


class RegistrationIn(schemas.Body):
    """POST /events/{id}/registrations (the body may be left out when nothing is asked)."""

    answers: dict[str, AnswerValue] = Field(
        default={},
        description='{"<question id>": value}: text, a number, true/false (checkbox), '
                    'YYYY-MM-DD (date), an option\'s English or Chinese text (choice), or a '
                    'list of them (multi).')


class ChoiceOut(BaseModel):
    en: str
    zh: str | None


class QuestionOut(BaseModel):
    id: int
    position: int
    kind: QuestionKind
    label: str
    label_zh: str | None
    required: bool
    personal: bool
    choices: list[ChoiceOut]


class QuestionsOut(BaseModel):
    questions: list[QuestionOut]
    personal_data_retention_days: int = Field(
        description="Answers to personal-data questions are deleted this many days after "
                    "the event.")


def operations():
    from blueprints.api.openapi import DOMAIN, Operation

    return (
        Operation("get", "/events/{event_id}/questions", "getRegistrationQuestions",
                  "The event's registration questions, in order.",
                  (200, QuestionsOut), (404,), tags=("registrations",)),
        Operation("put", "/events/{event_id}/questions", "putRegistrationQuestions",
                  "Replace the event's questions (in order); an `id` keeps a question and its "
                  "answers, questions left out are deleted. Its organizers only.",
                  (200, QuestionsOut), (400, 404, *DOMAIN), body=QuestionsIn,
                  tags=("registrations",)),
    )


RESPONSE_MODELS = (QuestionsOut,)
BODY_MODELS = (QuestionsIn, RegistrationIn)
QUERY_MODELS = ()
