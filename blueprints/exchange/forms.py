"""Forms for requests, offers, proposals and messages. Shapes only: the domain
(liaison.exchange.inputs, proposals) checks the rules and its messages land next to the
fields."""
from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from blueprints.core.forms import apply_errors
from blueprints.events.forms import COMMON_ZONES, MultiCheckboxField, zone_choices
from liaison.accounts.models import ORG_KIND_PLURALS, OrgKind
from liaison.exchange import topics as vocabulary
from liaison.exchange.drafts import PLACEHOLDER_HOURS
from liaison.exchange.inputs import (
    CITY_MAX,
    DESCRIPTION_MAX,
    PARTICIPANTS_MAX,
    TITLE_MAX,
    OfferInput,
    RequestInput,
)
from liaison.exchange.models import MODE_LABELS, Mode
from liaison.exchange.proposals import MESSAGE_MAX

LANGUAGE_CHOICES = [SelectChoice("zh", _l("Chinese")), SelectChoice("en", _l("English"))]
KIND_CHOICES = [SelectChoice(k.value, ORG_KIND_PLURALS[k]) for k in OrgKind]
MODE_CHOICES = [SelectChoice(m.value, MODE_LABELS[m]) for m in Mode]


def _split(text: str | None) -> list[str]:
    """"a, b；c" -> ["a", "b", "c"]: commas in either script separate."""
    return [p.strip() for p in (text or "").replace("，", ",").replace("；", ",").replace(
        ";", ",").split(",") if p.strip()]


