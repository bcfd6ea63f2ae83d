"""Template helpers for event pages: month names, weekday names, line breaks kept.

`local_date`, `local_time` and `zone_name` are the first wave's names for parts of the `when`
filter (blueprints/core/templating.py); they format exactly as it does. Use `when` in new
templates."""
from __future__ import annotations

from datetime import date, datetime

from babel.dates import format_skeleton, get_day_names
from flask_babel import get_locale
from markupsafe import Markup, escape

from blueprints.core.templating import display_zone, zone_label
from liaison.core import when as formats
from liaison.events import direction as directions


def local_date(value: datetime | date, zone: str | None = None, fmt: str = "date") -> str:
    """The local calendar day of an instant in `zone` (default: the viewer's)."""
    fmt = {"medium": "date", "short": "date", "long": "long", "full": "full",
           "MMM": "month", "d": "day", "EEE": "dow"}.get(fmt, fmt)
    return formats.format_day(value, display_zone(zone), fmt)


def local_time(value: datetime, zone: str | None = None) -> str:
    """The local wall-clock time on the 24-hour clock ("14:00"), without the zone."""
    return formats.format_clock(value, display_zone(zone))


def zone_name(value: datetime, zone: str | None = None) -> str:
    """"Beijing time (UTC+8)": the zone's label on the day of `value`."""
    return zone_label(zone, value)


def month_label(value: date) -> str:
    """"November 2026" / "2026年11月": the locale's own order for a month and year."""
    return format_skeleton("yMMMM", value, locale=get_locale())


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
