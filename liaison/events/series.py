"""Series: one event repeated weekly, every two weeks, monthly or quarterly (every three
months); each occurrence is its own event (own registrations, own sequence) linked by
`series_id`. Exchange meetings are rarely planned a fixed number of times ahead, so
`add_next` adds one more occurrence to a series (making one of a single event first).

Dates are computed in the event's own zone on the local wall clock, so an 18:00 session stays
at 18:00 local time across a daylight-saving change. Monthly occurrences keep the day of the
month; where a month is too short (the 31st in April, the 29th–31st in February) the occurrence
falls on that month's last day instead of being skipped, so "N times" always means N events.
A local time that does not exist on the day (inside a spring-forward gap) is read with the
offset before the change, i.e. it moves forward by the gap (02:30 → 03:30), as zoneinfo does.
"""
from __future__ import annotations

import calendar
from dataclasses import replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import select

from extensions import db
from liaison.accounts.models import User
from liaison.core.errors import ValidationFailed
from liaison.events import lifecycle
from liaison.events.models import Event, EventSeries, EventStatus, SeriesFrequency

MAX_OCCURRENCES = 52


def add_months(day: date, months: int, day_of_month: int) -> date:
    """`day` moved by whole months, on `day_of_month` or the month's last day if shorter."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day_of_month, calendar.monthrange(year, month)[1]))


MONTHS = {SeriesFrequency.monthly: 1, SeriesFrequency.quarterly: 3}


def occurrence_dates(first: date, frequency: SeriesFrequency, count: int) -> list[date]:
    """The local dates of a series' occurrences, the first included."""
    if frequency in MONTHS:
        return [add_months(first, MONTHS[frequency] * k, first.day) for k in range(count)]
    step = 7 if frequency == SeriesFrequency.weekly else 14
    return [first + timedelta(days=step * k) for k in range(count)]


def _wall(value: datetime, zone: ZoneInfo) -> datetime:
    """An instant as naive wall-clock time in `zone`."""
    return value.astimezone(zone).replace(tzinfo=None)


def _moved(
    data: lifecycle.EventInput, values: dict, local_start: datetime, local_end: datetime,
    zone: ZoneInfo,
) -> lifecycle.EventInput:
    """`data` at a new local start and end; registration opens and closes as long before the
    new start as `values` (the validated `data`) has them before its start."""
    instant = local_start.replace(tzinfo=zone)

    def before_start(key: str) -> datetime | None:
        return instant - (values["start"] - values[key]) if values[key] else None

    return replace(
        data,
        start=local_start,
        end=local_end,
        registration_opens=before_start("registration_opens"),
        registration_closes=before_start("registration_closes"),
    )


def _parse_frequency(frequency, count) -> SeriesFrequency:
    errors = {}
    try:
        freq = SeriesFrequency(frequency)
    except ValueError:
        freq = None
        errors["repeat"] = _("Choose weekly, every two weeks, monthly or every three months.")
    if not isinstance(count, int) or not 2 <= count <= MAX_OCCURRENCES:
        errors["count"] = _(
            "A series has between 2 and %(n)d occurrences.", n=MAX_OCCURRENCES
        )
    if errors:
        raise ValidationFailed(_("Some fields need your attention."), fields=errors)
    return freq


def create_series(data: lifecycle.EventInput, frequency, count: int, *, by: User) -> list[Event]:
    """Create `count` draft occurrences at the same local time, linked in one series."""
    freq = _parse_frequency(frequency, count)
    if not getattr(by, "can_organize", False):
        return [lifecycle.create_event(data, by=by)]  # raises NotAllowed
    values = lifecycle.validate(data)
    zone = ZoneInfo(values["timezone"])
    start, end = _wall(values["start"], zone), _wall(values["end"], zone)
    length = end - start  # on the wall clock: every occurrence keeps it

    series = EventSeries(frequency=freq, count=count)
    db.session.add(series)
    created = []
    for day in occurrence_dates(start.date(), freq, count):
        local_start = datetime.combine(day, start.time())
        occurrence = _moved(data, values, local_start, local_start + length, zone)
        event = lifecycle.create_event(occurrence, by=by)
        event.series = series
        created.append(event)
    db.session.flush()
    return created


def following(event: Event) -> list[Event]:
    """This occurrence and the later ones of its series that are not cancelled."""
    if event.series_id is None:
        return [event]
    return list(
        db.session.scalars(
            select(Event)
            .where(
                Event.series_id == event.series_id,
                Event.start_at >= event.start_at,
                Event.status != EventStatus.cancelled,
            )
            .order_by(Event.start_at, Event.id)
        )
    )


def update_series_from(event: Event, data: lifecycle.EventInput, *, by: User) -> dict[int, dict]:
    """Apply `data` to this occurrence and shift every later one by the same wall-clock move
    (a new time of day, a new zone, a date moved by N days); other fields are copied."""
    values = lifecycle.validate(data, current_organizer_ids=[u.id for u in event.organizers])
    new_zone = ZoneInfo(values["timezone"])
    new_start, new_end = _wall(values["start"], new_zone), _wall(values["end"], new_zone)
    moved = new_start - _wall(event.start_at, event.zone)
    length = new_end - new_start

    results: dict[int, dict] = {}
    for occurrence in following(event):
        local_start = _wall(occurrence.start_at, occurrence.zone) + moved
        shifted = _moved(data, values, local_start, local_start + length, new_zone)
        results[occurrence.id] = lifecycle.update_event(occurrence, shifted, by=by)
    return results


def _next_date(series: EventSeries, first: date, last: date) -> date:
    """The local date after `last` in the series' rhythm (monthly ones keep the first
    occurrence's day of the month, or the month's last day)."""
    if series.frequency in MONTHS:
        return add_months(last, MONTHS[series.frequency], first.day)
    return last + timedelta(days=7 if series.frequency == SeriesFrequency.weekly else 14)


def add_next(event: Event, *, by: User, frequency=None) -> Event:
    """One more occurrence after the last one of `event`'s series, as a draft copy of that last
    one at the same local time; an event without a series first becomes the first occurrence
    of one (`frequency`, quarterly unless given). Organizers of the event only."""
    lifecycle._require_manage(event, by)
    series = event.series
    if series is None:
        try:
            freq = SeriesFrequency(frequency or SeriesFrequency.quarterly)
        except ValueError:
            _parse_frequency(frequency, 2)  # raises with the field's message
        series = EventSeries(frequency=freq, count=1)
        db.session.add(series)
        event.series = series
        db.session.flush()
    occurrences = [e for e in series.events if e.status != EventStatus.cancelled] or [event]
    first, last = occurrences[0], occurrences[-1]
    zone = last.zone
    start, end = _wall(last.start_at, zone), _wall(last.end_at, zone)
    day = _next_date(series, _wall(first.start_at, first.zone).date(), start.date())
    local_start = datetime.combine(day, start.time())
    data = lifecycle.EventInput.from_event(last)
    data.co_organizer_ids = [u.id for u in last.organizers if u.id != by.id]
    values = lifecycle.validate(data)
    created = lifecycle.create_event(
        _moved(data, values, local_start, local_start + (end - start), zone), by=by
    )
    created.series = series
    series.count = len(series.events)
    db.session.flush()
    return created


def cancel_series_from(event: Event, *, by: User, reason: str | None = None) -> list[Event]:
    """Cancel this occurrence and every later one; earlier ones stay as they are."""
    return [lifecycle.cancel_event(occurrence, by=by, reason=reason)
            for occurrence in following(event)]
