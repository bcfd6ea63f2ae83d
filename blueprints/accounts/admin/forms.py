"""Administration forms: organizations, and a user's role and active flag."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from flask_wtf import FlaskForm
from wtforms import SearchField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

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
        }


class RoleForm(FlaskForm):
    role = SelectField(_l("Role"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.role.choices = [SelectChoice(r.value, r.label) for r in Role]


class SearchForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search changes nothing

    q = SearchField(_l("Search"), validators=[Optional(), Length(max=100)])
