"""The Members page's filters."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SearchField, SelectChoice, SelectField
from wtforms.validators import Length, Optional

from liaison.accounts.models import Membership


class MemberFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET filter changes nothing

    q = SearchField(_l("Search"), validators=[Optional(), Length(max=100)])
    membership = SelectField(_l("Membership"), validators=[Optional()])
    organization = SelectField(_l("Organization"), validators=[Optional()])

    def __init__(self, *args, organizations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.membership.choices = [SelectChoice("", _l("Any"))] + [
            SelectChoice(m.value, m.label) for m in Membership
        ]
        self.organization.choices = [SelectChoice("", _l("All"))] + [
            SelectChoice(str(o.id), o.display_name) for o in organizations
        ]

    def values(self) -> dict:
        """The filters as members.member_list takes them (bad values: no filter)."""
        if not self.validate():
            return {"q": "", "membership": None, "organization_id": None}
        org = self.organization.data
        return {
            "q": self.q.data or "",
            "membership": Membership(self.membership.data) if self.membership.data else None,
            "organization_id": int(org) if org else None,
        }

