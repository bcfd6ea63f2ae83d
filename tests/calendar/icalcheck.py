"""Checks every generated calendar document must pass, and the hostile-text list."""
from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

from icalendar import Calendar

from extensions import db

HOSTILE = [
    "a\r\nBEGIN:VEVENT\r\nUID:evil",
    "x\rEND:VCALENDAR",
    "\x00\x07\x1b",
    '"q";:,',
    "培训" * 100,  # 200 Chinese characters
    "Launch 🚀🎉 review 👩🏽‍💻",
    "مراجعة العلامات التجارية \u202eRTL\u202c שלום",
    "y\r\nBEGIN:VALARM\r\nTRIGGER:-PT1M",
    "back\\slash\\n not a newline",
]

JS_DIR = Path(__file__).parent / "js"


def parse_strict(data: bytes) -> Calendar:
    """Parse with icalendar and fail on anything it had to forgive, a missing VTIMEZONE,
    a floating time, a line over 75 octets or a line not ended by CRLF."""
    assert data.endswith(b"\r\n")
    for line in data.split(b"\r\n")[:-1]:
        assert len(line) <= 75, line
        assert b"\r" not in line and b"\n" not in line, line
    assert not data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8")
    cal = Calendar.from_ical(text)
    for component in cal.walk():
        assert component.errors == [], (component.name, component.errors)
    assert cal.get_missing_tzids() == set()
    assert "X-WR-TIMEZONE" not in cal
    for vevent in cal.walk("VEVENT"):
        for name in ("DTSTART", "DTEND"):
            value = vevent.decoded(name)
            assert value.tzinfo is not None, f"floating {name}"
            assert vevent[name].params.get("TZID") or value.utcoffset().total_seconds() == 0
        for name in ("UID", "DTSTAMP", "SEQUENCE", "SUMMARY", "STATUS"):
            assert name in vevent, name
    return cal


def vevent_count(data: bytes) -> int:
    return data.count(b"\r\nBEGIN:VEVENT\r\n")


def split_per_uid(data: bytes) -> dict[str, bytes]:
    """One VCALENDAR per VEVENT (with the VTIMEZONEs it needs): CalDAV stores one UID each."""
    cal = Calendar.from_ical(data)
    zones = {str(tz["TZID"]): tz for tz in cal.walk("VTIMEZONE")}
    items = {}
    for vevent in cal.walk("VEVENT"):
        item = Calendar()
        item.add("prodid", cal["PRODID"])
        item.add("version", "2.0")
        tzid = vevent["DTSTART"].params.get("TZID")
        if tzid:
            item.add_component(zones[tzid])
        item.add_component(vevent)
        items[str(vevent["UID"])] = item.to_ical()
    return items


@contextmanager
def hostile_fields(pairs):
    """Put each text into every user-typed field of its event, in memory only (PostgreSQL
    refuses NUL in text columns, and the builder must cope with whatever reaches it); the
    changes are rolled back afterwards."""
    try:
        with db.session.no_autoflush:
            for event, text in pairs:
                event.title = text[:200]
                event.description = text + "\n" + text
                event.venue = text[:300]
                event.host_organization.name = ("Org " + text)[:200]
                for row in event.topic_rows:
                    row.name = text[:40]
            yield
    finally:
        db.session.rollback()
