"""Helpers every blueprint's forms share."""
from __future__ import annotations

from datetime import UTC, datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectChoice
from wtforms.validators import Length

from liaison.core.when import zone_label
from liaison.events.inputs import iana_zones


def apply_errors(form: FlaskForm, fields: dict[str, str]) -> None:
    """Show a DomainError's field messages next to the matching form fields."""
    for name, message in fields.items():
        field = getattr(form, name, None)
        if field is not None and message:
            field.errors = [*field.errors, message]


def max_length(limit: int) -> Length:
    """A length limit that says the limit and how long the text is. Forms render it as a
    counter, never as the browser's maxlength (which cuts a pasted text short silently)."""
    return Length(max=limit, message=_l(
        "At most %(max)d characters, please: this has %(length)d."))


def zone_choices(common: tuple[str, ...] | list[str]) -> dict[str, list[SelectChoice]]:
    """Time zones for a select, in the page's language: the common ones first, then every
    IANA zone by name, each as "Berlin time (UTC+1) · Europe/Berlin"."""
    now = datetime.now(UTC)
    first = [SelectChoice(z, zone_label(z, now)) for z in common]
    rest = sorted(z for z in iana_zones() if "/" in z and z not in common)
    return {
        _("Common time zones"): first,
        _("All time zones"): [SelectChoice(z, f"{zone_label(z, now)} · {z}") for z in rest],
    }
