"""Helpers every blueprint's forms share."""
from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import TypeVar

from flask import flash
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectChoice
from wtforms.validators import Length

from extensions import db
from liaison.core.errors import DomainError, ValidationFailed
from liaison.core.when import zone_label
from liaison.events.inputs import iana_zones

T = TypeVar("T")


def apply_errors(form: FlaskForm, fields: Mapping[str, str],
                 rename: Mapping[str, str] | None = None) -> None:
    """Show a DomainError's field messages next to the form fields they name, each message
    once; `rename` maps the domain's field names to the form's where they differ."""
    for name, message in fields.items():
        field = getattr(form, (rename or {}).get(name, name), None)
        if field is not None and message and message not in field.errors:
            field.errors = [*field.errors, message]


def save_or_report(form: FlaskForm, save: Callable[[], T]) -> T | None:
    """Run a domain call that saves what `form` holds and commit; on a refusal roll back,
    put its messages next to the fields (the form's own `show_errors` when it has one) and
    flash it, and return None: nothing is kept."""
    try:
        saved = save()
    except ValidationFailed as error:
        db.session.rollback()
        if hasattr(form, "show_errors"):
            form.show_errors(error.fields)
        else:
            apply_errors(form, error.fields)
        flash(error.message, "error")
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        return saved
    return None


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
