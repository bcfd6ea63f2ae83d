"""The webhook form: shape only (the domain checks the target and the types)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from liaison.integration.models import URL_MAX
from liaison.integration.webhooks import DESCRIPTION_MAX, EVENT_TYPES


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class WebhookForm(FlaskForm):
    url = StringField(
        _l("Receiver URL"),
        validators=[DataRequired(_l("Give the address that should receive the webhooks.")),
                    Length(max=URL_MAX)],
        description=_l("An https:// address on the public internet. Redirects are not "
                       "followed; answer with a 2xx status within a few seconds."),
    )
    description = StringField(_l("Description"), validators=[Length(max=DESCRIPTION_MAX)],
                              description=_l("For you: what receives it (optional)."))
    events = CheckboxesField(
        _l("Send"),
        choices=[SelectChoice(name, label) for name, label in EVENT_TYPES.items()],
        validators=[DataRequired(_l("Choose at least one kind of event to hear about."))],
    )
