"""Forms for creating and editing events. Shapes only: the domain (liaison.events.validate)
checks the rules and its messages land next to the fields."""
from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    IntegerField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
    widgets,
)
from wtforms.validators import URL, InputRequired, Length, NumberRange, Optional

from blueprints.core.forms import apply_errors, max_length, zone_choices
from liaison.accounts.models import ORG_KIND_PLURALS, OrgKind
from liaison.core.errors import ValidationFailed
from liaison.core.types import utcnow
from liaison.events.inputs import clean_topics
from liaison.events.lifecycle import (
    DESCRIPTION_MAX,
    TITLE_MAX,
    URL_MAX,
    VENUE_MAX,
    EventInput,
    iana_zones,
    validate,
)
from liaison.events.models import (
    CLASSIFICATION_LABELS,
    EVENT_KIND_LABELS,
    SERIES_FREQUENCY_LABELS,
    Classification,
    EventKind,
    SeriesFrequency,
)

COMMON_ZONES = (
    "Asia/Shanghai",
    "Asia/Hong_Kong",
    "Asia/Tokyo",
    "Asia/Singapore",
    "Europe/Brussels",
    "Europe/London",
    "America/New_York",
    "UTC",
)

# Domain field name -> form field name, so domain messages sit next to the right input.
DOMAIN_TO_FORM = {
    "host_organization_id": "host_organization",
    "start": "start_date",
    "end": "end_date",
    "co_organizer_ids": "co_organizers",
    "topics": "other_topics",
    "repeat": "repeat",
    "count": "repeat_count",
}


class MultiCheckboxField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()