class _PostingForm(FlaskForm):
    """What requests and offers share."""

    organization = SelectField(_l("Organization"), coerce=int, validators=[InputRequired()])
    title = StringField(_l("Title"), validators=[InputRequired(), Length(max=TITLE_MAX)])
    title_zh = StringField(_l("Title in Chinese"), validators=[Optional(),
                                                               Length(max=TITLE_MAX)])
    description = TextAreaField(_l("Description"), render_kw={"rows": 4},
                                validators=[Optional(), Length(max=DESCRIPTION_MAX)])
    description_zh = TextAreaField(_l("Description in Chinese"), render_kw={"rows": 4},
                                   validators=[Optional(), Length(max=DESCRIPTION_MAX)])
    topics = MultiCheckboxField(
        _l("Topics"),
        description=_l("From the shared vocabulary, so organizations writing in either "
                       "language find each other."),
    )
    mode = RadioField(_l("How"), choices=MODE_CHOICES, validators=[InputRequired()])
    languages = MultiCheckboxField(_l("Languages"), choices=LANGUAGE_CHOICES)

    def __init__(self, *args, organizations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.organization.choices = [SelectChoice(o.id, o.display_name) for o in organizations]
        self.topics.choices = [SelectChoice(slug, label) for slug, label in vocabulary.choices()]

    def show_errors(self, fields: dict[str, str]) -> None:
        apply_errors(self, fields, {"organization_id": "organization"})


class RequestForm(_PostingForm):
    trainer_kinds = MultiCheckboxField(
        _l("Trainers wanted"), choices=KIND_CHOICES,
        description=_l("Leave all unticked if any kind of organization may train you."),
    )
    earliest = DateField(_l("Earliest date"), validators=[InputRequired()])
    latest = DateField(_l("Latest date"), validators=[InputRequired()])
    city = StringField(_l("City"), validators=[Optional(), Length(max=CITY_MAX)],
                       description=_l("Where the training should take place in person."))
    expected_participants = IntegerField(
        _l("Expected participants"),
        validators=[Optional(), NumberRange(min=1, max=PARTICIPANTS_MAX)])
    expires_on = DateField(_l("Expires on"), validators=[Optional()],
                           description=_l("Leave empty to keep it open until the latest date."))
    timezone = SelectField(_l("Time zone"), validators=[InputRequired()],
                           description=_l("A training without a proposed time is placed at "
                                          "09:00–12:00 in this zone."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.timezone.choices = zone_choices(COMMON_ZONES)

    def fill_from(self, data: RequestInput) -> None:
        self.organization.data = data.organization_id
        self.title.data, self.title_zh.data = data.title, data.title_zh
        self.description.data, self.description_zh.data = data.description, data.description_zh
        self.topics.data = list(data.topics)
        self.trainer_kinds.data = [str(k) for k in data.trainer_kinds]
        self.earliest.data, self.latest.data = data.earliest, data.latest
        self.mode.data = str(data.mode)
        self.city.data = data.city
        self.languages.data = list(data.languages)
        self.expected_participants.data = data.expected_participants
        self.expires_on.data = data.expires_on
        self.timezone.data = data.timezone

    def to_input(self) -> RequestInput:
        return RequestInput(
            organization_id=self.organization.data, title=self.title.data or "",
            title_zh=self.title_zh.data, description=self.description.data or "",
            description_zh=self.description_zh.data, topics=list(self.topics.data or ()),
            trainer_kinds=list(self.trainer_kinds.data or ()), earliest=self.earliest.data,
            latest=self.latest.data, mode=self.mode.data or "", city=self.city.data,
            languages=list(self.languages.data or ()),
            expected_participants=self.expected_participants.data,
            expires_on=self.expires_on.data, timezone=self.timezone.data,
        )


class OfferForm(_PostingForm):
    audience_kinds = MultiCheckboxField(
        _l("Whom you can train"), choices=KIND_CHOICES,
        description=_l("Leave all unticked if you can train any kind of organization."),
    )
    cities = StringField(
        _l("Cities"), validators=[Optional(), Length(max=2000)],
        description=_l("Where you can train in person, separated by commas."),
    )
    available_from = DateField(_l("Available from"), validators=[Optional()])
    available_until = DateField(_l("Available until"), validators=[Optional()])

    def fill_from(self, data: OfferInput) -> None:
        self.organization.data = data.organization_id
        self.title.data, self.title_zh.data = data.title, data.title_zh
        self.description.data, self.description_zh.data = data.description, data.description_zh
        self.topics.data = list(data.topics)
        self.audience_kinds.data = [str(k) for k in data.audience_kinds]
        self.cities.data = ", ".join(data.cities)
        self.mode.data = str(data.mode)
        self.languages.data = list(data.languages)
        self.available_from.data, self.available_until.data = (data.available_from,
                                                               data.available_until)

    def to_input(self) -> OfferInput:
        return OfferInput(
            organization_id=self.organization.data, title=self.title.data or "",
            title_zh=self.title_zh.data, description=self.description.data or "",
            description_zh=self.description_zh.data, topics=list(self.topics.data or ()),
            audience_kinds=list(self.audience_kinds.data or ()),
            cities=_split(self.cities.data), mode=self.mode.data or "",
            languages=list(self.languages.data or ()),
            available_from=self.available_from.data, available_until=self.available_until.data,
        )


class ProposalForm(FlaskForm):
    message = TextAreaField(_l("Message"), render_kw={"rows": 4},
                            validators=[InputRequired(), Length(max=MESSAGE_MAX)])
    start_date = DateField(_l("Date"), validators=[Optional()],
                           description=_l("Optional: leave empty to agree on a date later. "
                                          "Without times, 09:00–12:00."))
    start_time = TimeField(_l("Starts"), validators=[Optional()])
    end_time = TimeField(_l("Ends"), validators=[Optional()])
    timezone = SelectField(_l("Time zone"), validators=[Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.timezone.choices = zone_choices(COMMON_ZONES)

    def times(self) -> tuple[datetime | None, datetime | None]:
        """Naive wall times in the chosen zone: none without a date; a date alone means the
        morning (09:00–12:00); a date with one time only is for the domain to refuse."""
        day = self.start_date.data
        if day is None:
            return None, None
        start, end = self.start_time.data, self.end_time.data
        if start is None and end is None:
            start, end = PLACEHOLDER_HOURS
        return (datetime.combine(day, start) if start else None,
                datetime.combine(day, end) if end else None)

    def show_errors(self, fields: dict[str, str]) -> None:
        apply_errors(self, fields, {"start": "start_time", "end": "end_time"})


class MessageForm(FlaskForm):
    body = TextAreaField(_l("Message"), render_kw={"rows": 3},
                         validators=[InputRequired(), Length(max=MESSAGE_MAX)])
