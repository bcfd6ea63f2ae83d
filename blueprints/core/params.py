"""Query parameters of pages, read so that no value can turn into a server error, and the
links that carry them.

Ids in paths (`<int:…>`) are bounded by `IdConverter` (PostgreSQL's ids are 32-bit); page
numbers, ids and days in query strings by the helpers below. A value that is not a number or a
date at all is ignored, as it always was; a number or date we understand but cannot use (a page
past 100 000, a year before 1970 or after 2199, an id beyond any id) answers 400 or 404 with a
message, never a 500.

Pagination links (`page_url`) are relative ("?kind=training&page=2") and carry only the names
the page declares (`paginate(stmt, keep=…)`), so nothing a visitor adds to the query string
(`_external`, `_scheme`, `endpoint`, …) ever reaches `url_for` or the anonymous page cache.
"""
from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from flask import abort, current_app, request
from flask_babel import gettext as _
from werkzeug.routing import IntegerConverter

from extensions import db
from liaison.core.database import MAX_ID

MAX_PAGE = 100_000
EARLIEST_DAY = date(1970, 1, 1)  # the range the API accepts too (schemas.EARLIEST, LATEST)
LATEST_DAY = date(2199, 12, 31)


def _digits_up_to(limit: str) -> str:
    """A regex for the numbers of len(limit) digits (no leading zero) up to `limit`."""
    parts = []
    for i, digit in enumerate(limit):
        low = 1 if i == 0 else 0
        rest = len(limit) - i - 1
        if int(digit) > low:
            tail = rf"\d{{{rest}}}" if rest else ""
            parts.append(f"{limit[:i]}[{low}-{int(digit) - 1}]{tail}")
    return "|".join([*parts, limit])


class IdConverter(IntegerConverter):
    """`<int:…>` for ids: 1 to MAX_ID, so a path id beyond that is a 404 like any unknown id
    instead of an integer the database cannot compare. The bound is in the regex itself: a
    path that only the number puts out of range must not match the route at all (werkzeug
    would otherwise answer 405 when another method's rule has the same path)."""

    regex = rf"(?:[1-9]\d{{0,{len(str(MAX_ID)) - 2}}}|{_digits_up_to(str(MAX_ID))})"

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def init_app(app) -> None:
    """Before any blueprint adds its rules: they bind the converter when added."""
    app.url_map.converters["int"] = IdConverter


def _out_of_range(message: str):
    abort(400, message)


def day_out_of_range(day: date) -> str | None:
    """The message for a day outside 1970–2199 (a form shows it beside its field); None
    inside."""
    if EARLIEST_DAY <= day <= LATEST_DAY:
        return None
    return _("Choose a date between %(first)s and %(last)s.",
             first=EARLIEST_DAY.isoformat(), last=LATEST_DAY.isoformat())


def day_arg(name: str) -> date | None:
    """A YYYY-MM-DD day; None when absent or not a date; 400 outside 1970–2199."""
    value = request.args.get(name)
    try:
        day = date.fromisoformat(value) if value else None
    except ValueError:
        return None
    message = day_out_of_range(day) if day is not None else None
    if message:
        _out_of_range(message)
    return day


def month_arg(name: str) -> date | None:
    """A YYYY-MM month as its first day; None when absent or not a month; 400 outside
    1970–2199."""
    value = request.args.get(name) or ""
    try:
        year, month = (int(part) for part in value.split("-"))
        first = date(year, month, 1)
    except ValueError:
        return None
    if not EARLIEST_DAY <= first <= LATEST_DAY:
        _out_of_range(_("Choose a month between %(first)s and %(last)s.",
                        first=EARLIEST_DAY.strftime("%Y-%m"), last=LATEST_DAY.strftime("%Y-%m")))
    return first


def id_arg(name: str) -> int | None:
    """A record number; None when absent or not a number; 400 when no id can be that big."""
    value = (request.args.get(name) or "").strip()
    if not value.isascii() or not value.isdigit():
        return None
    number = int(value)
    if not 1 <= number <= MAX_ID:
        _out_of_range(_("There is no record with that number."))
    return number


def page_number() -> int:
    """?page=: 1 when absent or not a number; 404 for a page below 1 or past MAX_PAGE."""
    value = (request.args.get("page") or "").strip()
    if not value.isascii() or not value.lstrip("-").isdigit():
        return 1
    number = int(value)
    if not 1 <= number <= MAX_PAGE:
        abort(404)
    return number


def paginate(stmt, *, keep: tuple[str, ...] = (), error_out: bool = True, **kwargs):
    """`db.paginate` on a checked page number and the configured page size; `keep` names the
    query parameters the page's links carry (its filters)."""
    kwargs.setdefault("per_page", current_app.config["PER_PAGE"])
    page = db.paginate(stmt, page=page_number(), error_out=error_out, **kwargs)
    page.keep = keep
    return page


def page_url(number: int, pagination=None) -> str:
    """A relative link to page `number` of this page, with the filters its view named."""
    keep = getattr(pagination, "keep", None) or ()
    pairs = [(name, value) for name in keep for value in request.args.getlist(name)]
    pairs.append(("page", str(number)))
    return "?" + urlencode(pairs)
