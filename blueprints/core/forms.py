"""Helpers every blueprint's forms share."""
from __future__ import annotations

from flask_wtf import FlaskForm


def apply_errors(form: FlaskForm, fields: dict[str, str]) -> None:
    """Show a DomainError's field messages next to the matching form fields."""
    for name, message in fields.items():
        field = getattr(form, name, None)
        if field is not None and message:
            field.errors = [*field.errors, message]