class EventForm(FlaskForm):
    past_warning_shown = False  # set by past_warning: the form then shows `past_ok`
    kind = SelectField(
        _l("Kind"),
        # Lazy labels (not k.label): built once at import, translated on each page.
        choices=[SelectChoice(k.value, EVENT_KIND_LABELS[k]) for k in EventKind],
        validators=[InputRequired()],
    )
    host_organization = SelectField(
        _l("Host organization"), coerce=int, validators=[InputRequired()]
    )
    audience = MultiCheckboxField(
        _l("Audience"),
        choices=[SelectChoice(k.value, ORG_KIND_PLURALS[k]) for k in OrgKind],
        description=_l("Who may register. Leave all unticked to open the event to everyone."),
    )
    title = StringField(_l("Title in English"),
                        validators=[InputRequired(), max_length(TITLE_MAX)])
    title_zh = StringField(
        _l("Title in Chinese"),
        validators=[Optional(), max_length(TITLE_MAX)],
        description=_l("Optional. Chinese readers see it; others see the English title."),
        render_kw={"lang": "zh-Hans"},
    )
    description = TextAreaField(
        _l("Description in English"),
        validators=[Optional(), max_length(DESCRIPTION_MAX)],
        description=_l("Plain text; line breaks are kept."),
        render_kw={"rows": 6},
    )
    description_zh = TextAreaField(
        _l("Description in Chinese"),
        validators=[Optional(), max_length(DESCRIPTION_MAX)],
        description=_l("Optional. Shown to Chinese readers instead of the English one."),
        render_kw={"rows": 6, "lang": "zh-Hans"},
    )
    topics = MultiCheckboxField(
        _l("Topics"),
        # Checked against the vocabulary by the domain, which also knows merged slugs.
        validate_choice=False,
    )
    other_topics = StringField(
        _l("Other topics"),
        validators=[Optional(), Length(max=1000)],
        description=_l("Not in the list? Type them, separated by commas, in English or "
                       "Chinese. Known names are matched; new ones go to the administrators."),
    )
    start_date = DateField(_l("Start date"), validators=[InputRequired()])
    start_time = TimeField(_l("Start time"), validators=[InputRequired()])
    end_date = DateField(_l("End date"), validators=[InputRequired()])
    end_time = TimeField(_l("End time"), validators=[InputRequired()])
    timezone = SelectField(
        _l("Time zone"),
        validators=[InputRequired()],
        description=_l("Dates and times above are in this zone."),
    )
    venue = StringField(
        _l("Venue"),
        validators=[Optional(), max_length(VENUE_MAX)],
        description=_l("Address and room."),
    )
    online_url = StringField(
        _l("Online meeting link"),
        validators=[Optional(), max_length(URL_MAX), URL(message=_l("Enter a web address."))],
        description=_l("Shown only to confirmed attendees and organizers."),
    )
    capacity = IntegerField(
        _l("Capacity"),
        validators=[Optional(), NumberRange(min=1, max=100_000, message=_l(
            "Capacity must be at least 1; leave it empty for no limit."))],
        description=_l("Leave empty for no limit."),
    )
    org_cap = IntegerField(
        _l("Places per organization"),
        validators=[Optional(), NumberRange(min=1, max=100_000, message=_l(
            "The limit per organization must be at least 1; leave it empty for no limit."))],
        description=_l("Leave empty for no limit."),
    )
    registration_opens = DateTimeLocalField(
        _l("Registration opens"), format="%Y-%m-%dT%H:%M", validators=[Optional()]
    )
    registration_closes = DateTimeLocalField(
        _l("Registration closes"), format="%Y-%m-%dT%H:%M", validators=[Optional()]
    )
    requires_approval = BooleanField(_l("Registrations need an organizer's approval"))
    past_ok = BooleanField(_l("Yes, the date is in the past: save it anyway"))
    co_organizers = MultiCheckboxField(
        _l("Co-organizers"),
        coerce=int,
        description=_l("They can edit the event and manage its registrations."),
    )
    classification = SelectField(
        _l("Classification"),
        choices=[SelectChoice(c.value, CLASSIFICATION_LABELS[c]) for c in Classification],
        default=Classification.public.value,
        validators=[Optional()],  # left out: public, the default
        description=_l("Public: anyone who may see the event reads everything. Participants "
                       "only: description, agenda, materials and minutes for registrants and "
                       "organizers. Restricted: also left out of public lists and feeds."),
    )

    def __init__(self, *args, organizations=(), organizers=(), topics=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.topics.choices = [SelectChoice(t.slug, t.label) for t in topics]
        self.host_organization.choices = [
            SelectChoice(o.id, o.display_name) for o in organizations
        ]
        self.co_organizers.choices = [
            SelectChoice(u.id, f"{u.name} · {u.organization.display_name}") for u in organizers
        ]
        self.timezone.choices = zone_choices(COMMON_ZONES)

    def fill_from(self, data: EventInput) -> None:
        """Pre-fill from an event's current values (local wall times in its zone)."""
        self.kind.data = str(data.kind)
        self.host_organization.data = data.host_organization_id
        self.audience.data = [str(k) for k in data.audience]
        self.title.data, self.title_zh.data = data.title, data.title_zh
        self.description.data, self.description_zh.data = data.description, data.description_zh
        self.topics.data = list(data.topics)
        self.start_date.data, self.start_time.data = data.start.date(), data.start.time()
        self.end_date.data, self.end_time.data = data.end.date(), data.end.time()
        self.timezone.data = data.timezone
        self.venue.data = data.venue
        self.online_url.data = data.online_url
        self.capacity.data = data.capacity
        self.org_cap.data = data.org_cap
        self.registration_opens.data = _naive(data.registration_opens)
        self.registration_closes.data = _naive(data.registration_closes)
        self.requires_approval.data = data.requires_approval
        self.co_organizers.data = list(data.co_organizer_ids)
        self.classification.data = str(data.classification)

    def to_input(self) -> EventInput:
        """The typed input for the domain; times are wall time in the chosen zone."""
        return EventInput(
            kind=self.kind.data,
            title=self.title.data or "",
            title_zh=self.title_zh.data or None,
            host_organization_id=self.host_organization.data,
            start=_combine(self.start_date.data, self.start_time.data),
            end=_combine(self.end_date.data, self.end_time.data),
            timezone=self.timezone.data,
            description=self.description.data or "",
            description_zh=self.description_zh.data or None,
            topics=[*(self.topics.data or ()), *clean_topics(self.other_topics.data or "")],
            audience=list(self.audience.data or ()),
            venue=self.venue.data,
            online_url=self.online_url.data,
            capacity=self.capacity.data,
            org_cap=self.org_cap.data,
            registration_opens=self.registration_opens.data,
            registration_closes=self.registration_closes.data,
            requires_approval=self.requires_approval.data,
            co_organizer_ids=list(self.co_organizers.data or ()),
            classification=self.classification.data or Classification.public.value,
        )

    def start_instant(self) -> datetime | None:
        """The start as typed, as an instant (None while the date, time or zone is missing)."""
        start = _combine(self.start_date.data, self.start_time.data)
        if start is None or self.timezone.data not in iana_zones():
            return None
        return start.replace(tzinfo=ZoneInfo(self.timezone.data))

    def past_warning(self, current_start: datetime | None = None) -> str | None:
        """A start in the past is allowed (recording a session held already) but never by
        accident: the first save says so and asks for a tick. Keeping an old event's own date
        (editing it after the fact) needs no tick."""
        start = self.start_instant()
        if start is None or start >= utcnow() or self.past_ok.data:
            return None
        if current_start is not None and start == current_start:
            return None
        self.past_warning_shown = True
        return _("This date is in the past. Check the date, or tick the box below to save "
                 "it as it is.")

    def show_errors(self, fields: dict[str, str]) -> None:
        """Put domain messages next to the matching inputs (one message per input)."""
        apply_errors(self, fields, DOMAIN_TO_FORM)

    def check_rules(self) -> None:
        """After a failed shape check, also show the domain's messages for the other fields,
        so one submission reports every problem (nothing is written)."""
        try:
            validate(self.to_input())
        except ValidationFailed as error:
            self.show_errors({
                name: message for name, message in error.fields.items()
                if not getattr(self, DOMAIN_TO_FORM.get(name, name), None)
                or not getattr(self, DOMAIN_TO_FORM.get(name, name)).errors
            })


def _combine(day, at) -> datetime | None:
    return datetime.combine(day, at) if day is not None and at is not None else None


def _naive(value: datetime | None) -> datetime | None:
    return value.replace(tzinfo=None) if value else None


class NewEventForm(EventForm):
    repeat = SelectField(
        _l("Repeat"),
        choices=[SelectChoice("", _l("Does not repeat"))]
        + [SelectChoice(f.value, SERIES_FREQUENCY_LABELS[f]) for f in SeriesFrequency],
        default="",
        validators=[Optional()],
    )
    repeat_count = IntegerField(
        _l("Number of occurrences"),
        default=4,
        validators=[Optional(), NumberRange(min=2, max=52, message=_l(
            "A series has between 2 and 52 occurrences."))],
        description=_l("Including the first one."),
    )


class TopicForm(FlaskForm):
    """A vocabulary entry's labels and other names (administrators)."""

    label_en = StringField(_l("English label"), validators=[InputRequired(), Length(max=80)])
    label_zh = StringField(
        _l("Chinese label"), validators=[Optional(), Length(max=80)],
        description=_l("Chinese readers see it; without one they see the English label."),
        render_kw={"lang": "zh-Hans"},
    )
    aliases = TextAreaField(
        _l("Other names"),
        validators=[Optional(), Length(max=2000)],
        description=_l("One per line, in either language: spellings people type that should "
                       "find this topic. Former labels are kept here automatically."),
        render_kw={"rows": 3},
    )

    def alias_list(self) -> list[str]:
        return [line for line in re.split(r"[\n,，、]", self.aliases.data or "") if line.strip()]


class MergeTopicForm(FlaskForm):
    into = SelectField(_l("Merge into"), validators=[InputRequired()])

    def __init__(self, *args, targets=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.into.choices = [SelectChoice("", _l("Choose a topic…"))] + [
            SelectChoice(t.slug, f"{t.label} ({t.slug})") for t in targets
        ]
