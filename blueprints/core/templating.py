"""Jinja filters and globals: every date, time and zone on a page goes through `when`."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import get_datetime_format
from flask_babel import format_date, format_datetime, format_time, get_locale, get_timezone

from blueprints.core import params
from blueprints.core.i18n import current_language
from liaison.accounts.models import OrgKind, Role
from liaison.events.models import EventKind, EventStatus
from liaison.registration.models import RegistrationStatus


def when(value: datetime | None, zone: str | None = None, fmt: str = "medium") -> str:
    """A UTC datetime shown in `zone` (default: the viewer's), formatted per locale, with the
    zone's name so nobody mistakes whose afternoon it is."""
    if value is None:
        return ""
    local = value.astimezone(display_zone(zone))
    if fmt == "medium":  # a medium date with hours and minutes: seconds are noise on a page
        text = (
            get_datetime_format("medium", locale=get_locale() or "en")
            .replace("'", "")
            .replace("{0}", format_time(local, "short", rebase=False))
            .replace("{1}", format_date(local, "medium", rebase=False))
        )
    else:
        text = format_datetime(local, format=fmt, rebase=False)
    return f"{text} ({zone_name(value, zone)})"


def display_zone(zone: str | None = None):
    """The zone named, or the viewer's when none is."""
    return ZoneInfo(zone) if zone else get_timezone()


def zone_name(value: datetime, zone: str | None = None) -> str:
    """"Asia/Shanghai, UTC+08:00": the zone and its offset on that day."""
    tz = display_zone(zone)
    offset = value.astimezone(tz).strftime("%z")
    key = getattr(tz, "key", None) or str(tz)
    return f"{key.replace('_', ' ')}, UTC{offset[:3]}:{offset[3:]}"


def init_app(app) -> None:
    app.jinja_env.filters["when"] = when
    app.jinja_env.globals.update(
        page_url=params.page_url,
        OrgKind=OrgKind,
        Role=Role,
        EventKind=EventKind,
        EventStatus=EventStatus,
        RegistrationStatus=RegistrationStatus,
    )

    @app.context_processor
    def language():
        return {"current_language": current_language()}
