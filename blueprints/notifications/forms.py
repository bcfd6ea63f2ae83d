"""The message form: shape only (the domain checks who may send and who receives it)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from liaison.notifications.messages import BODY_MAX, SUBJECT_MAX
from liaison.registration.models import REGISTRATION_STATUS_LABELS, RegistrationStatus


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class MessageForm(FlaskForm):
    statuses = CheckboxesField(
        _l("To everyone who is"),
        choices=[SelectChoice(s.value, REGISTRATION_STATUS_LABELS[s]) for s in RegistrationStatus],
        validators=[DataRequired(_l("Choose whom to write to: at least one status."))],
    )
    subject = StringField(_l("Subject"), validators=[
        DataRequired(_l("Give the message a subject.")), Length(max=SUBJECT_MAX)])
    body = TextAreaField(_l("Message"), validators=[
        DataRequired(_l("Write the message.")), Length(max=BODY_MAX)],
        description=_l("Plain text; line breaks are kept. Each person gets it with the event's "
                       "details, in their own language's layout."),
        render_kw={"rows": 8})
    subject_zh = StringField(_l("Subject in Chinese"), validators=[Length(max=SUBJECT_MAX)])
    body_zh = TextAreaField(_l("Message in Chinese"), validators=[Length(max=BODY_MAX)],
                            description=_l("Optional. Recipients who read Chinese get this text "
                                           "instead; give both or neither."),
                            render_kw={"rows": 8, "lang": "zh-Hans"})
