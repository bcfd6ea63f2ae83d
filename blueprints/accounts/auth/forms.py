"""Log-in, sign-up and password forms: shape only; the rules live in liaison.accounts."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional

from liaison.accounts.passwords import MIN_LENGTH


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])
    remember = BooleanField(_l("Remember me on this computer"))


class ProfileFields(FlaskForm):
    """Name and organization: given at sign-up, reviewed when the address is confirmed."""

    display_name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=120)])
    display_name_zh = StringField(
        _l("Chinese name (optional)"), validators=[Optional(), Length(max=120)]
    )
    organization_id = SelectField(
        _l("Organization"),
        coerce=int,
        validators=[DataRequired(message=_l("Choose your organization."))],
        description=_l("Not listed? Ask an administrator to add your organization."),
    )


class SignupForm(ProfileFields):
    """No password here: it is chosen after following the link in the confirmation mail, by
    whoever holds the mailbox."""

    email = EmailField(_l("Work email"), validators=[DataRequired(), Email(), Length(max=254)])


def _repeat(label=None) -> PasswordField:
    return PasswordField(
        label or _l("Repeat the new password"),
        validators=[DataRequired(), EqualTo("new_password", message=_l("The passwords differ."))],
    )


class ConfirmAccountForm(ProfileFields):
    """The confirmation link's form: check the details, choose the password."""

    new_password = PasswordField(
        _l("Choose a password"),
        validators=[DataRequired(), Length(max=200)],
        description=_l("At least %(n)d characters.", n=MIN_LENGTH),
    )
    confirm = _repeat(_l("Repeat the password"))


class ResetPasswordForm(FlaskForm):
    """A new password, typed twice: the reset link's form, and the base of PasswordForm. The
    API tokens go too when the box is ticked (it is shown only to owners of tokens)."""

    new_password = PasswordField(
        _l("New password"),
        validators=[DataRequired(), Length(max=200)],
        description=_l(
            "At least %(n)d characters. Other sessions will be logged out.", n=MIN_LENGTH
        ),
    )
    confirm = _repeat()
    revoke_tokens = BooleanField(_l("Also revoke my API tokens"), default=True)


class PasswordForm(ResetPasswordForm):
    """Changing the password while logged in: the current one as well."""

    current_password = PasswordField(_l("Current password"), validators=[DataRequired()])


class EmailForm(FlaskForm):
    """Forgot password, or send the confirmation link again: only an address."""

    email = EmailField(_l("Email"), validators=[DataRequired(), Email(), Length(max=254)])
