"""Jinja filters and globals. Every date, time and zone on a page goes through the `when`
filter (liaison.core.when: one format per language, the zone named wherever a time is shown)."""
from __future__ import annotations

from datetime import date, datetime

from blueprints.core import params
from blueprints.core.i18n import (
    current_language,
    viewer_zone,
    viewer_zone_key,
    viewer_zone_shown,
)
from liaison.accounts.models import OrgKind, Role
from liaison.core import when as formats
from liaison.events.models import EventKind, EventStatus
from liaison.registration.models import RegistrationStatus

# The first wave's names: Babel widths that meant "date and time".
LEGACY_FORMATS = {"medium": "datetime", "short": "datetime", "long": "datetime"}


def when(value: datetime | date | None, zone: str | None = None, fmt: str = "datetime",
         end: datetime | None = None, with_zone: bool = True) -> str:
    """`{{ event.start_at|when(event.timezone) }}` → "Oct 31, 2026, 21:04 Beijing time (UTC+8)".

    `zone`: the zone to show the time in (default: the viewer's: their account's, or for a
    visitor the browser's). `fmt`: "datetime", "weekday", "time", or a date format ("date",
    "long", "full", "weekday_date", "month", "day", "dow": a day alone, no zone). `end=` makes it
    a span ("Oct 31, 2026, 09:00–12:00 …")."""
    if value is None:
        return ""
    tz = zone or viewer_zone()
    fmt = LEGACY_FORMATS.get(fmt, fmt)
    if isinstance(value, date) and not isinstance(value, datetime):
        fmt = "weekday_date" if fmt == "weekday" else fmt
        return formats.format_day(value, tz, fmt if fmt in formats.DATE_FORMATS else "date")
    return formats.format_when(value, tz, fmt, end=end, with_zone=with_zone)


def zone_label(zone: str | None = None, at: datetime | None = None) -> str:
    """"Beijing time (UTC+8)" for `zone` (default: the viewer's) at `at` (default: now)."""
    return formats.zone_label(zone or viewer_zone(), at)


def display_zone(zone: str | None = None):
    """The zone named, or the viewer's when none is."""
    return formats.as_zone(zone) if zone else viewer_zone()


def init_app(app) -> None:
    app.jinja_env.add_extension("jinja2.ext.do")  # {% do list.append(x) %} in the macros
    app.jinja_env.filters["when"] = when
    app.jinja_env.filters["zone_label"] = zone_label
    app.jinja_env.filters["join_list"] = formats.join_list
    app.jinja_env.globals.update(
        page_url=params.page_url,
        viewer_zone_shown=viewer_zone_shown,
        viewer_zone_key=viewer_zone_key,
        zone_label=zone_label,
        OrgKind=OrgKind,
        Role=Role,
        EventKind=EventKind,
        EventStatus=EventStatus,
        RegistrationStatus=RegistrationStatus,
    )

    @app.context_processor
    def language():
        return {"current_language": current_language()}
