"""One way to write a date, a time and a time zone per language, for pages, mail and messages.

English: "Oct 31, 2026, 21:04 Beijing time (UTC+8)"; Chinese: "2026年10月31日 21:04 北京时间
(UTC+8)". Always the 24-hour clock (the audience spans continents; "9:04 PM" and "21:04" side by
side confused people), Babel's medium date for the language, and the zone named wherever a time
is shown: a city people know ("Berlin time", "柏林时间"; Beijing time for China), then the
offset on that day. Dates alone carry no zone.

Everything here formats in the locale in force (flask_babel: the page's, or the one a mail is
rendered in with `force_locale`); the caller says which zone.
"""
from __future__ import annotations

from datetime import date, datetime, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_skeleton, format_time, get_timezone_location
from babel.lists import format_list
from flask_babel import get_locale
from flask_babel import gettext as _

# Zones people in China call Beijing time (China has one zone; tzdata keeps old city names).
BEIJING = frozenset({"Asia/Shanghai", "Asia/Chongqing", "Asia/Chungking", "Asia/Harbin", "PRC"})
UTC_NAMES = frozenset({"UTC", "Etc/UTC", "Etc/UCT", "UCT", "Etc/Universal", "Universal",
                       "Etc/Zulu", "Zulu", "GMT", "Etc/GMT", "Etc/Greenwich", "Greenwich"})

# Formats: a date, with or without the weekday, and the parts of the date badge on cards.
DATE_FORMATS = {
    "date": ("medium", None),     # Oct 31, 2026 / 2026年10月31日
    "long": ("long", None),       # October 31, 2026 / 2026年10月31日
    "full": ("full", None),       # Saturday, October 31, 2026 / 2026年10月31日星期六
    "weekday_date": (None, "yMMMEd"),  # Sat, Oct 31, 2026 / 2026年10月31日周六
    "month": (None, "MMM"),       # Oct / 10月
    "day": (None, "d"),           # 31 / 31日
    "dow": (None, "EEE"),         # Sat / 周六
}


def _locale() -> Locale:
    try:
        locale = get_locale()
    except RuntimeError:  # no app context at all
        locale = None
    return locale or Locale.parse("en")


def as_zone(zone: str | tzinfo | None) -> tzinfo:
    if zone is None:
        return ZoneInfo("UTC")
    return ZoneInfo(zone) if isinstance(zone, str) else zone


def _key(zone: tzinfo) -> str:
    return getattr(zone, "key", None) or str(zone)


def offset_label(value: datetime, zone: str | tzinfo) -> str:
    """"UTC+8", "UTC+5:30", "UTC-5", "UTC+0": the zone's offset at that instant."""
    offset = value.astimezone(as_zone(zone)).utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset is not None else 0
    sign = "-" if minutes < 0 else "+"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


@lru_cache(maxsize=2048)
def _zone_place(key: str, locale: str) -> str:
    """The zone's city in the language ("Berlin" / "柏林"), as CLDR names it."""
    try:
        return get_timezone_location(key, locale=locale, return_city=True)
    except (LookupError, ValueError):
        return key.rsplit("/", 1)[-1].replace("_", " ")


def zone_name(zone: str | tzinfo) -> str:
    """"Beijing time" / "北京时间", "Berlin time" / "柏林时间", "UTC": what people call it."""
    key = _key(as_zone(zone))
    if key in UTC_NAMES:
        return "UTC"
    if key in BEIJING:
        return _("Beijing time")
    return _("%(city)s time", city=_zone_place(key, str(_locale())))


def zone_label(zone: str | tzinfo | None, at: datetime | None = None) -> str:
    """"Beijing time (UTC+8)" / "北京时间 (UTC+8)": the name and the offset at `at` (now by
    default), so summer and winter time are told apart."""
    tz = as_zone(zone)
    name = zone_name(tz)
    if name == "UTC":
        return name
    at = at or datetime.now(tz)
    return f"{name} ({offset_label(at, tz)})"


def format_day(value: datetime | date, zone: str | tzinfo | None = None,
               fmt: str = "date") -> str:
    """A calendar day (the local day of an instant in `zone`) in one of DATE_FORMATS."""
    if isinstance(value, datetime):
        value = value.astimezone(as_zone(zone)).date()
    width, skeleton = DATE_FORMATS[fmt]
    locale = _locale()
    if skeleton:
        return format_skeleton(skeleton, value, locale=locale)
    return format_date(value, format=width, locale=locale)


def format_clock(value: datetime, zone: str | tzinfo | None = None) -> str:
    """"21:04": the local wall-clock time on the 24-hour clock, in every language."""
    local = value.astimezone(as_zone(zone)).replace(tzinfo=None)
    return format_time(local, "HH:mm", locale=_locale())


def _date_and_time(day: str, clock: str) -> str:
    # English "Oct 31, 2026, 21:04"; Chinese "2026年10月31日 21:04" (no comma after a date).
    return f"{day} {clock}" if _locale().language == "zh" else f"{day}, {clock}"


def format_when(value: datetime | None, zone: str | tzinfo | None = None, fmt: str = "datetime",
                *, end: datetime | None = None, with_zone: bool = True) -> str:
    """An instant (or a span from `value` to `end`) as the reader's language writes it.

    fmt "datetime" (default): "Oct 31, 2026, 21:04"; "weekday": "Sat, Oct 31, 2026, 21:04";
    "full_datetime" (mail): "Saturday, October 31, 2026, 21:04"; "time": "21:04"; any
    DATE_FORMATS name: the day alone (never with a zone). The zone's label follows every time
    unless `with_zone=False`. A span on one local day reads "Oct 31, 2026, 09:00–12:00";
    across days "Oct 31, 2026, 21:00 – Nov 1, 2026, 01:00"."""
    if value is None:
        return ""
    tz = as_zone(zone)
    return _format_when(value, tz, fmt, end, with_zone, str(_locale()))


@lru_cache(maxsize=8192)
def _format_when(value: datetime | date, tz: tzinfo, fmt: str, end: datetime | None,
                 with_zone: bool, _language: str) -> str:
    """`format_when` itself: a pure function of its arguments and the language in force (keyed
    by `_language`), so a page of 300 rows, rendered again, formats nothing a second time
    (Babel's formatting was a fifth of "My registrations")."""
    if fmt in DATE_FORMATS:
        return format_day(value, tz, fmt)
    day_fmt = {"weekday": "weekday_date", "full_datetime": "full"}.get(fmt, "date")
    start_day = format_day(value, tz, day_fmt)
    clock = format_clock(value, tz)
    if end is None:
        text = clock if fmt == "time" else _date_and_time(start_day, clock)
    elif value.astimezone(tz).date() == end.astimezone(tz).date():
        span = f"{clock}–{format_clock(end, tz)}"
        text = span if fmt == "time" else _date_and_time(start_day, span)
    else:
        text = (f"{_date_and_time(start_day, clock)} – "
                f"{_date_and_time(format_day(end, tz, day_fmt), format_clock(end, tz))}")
    return f"{text} {zone_label(tz, value)}" if with_zone else text


def join_list(items) -> str:
    """A list in the reader's language: "Customs, Law enforcement, and Criminal justice" /
    "海关、行政执法和刑事司法" (Chinese lists take 、, never an ASCII comma)."""
    items = [str(item) for item in items]
    if not items:
        return ""
    return format_list(items, locale=_locale())
