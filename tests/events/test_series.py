"""Series: weekly, every two weeks and monthly occurrences on the local wall clock; editing
or cancelling one occurrence, or the rest of the series."""
from __future__ import annotations

from datetime import date, datetime

import pytest

from extensions import db
from liaison.core.errors import ValidationFailed
from liaison.events import lifecycle
from liaison.events.models import Event, EventStatus, SeriesFrequency
from liaison.events.series import add_months


def local(event: Event) -> tuple[date, str]:
    return event.local_start.date(), event.local_start.strftime("%H:%M")


def test_weekly_series_keeps_the_local_time_across_daylight_saving(event_input, organizer):
    # Brussels leaves winter time on 30 March 2031: 18:00 local is 17:00 UTC, then 16:00 UTC.
    created = lifecycle.create_series(
        event_input(start=datetime(2031, 3, 20, 18), end=datetime(2031, 3, 20, 20),
                    timezone="Europe/Brussels"),
        "weekly", 3, by=organizer,
    )
    db.session.commit()
    assert [local(e) for e in created] == [
        (date(2031, 3, 20), "18:00"), (date(2031, 3, 27), "18:00"), (date(2031, 4, 3), "18:00")]
    assert [e.start_at.hour for e in created] == [17, 17, 16]
    assert all((e.end_at - e.start_at).total_seconds() == 7200 for e in created)
    series = created[0].series
    assert series is not None and series.frequency == SeriesFrequency.weekly and series.count == 3
    assert {e.series_id for e in created} == {series.id}
    assert all(e.status == EventStatus.draft and e.organizers == [organizer] for e in created)


def test_biweekly_series_is_fourteen_days_apart(event_input, organizer):
    created = lifecycle.create_series(
        event_input(start=datetime(2031, 10, 28, 9), end=datetime(2031, 10, 28, 10),
                    timezone="America/New_York"),
        SeriesFrequency.biweekly, 3, by=organizer,
    )
    assert [local(e) for e in created] == [
        (date(2031, 10, 28), "09:00"), (date(2031, 11, 11), "09:00"), (date(2031, 11, 25), "09:00")]


def test_monthly_series_keeps_the_day_and_clamps_short_months(event_input, organizer):
    created = lifecycle.create_series(
        event_input(start=datetime(2031, 1, 31, 14), end=datetime(2031, 1, 31, 16),
                    timezone="Europe/Brussels"),
        "monthly", 4, by=organizer,
    )
    assert [local(e) for e in created] == [
        (date(2031, 1, 31), "14:00"), (date(2031, 2, 28), "14:00"),
        (date(2031, 3, 31), "14:00"), (date(2031, 4, 30), "14:00")]


def test_add_months_wraps_years_and_clamps_leap_days():
    assert add_months(date(2031, 11, 30), 3, 30) == date(2032, 2, 29)
    assert add_months(date(2031, 12, 15), 1, 15) == date(2032, 1, 15)


def test_registration_window_moves_with_each_occurrence(event_input, organizer):
    created = lifecycle.create_series(
        event_input(start=datetime(2031, 5, 5, 10), end=datetime(2031, 5, 5, 12),
                    registration_opens=datetime(2031, 4, 28, 10),
                    registration_closes=datetime(2031, 5, 4, 10)),
        "weekly", 2, by=organizer,
    )
    assert len(created) == 2
    for event in created:
        assert (event.start_at - event.registration_opens_at).days == 7
        assert (event.start_at - event.registration_closes_at).days == 1


@pytest.mark.parametrize(
    ("frequency", "count", "field", "message"),
    [
        ("daily", 3, "repeat", "Choose weekly, every two weeks, monthly or every three months."),
        ("weekly", 1, "count", "A series has between 2 and 52 occurrences."),
        ("weekly", 53, "count", "A series has between 2 and 52 occurrences."),
    ],
)
def test_series_shape_is_checked(event_input, organizer, frequency, count, field, message):
    with pytest.raises(ValidationFailed) as excinfo:
        lifecycle.create_series(event_input(), frequency, count, by=organizer)
    assert excinfo.value.fields[field] == message
    db.session.rollback()
    assert db.session.query(Event).count() == 0


def test_a_bad_occurrence_input_creates_no_series(event_input, organizer):
    with pytest.raises(ValidationFailed):
        lifecycle.create_series(event_input(title=""), "weekly", 3, by=organizer)
    db.session.rollback()
    assert db.session.query(Event).count() == 0


@pytest.fixture
def series(event_input, organizer):
    created = lifecycle.create_series(
        event_input(start=datetime(2031, 6, 2, 10), end=datetime(2031, 6, 2, 12)),
        "weekly", 4, by=organizer,
    )
    for event in created:
        lifecycle.publish_event(event, by=organizer)
    db.session.commit()
    return created


def test_one_occurrence_can_be_edited_alone(series, event_input, organizer):
    second = series[1]
    lifecycle.update_event(
        second,
        event_input(start=datetime(2031, 6, 9, 14), end=datetime(2031, 6, 9, 16),
                    venue="Room 9"),
        by=organizer,
    )
    db.session.commit()
    assert local(second) == (date(2031, 6, 9), "14:00") and second.venue == "Room 9"
    others = [series[0], series[2], series[3]]
    assert [local(e)[1] for e in others] == ["10:00"] * 3
    assert {e.venue for e in others} == {"Customs House, Room 3"}
    assert [e.sequence for e in series] == [1, 2, 1, 1]


def test_this_and_following_occurrences_move_together(series, event_input, organizer):
    second = series[1]
    results = lifecycle.update_series_from(
        second,
        event_input(title="Renamed", start=datetime(2031, 6, 9, 15), end=datetime(2031, 6, 9, 17),
                    venue="Hall B"),
        by=organizer,
    )
    db.session.commit()
    assert set(results) == {series[1].id, series[2].id, series[3].id}
    assert local(series[0]) == (date(2031, 6, 2), "10:00") and series[0].title != "Renamed"
    assert [local(e) for e in series[1:]] == [
        (date(2031, 6, 9), "15:00"), (date(2031, 6, 16), "15:00"), (date(2031, 6, 23), "15:00")]
    assert all(e.title == "Renamed" and e.venue == "Hall B" for e in series[1:])
    assert [e.sequence for e in series] == [1, 2, 2, 2]


def test_moving_the_date_of_the_rest_of_a_series_shifts_each_by_the_same_days(
    series, event_input, organizer
):
    lifecycle.update_series_from(
        series[2],
        event_input(start=datetime(2031, 6, 17, 10), end=datetime(2031, 6, 17, 12)),
        by=organizer,
    )
    assert [local(e)[0] for e in series] == [
        date(2031, 6, 2), date(2031, 6, 9), date(2031, 6, 17), date(2031, 6, 24)]


def test_cancel_the_remaining_series(series, organizer):
    cancelled = lifecycle.cancel_series_from(series[1], by=organizer)
    db.session.commit()
    assert [e.id for e in cancelled] == [e.id for e in series[1:]]
    assert [e.status for e in series] == [EventStatus.published] + [EventStatus.cancelled] * 3
    assert all(e.cancelled_at is not None for e in series[1:])


def test_cancel_one_occurrence_and_later_series_edits_skip_it(series, event_input, organizer):
    lifecycle.cancel_event(series[2], by=organizer)
    results = lifecycle.update_series_from(series[1], event_input(title="Still on"), by=organizer)
    assert set(results) == {series[1].id, series[3].id}
    assert series[2].title != "Still on" and series[2].is_cancelled
