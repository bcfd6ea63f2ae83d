"""Administration forms: organizations, and a user's role and active flag."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    SearchField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, Length, Optional

from liaison.accounts.models import OrgKind, Role


class OrganizationForm(FlaskForm):
    # "organization": a person's name and an organization's are different words in Chinese.
    name = StringField(
        lazy_pgettext("organization", "Name"), validators=[DataRequired(), Length(max=200)]
    )
    name_zh = StringField(
        lazy_pgettext("organization", "Chinese name"), validators=[Optional(), Length(max=200)]
    )
    kind = SelectField(_l("Kind"), validators=[DataRequired()])
    parent_id = SelectField(
        _l("Parent organization"),
        coerce=int,
        description=_l("For a local office: the national administration it belongs to."),
    )
    city = StringField(_l("City or region"), validators=[Optional(), Length(max=120)])
    city_zh = StringField(
        _l("City or region in Chinese"), validators=[Optional(), Length(max=120)],
        description=_l("Shown on Chinese pages, e.g. 上海."),
    )
    email_domains = TextAreaField(
        _l("Email domains"),
        validators=[Optional(), Length(max=2000)],
        description=_l("One per line, e.g. customs.example. A sign-up whose confirmed address "
                       "is at one of them, or at a subdomain, is verified at once."),
        render_kw={"rows": 3, "spellcheck": "false"},
    )
    focal_point_approval = BooleanField(
        _l("Focal points approve their members' registrations first"),
        description=_l("Two-stage approval: a member's own registration waits for a focal "
                       "point, then follows the event's rule."),
    )

    def __init__(self, *args, parents=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = [SelectChoice("", _l("Choose a kind…"))] + [
            SelectChoice(k.value, k.label) for k in OrgKind
        ]
        self.parent_id.choices = [SelectChoice("0", _l("None"))] + [
            SelectChoice(str(o.id), o.display_name) for o in parents
        ]

    def values(self) -> dict:
        """The fields as organizations.create_org and update_org take them."""
        return {
            "name": self.name.data,
            "kind": self.kind.data,
            "name_zh": self.name_zh.data,
            "parent_id": self.parent_id.data or None,  # choice 0 is "None"
            "city": self.city.data,
            "city_zh": self.city_zh.data,
            "email_domains": self.email_domains.data or "",
            "focal_point_approval": bool(self.focal_point_approval.data),
        }

    def show_domains(self, org) -> None:
        """On a GET of the edit page: the stored list, one per line."""
        self.email_domains.data = "\n".join(org.email_domains or [])


class RoleForm(FlaskForm):
    role = SelectField(_l("Role"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.role.choices = [SelectChoice(r.value, r.label) for r in Role]


class SearchForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search changes nothing

    q = SearchField(_l("Search"), validators=[Optional(), Length(max=100)])


LANGUAGE_CHOICES = [SelectChoice("en", "English"), SelectChoice("zh", "中文（简体）")]


class InviteForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Email(), Length(max=254)])
    display_name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    display_name_zh = StringField(_l("Chinese name"), validators=[Optional(), Length(max=120)])
    organization_id = SelectField(_l("Organization"), coerce=int,
                                  validators=[DataRequired(_l("Choose an organization."))])
    role = SelectField(_l("Role"))
    focal_point = BooleanField(
        _l("Focal point"),
        description=_l("Acts for the organization and its offices: verifies members, "
                       "nominates colleagues."),
    )
    language = SelectField(_l("Language of the invitation"), choices=LANGUAGE_CHOICES)

    def __init__(self, *args, organizations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.organization_id.choices = [SelectChoice(0, _l("Choose…"))] + [
            SelectChoice(o.id, o.display_name) for o in organizations
        ]
        self.role.choices = [SelectChoice(r.value, r.label) for r in Role]


class UserOrganizationForm(FlaskForm):
    organization = SelectField(_l("Organization"), coerce=int, validators=[DataRequired()])

    def __init__(self, *args, organizations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.organization.choices = [SelectChoice(o.id, o.display_name) for o in organizations]


class UserEmailForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Email(), Length(max=254)])
