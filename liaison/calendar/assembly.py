"""A feed body assembled from per-event entries: one event's change costs one event's build.

A feed or download with no METHOD is, byte for byte, its VCALENDAR head
(`ical.calendar_head`), one VTIMEZONE per TZID its events use (sorted; each exact for the
years the events with that zone fall in), every event's VEVENT in (start, id) order, and
`END:VCALENDAR` — iCalendar lines are independent, each ending in CRLF, so serializing the
parts one by one gives what `ical.build_calendar` gives for the whole (tests compare them for
every kind of change).

An `Entry` is one event's VEVENT bytes with what the assembly needs to know about it (its
zone, the TZIDs it uses, its years). Entries are kept in a per-process store under a key made
of everything the VEVENT is built from (`liaison.calendar.feedcontent`): the event's row, its
host's row, its topics' rows, the reader's own row and role where they matter, the language,
the base URL and the code (`feedcache.BUILD_ID`). Equal keys mean equal inputs, hence equal
bytes, so an entry serves every feed that shows that event to that kind of reader.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from liaison.calendar import ical
from liaison.calendar.icaltz import vtimezone
from liaison.core.lru import BoundedLRU
from liaison.events.models import Event

ENTRY_SLOTS = 200_000
ENTRY_BYTES = 96 * 1024 * 1024  # about 100,000 entries of a typical size
_OVERHEAD = 200  # the Entry object and its key, roughly


@dataclass(frozen=True)
class Entry:
    """One event's VEVENT as serialized, and what the VTIMEZONEs need from it."""

    ical: bytes
    zone: str  # the event's time zone (`Event.timezone`)
    tzids: frozenset[str]  # the TZIDs its properties carry (none for UTC)
    first_year: int  # of its start and end, in its zone
    last_year: int


def _size(entry: Entry) -> int:
    return len(entry.ical) + _OVERHEAD


_store = BoundedLRU(ENTRY_SLOTS, ENTRY_BYTES, size=_size)


def make_entry(event: Event, **options) -> Entry:
    """`event` as `ical.feed_vevent(event, **options)` serializes it."""
    vevent = ical.feed_vevent(event, **options)
    tzids = frozenset(
        value.params["TZID"]
        for _name, value in vevent.property_items(sorted=False)
        if getattr(value, "params", None) and value.params.get("TZID")
    )
    years = [moment.astimezone(event.zone).year for moment in (event.start_at, event.end_at)]
    return Entry(vevent.to_ical(), event.timezone, tzids, min(years), max(years))


def stored(key: str) -> Entry | None:
    return _store.get(key)


def store(key: str, entry: Entry) -> None:
    _store.put(key, entry)


def forget_all() -> None:
    """Empty this process's entry store (tests, and the bench's cold builds)."""
    _store.clear()


@lru_cache(maxsize=256)
def timezone_block(tzid: str, first_year: int, last_year: int) -> bytes:
    """The VTIMEZONE of `tzid` exact from `first_year` to `last_year`, as a VCALENDAR
    serializes it."""
    return vtimezone(tzid, first_year, last_year).to_ical()


def assemble(head: bytes, entries: Iterable[Entry]) -> bytes:
    """The whole VCALENDAR: `head`, the VTIMEZONEs the entries need, the entries in the order
    given (the feed's: start, then id), the end line."""
    entries: Sequence[Entry] = list(entries)
    years: dict[str, list[int]] = {}
    used: set[str] = set()
    for entry in entries:
        years.setdefault(entry.zone, []).extend((entry.first_year, entry.last_year))
        used |= entry.tzids
    blocks = [timezone_block(tzid, min(years[tzid]), max(years[tzid])) for tzid in sorted(used)]
    return b"".join([head, *blocks, *(entry.ical for entry in entries), ical.CALENDAR_END])
