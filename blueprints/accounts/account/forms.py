"""Profile, language and API-token forms."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, PasswordField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from blueprints.core.forms import zone_choices
from liaison.accounts.users import is_valid_timezone

LANGUAGE_CHOICES = [SelectChoice("en", "English"), SelectChoice("zh", "中文（简体）")]

# Offered in the time-zone box; any other IANA name is accepted too.
COMMON_ZONES = [
    "Asia/Shanghai", "Asia/Hong_Kong", "Asia/Taipei", "Asia/Singapore", "Asia/Tokyo",
    "Asia/Seoul", "Asia/Bangkok", "Asia/Kolkata", "Asia/Dubai", "Europe/London",
    "Europe/Paris", "Europe/Berlin", "Europe/Rome", "Europe/Madrid", "Europe/Zurich",
    "Europe/Moscow", "America/New_York", "America/Chicago", "America/Denver",
    "America/Los_Angeles", "America/Sao_Paulo", "Australia/Sydney", "Africa/Johannesburg",
    "UTC",
]


def iana_zone(_form, field) -> None:
    if not is_valid_timezone(field.data or ""):
        raise ValidationError(_l("Enter a time zone such as Asia/Shanghai or Europe/Berlin."))


class ProfileForm(FlaskForm):
    display_name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    display_name_zh = StringField(
        _l("Chinese name"), validators=[Optional(), Length(max=120)],
        description=_l("Shown on Chinese pages, e.g. 王芳."),
    )
    language = SelectField(_l("Language"), choices=LANGUAGE_CHOICES)
    timezone = SelectField(
        _l("Time zone"),
        validators=[DataRequired(), Length(max=64), iana_zone],
        description=_l("Times are shown in this zone."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.timezone.choices = zone_choices(COMMON_ZONES)


class LanguageForm(FlaskForm):
    language = SelectField(choices=LANGUAGE_CHOICES)
    next = HiddenField()


class TokenForm(FlaskForm):
    name = StringField(
        _l("Token name"), validators=[Optional(), Length(max=100)],
        description=_l("What the token is for, e.g. “case system sync”."),
    )
    # Asked (and shown) only when the log-in is older than REAUTH_AFTER_SECONDS.
    password = PasswordField(
        _l("Your password"), validators=[Optional(), Length(max=200)],
        description=_l("You logged in a while ago: confirm it is you before a new token is made."),
    )


class ConfirmForm(FlaskForm):
    """A button-only form: nothing to fill in but the CSRF token."""


class OrganizationForm(FlaskForm):
    """Move oneself to another organization (the membership then waits for verification)."""

    organization = SelectField(_l("Organization"), coerce=int, validators=[DataRequired()])

    def __init__(self, *args, organizations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.organization.choices = [SelectChoice(o.id, o.display_name) for o in organizations]
