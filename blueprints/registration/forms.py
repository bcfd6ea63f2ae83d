"""Forms of the registration pages. Shapes only: liaison.registration.questions checks the
rules, and its messages land next to the fields."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from liaison.registration.models import QUESTION_KIND_LABELS, QuestionKind
from liaison.registration.question_input import QuestionInput, parse_choices


class QuestionForm(FlaskForm):
    """One registration question, in English and Chinese."""

    kind = SelectField(
        _l("Type of answer"),
        choices=[SelectChoice(k.value, QUESTION_KIND_LABELS[k]) for k in QuestionKind],
        validators=[InputRequired()],
    )
    label = StringField(_l("Question in English"), validators=[InputRequired(), Length(max=300)])
    label_zh = StringField(
        _l("Question in Chinese"), validators=[Optional(), Length(max=300)],
        description=_l("Optional. Chinese readers see it; others see the English question."),
        render_kw={"lang": "zh-Hans"},
    )
    choices = TextAreaField(
        _l("Options"),
        validators=[Optional(), Length(max=10_000)],
        description=_l("For “one choice” and “several choices”: one option per line, the "
                       "Chinese after a bar, e.g. Vegetarian | 素食."),
        render_kw={"rows": 4},
    )
    required = BooleanField(_l("An answer is required"))
    personal = BooleanField(
        _l("Personal data"),
        description=_l("Answers are deleted automatically some days after the event; the "
                       "registration form says so."),
    )

    def fill_from(self, question) -> None:
        self.kind.data = str(question.kind)
        self.label.data, self.label_zh.data = question.label, question.label_zh
        self.choices.data = "\n".join(
            f"{c.en} | {c.zh}" if c.zh else c.en for c in question.choices)
        self.required.data, self.personal.data = question.required, question.personal

    def to_input(self) -> QuestionInput:
        return QuestionInput(
            kind=self.kind.data, label=self.label.data or "", label_zh=self.label_zh.data,
            required=self.required.data, personal=self.personal.data,
            choices=parse_choices(self.choices.data or ""),
        )
