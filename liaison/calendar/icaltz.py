"""VTIMEZONE components that Outlook reads correctly: yearly RRULE observances, not RDATE lists.

icalendar's `Timezone.from_tzid` lists every transition as an RDATE; Outlook reads only one
annual rule per observance (MS-STANOICAL §2.2.47) and shifts meetings by an hour otherwise.
We derive the rule from zoneinfo's own transitions around the years the events fall in:
each kind of transition that recurs every year on the "n-th / last weekday of a month" at the
same wall time becomes one STANDARD or DAYLIGHT block with `RRULE:FREQ=YEARLY;BYMONTH=m;
BYDAY=<one ordinal><day>`. Anything irregular (a one-off change, a rule no single ordinal
describes) becomes a block per transition with only DTSTART, which is still exact for every
RFC 5545 reader. A zone with no transitions in the window gets a single STANDARD block.
"""
from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from icalendar import Timezone, TimezoneDaylight, TimezoneStandard, vRecur

_STEP = timedelta(hours=24)  # no zone changes its offset twice within a day
_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


@dataclass(frozen=True)
class Transition:
    at: datetime  # the first UTC instant with the new offset
    offset_from: timedelta
    offset_to: timedelta
    name: str

    @property
    def local_onset(self) -> datetime:
        """The onset as wall time in the offset before it, as RFC 5545 §3.6.5 wants DTSTART."""
        return (self.at + self.offset_from).replace(tzinfo=None)

    @property
    def key(self) -> tuple:
        onset = self.local_onset
        return (onset.month, onset.weekday(), onset.time(), self.offset_from, self.offset_to)

    def ordinals(self) -> set[int]:
        """BYDAY ordinals that name this day: its n-th weekday of the month, and -1 if last."""
        onset = self.local_onset
        found = {(onset.day - 1) // 7 + 1}
        if onset.day > calendar.monthrange(onset.year, onset.month)[1] - 7:
            found.add(-1)
        return found


def _offset(zone: ZoneInfo, instant: datetime) -> timedelta:
    return instant.astimezone(zone).utcoffset() or timedelta(0)


def transitions(tzid: str, first_year: int, last_year: int) -> list[Transition]:
    """Every offset change of `tzid` from 1 January `first_year` to 31 December `last_year`."""
    zone = ZoneInfo(tzid)
    start = datetime(first_year, 1, 1, tzinfo=UTC)
    end = datetime(last_year + 1, 1, 1, tzinfo=UTC)
    found: list[Transition] = []
    previous_at, previous = start, _offset(zone, start)
    at = start + _STEP
    while at <= end:
        current = _offset(zone, at)
        if current != previous:
            low, high = previous_at, at  # offset(low) == previous, offset(high) == current
            while high - low > timedelta(seconds=1):
                middle = low + (high - low) / 2
                middle = middle.replace(microsecond=0)
                if _offset(zone, middle) == previous:
                    low = middle
                else:
                    high = middle
            name = high.astimezone(zone).tzname() or tzid
            found.append(Transition(high, previous, current, name))
            previous = current
        previous_at = at
        at += _STEP
    return found


def _observance(kind, onset: datetime, item: Transition, rrule: dict | None = None):
    block = kind()
    block.add("dtstart", onset)
    block.add("tzoffsetfrom", item.offset_from)
    block.add("tzoffsetto", item.offset_to)
    if item.name:
        block.add("tzname", item.name)
    if rrule:
        block.add("rrule", vRecur(rrule))
    return block


def _kind(item: Transition):
    return TimezoneDaylight if item.offset_to > item.offset_from else TimezoneStandard


def _yearly_rule(group: list[Transition], years: range) -> dict | None:
    """The single-ordinal yearly rule that produces exactly `group`, one per year, or None."""
    if sorted(t.local_onset.year for t in group) != list(years):
        return None
    common = set.intersection(*(t.ordinals() for t in group))
    if not common:
        return None
    ordinal = -1 if -1 in common else common.pop()
    onset = group[0].local_onset
    byday = f"{ordinal}{_DAYS[onset.weekday()]}"
    return {"FREQ": "YEARLY", "BYMONTH": [onset.month], "BYDAY": [byday]}


@lru_cache(maxsize=256)
def _vtimezone_cached(tzid: str, first_year: int, last_year: int) -> bytes:
    component = Timezone()
    component.add("tzid", tzid)
    # One year either side: a January event needs the previous autumn's observance.
    years = range(first_year - 1, last_year + 2)
    changes = transitions(tzid, years.start, years.stop - 1)
    if not changes:
        zone = ZoneInfo(tzid)
        instant = datetime(first_year, 7, 1, tzinfo=UTC)
        steady = Transition(instant, _offset(zone, instant), _offset(zone, instant),
                            instant.astimezone(zone).tzname() or "")
        component.add_component(_observance(TimezoneStandard, datetime(1970, 1, 1), steady))
        return component.to_ical()
    groups: dict[tuple, list[Transition]] = {}
    for item in changes:
        groups.setdefault(item.key, []).append(item)
    for group in groups.values():
        rule = _yearly_rule(group, years)
        if rule:
            first = group[0]
            component.add_component(_observance(_kind(first), first.local_onset, first, rule))
        else:
            for item in group:
                component.add_component(_observance(_kind(item), item.local_onset, item))
    return component.to_ical()


def vtimezone(tzid: str, first_year: int, last_year: int) -> Timezone:
    """A VTIMEZONE for `tzid` exact for every instant from `first_year` to `last_year`."""
    return Timezone.from_ical(_vtimezone_cached(tzid, first_year, last_year))
