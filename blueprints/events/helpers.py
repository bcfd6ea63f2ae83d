"""Template helpers for event pages: local dates and times in a given zone, line breaks kept."""
from __future__ import annotations

from datetime import date, datetime

from babel.dates import format_skeleton, get_day_names
from flask_babel import format_date, format_time, get_locale
from markupsafe import Markup, escape

from blueprints.core.templating import display_zone, zone_name
from liaison.events import direction as directions


def local_date(value: datetime | date, zone: str | None = None, fmt: str = "full") -> str:
    """The local calendar day of an instant in `zone` (default: the viewer's), per locale."""
    if isinstance(value, datetime):
        value = value.astimezone(display_zone(zone)).date()
    return format_date(value, format=fmt)


def month_label(value: date) -> str:
    """"November 2026" / "2026年11月": the locale's own order for a month and year."""
    return format_skeleton("yMMMM", value, locale=get_locale())


def local_time(value: datetime, zone: str | None = None) -> str:
    """The local wall-clock time on the 24-hour clock ("14:00"): unambiguous across languages."""
    local = value.astimezone(display_zone(zone)).replace(tzinfo=None)
    return format_time(local, format="HH:mm", rebase=False)


def nl2br(text: str | None) -> Markup:
    """Escape first, then turn line breaks into <br>: safe for any user text."""
    escaped = escape(text or "")
    return Markup("<br>\n").join(escaped.split("\n"))


def weekday_names() -> list[str]:
    """Monday-first abbreviated weekday names in the page's language."""
    names = get_day_names("abbreviated", locale=get_locale())
    return [names[i] for i in range(7)]


def init_app(app) -> None:
    app.add_template_global(directions.direction, "direction")
    app.add_template_global(directions.audience_label, "audience_label")
    app.add_template_filter(local_date, "local_date")
    app.add_template_filter(local_time, "local_time")
    app.add_template_filter(month_label, "month_label")
    app.add_template_filter(zone_name, "zone_name")
    app.add_template_filter(nl2br, "nl2br")
    app.add_template_global(weekday_names, "weekday_names")
