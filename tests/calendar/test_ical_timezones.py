"""Generated VTIMEZONEs against zoneinfo: rule-based where a zone has DST, one block where not."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, available_timezones

import pytest
from icalendar import Calendar

from liaison.calendar.icaltz import transitions, vtimezone

ZONES = [
    "Europe/Berlin", "America/New_York", "Asia/Shanghai", "Australia/Sydney", "Europe/London",
    "Europe/Dublin", "America/Sao_Paulo", "Asia/Kolkata", "Asia/Kathmandu", "Pacific/Chatham",
    "America/Santiago", "Asia/Jerusalem", "Africa/Casablanca", "Pacific/Auckland",
    "America/St_Johns", "Asia/Tehran", "UTC",
]
RULE_ZONES = {
    # zone: {observance: (BYMONTH, BYDAY)} as Outlook needs them: one month, one ordinal.
    "Europe/Berlin": {"DAYLIGHT": (3, "-1SU"), "STANDARD": (10, "-1SU")},
    "America/New_York": {"DAYLIGHT": (3, "2SU"), "STANDARD": (11, "1SU")},
    "Australia/Sydney": {"DAYLIGHT": (10, "1SU"), "STANDARD": (4, "1SU")},
}


def _offsets_match(tzid: str, first_year: int, last_year: int, step_hours: int) -> None:
    component = vtimezone(tzid, first_year, last_year)
    as_tz = component.to_tz()
    zone = ZoneInfo(tzid)
    at = datetime(first_year, 1, 1, tzinfo=UTC)
    end = datetime(last_year + 1, 1, 1, tzinfo=UTC)
    while at < end:
        assert at.astimezone(as_tz).utcoffset() == at.astimezone(zone).utcoffset(), (tzid, at)
        at += timedelta(hours=step_hours)
    # And exactly at each change, a second either side.
    for change in transitions(tzid, first_year, last_year):
        for instant in (change.at - timedelta(seconds=1), change.at):
            assert instant.astimezone(as_tz).utcoffset() == instant.astimezone(zone).utcoffset()


@pytest.mark.parametrize("tzid", ZONES)
def test_offsets_equal_zoneinfo_hour_by_hour(tzid):
    _offsets_match(tzid, 2026, 2027, 1)


def test_every_iana_zone_is_exact_for_the_coming_year():
    for tzid in sorted(available_timezones()):
        _offsets_match(tzid, 2026, 2026, 12)


@pytest.mark.parametrize(("tzid", "rules"), RULE_ZONES.items())
def test_dst_zones_get_one_yearly_single_ordinal_rule_per_observance(tzid, rules):
    data = vtimezone(tzid, 2026, 2026).to_ical()
    assert b"RDATE" not in data
    component = Calendar.from_ical(b"BEGIN:VCALENDAR\r\n" + data + b"END:VCALENDAR\r\n")
    [tz] = component.walk("VTIMEZONE")
    assert str(tz["TZID"]) == tzid
    seen = {}
    for block in tz.subcomponents:
        rule = block["RRULE"]
        assert rule["FREQ"] == ["YEARLY"]
        assert len(rule["BYMONTH"]) == 1 and len(rule["BYDAY"]) == 1
        assert "UNTIL" not in rule and "COUNT" not in rule
        seen[block.name] = (rule["BYMONTH"][0], str(rule["BYDAY"][0]))
    assert seen == rules


def test_zone_without_dst_is_a_single_standard_block():
    data = vtimezone("Asia/Shanghai", 2026, 2026).to_ical()
    assert data.count(b"BEGIN:STANDARD") == 1
    assert b"DAYLIGHT" not in data and b"RRULE" not in data and b"RDATE" not in data
    assert b"TZOFFSETFROM:+0800\r\n" in data and b"TZOFFSETTO:+0800\r\n" in data


def test_berlin_onsets_are_wall_times_in_the_previous_offset():
    data = vtimezone("Europe/Berlin", 2026, 2026).to_ical()
    # 2025 is the window's first year: the last Sundays of March and October, 02:00 / 03:00.
    assert b"DTSTART:20250330T020000\r\nRRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3\r\n" in data
    assert b"DTSTART:20251026T030000\r\nRRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10\r\n" in data


def test_irregular_zone_falls_back_to_exact_blocks():
    # Casablanca suspends DST for Ramadan on dates no yearly rule can name.
    data = vtimezone("Africa/Casablanca", 2026, 2026).to_ical()
    assert b"RRULE" not in data
    assert data.count(b"BEGIN:STANDARD") + data.count(b"BEGIN:DAYLIGHT") >= 4
