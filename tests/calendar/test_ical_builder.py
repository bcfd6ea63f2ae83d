"""liaison.ical without HTTP: every VEVENT's properties, invites, hostile text, the link rule."""
from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from icalendar import Calendar

from extensions import db
from liaison.accounts.models import OrgKind
from liaison.calendar import ical
from liaison.events.models import EventStatus
from liaison.registration.models import RegistrationStatus
from tests.calendar.icalcheck import HOSTILE, hostile_fields, parse_strict, vevent_count

BASE = "https://liaison.example.org"
ONLINE = "https://meet.example.net/room-4711"
ORGANIZER = dict(organizer_email="liaison@liaison.example.org", organizer_name="Liaison")


def _start(zone: str = "Europe/Berlin") -> datetime:
    return datetime(2026, 6, 10, 7, 0, tzinfo=UTC)


@pytest.fixture
def event(make_event, make_org):
    host = make_org(name="Brand Co", kind=OrgKind.rights_holder)
    return make_event(
        start=_start(), timezone="Europe/Berlin", venue="Room 3, Customs House",
        online_url=ONLINE, audience=[OrgKind.customs], topics=["postal channel"],
        host_organization=host, title="Spotting fakes",
    )


def test_vevent_carries_every_property(event):
    data = ical.build_calendar([event], base_url=BASE, name="Test")
    cal = parse_strict(data)
    [vevent] = cal.walk("VEVENT")
    assert str(vevent["UID"]) == f"event-{event.id}@liaison.example.org"
    assert vevent.decoded("DTSTAMP") == event.updated_at.replace(microsecond=0)
    assert vevent.decoded("LAST-MODIFIED") == event.updated_at.replace(microsecond=0)
    assert vevent["DTSTART"].params["TZID"] == "Europe/Berlin"
    assert vevent.decoded("DTSTART") == event.start_at
    assert vevent.decoded("DTEND") == event.end_at
    assert b"DTSTART;TZID=Europe/Berlin:20260610T090000\r\n" in data
    assert int(vevent["SEQUENCE"]) == event.sequence
    assert str(vevent["SUMMARY"]) == "Spotting fakes"
    assert str(vevent["LOCATION"]) == "Room 3, Customs House"
    assert str(vevent["URL"]) == f"{BASE}/events/{event.id}"
    assert str(vevent["STATUS"]) == "CONFIRMED"
    description = str(vevent["DESCRIPTION"])
    assert "Rights holder → Customs" in description
    assert "Audience: Customs" in description
    assert "postal channel" in description
    assert f"{BASE}/events/{event.id}" in description
    assert "ORGANIZER" not in vevent and "METHOD" not in cal
    assert str(cal["X-WR-CALNAME"]) == "Test" and str(cal["NAME"]) == "Test"
    assert b"REFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n" in data
    assert b"X-PUBLISHED-TTL:PT1H\r\n" in data
    assert b"X-WR-TIMEZONE" not in data
    # The VTIMEZONE comes before the events that use it.
    assert data.index(b"BEGIN:VTIMEZONE") < data.index(b"BEGIN:VEVENT")


def test_output_is_byte_stable_until_the_event_changes(event):
    first = ical.build_calendar([event], base_url=BASE, name="Test")
    assert ical.build_calendar([event], base_url=BASE, name="Test") == first
    event.updated_at = event.updated_at + timedelta(minutes=5)
    db.session.commit()
    assert ical.build_calendar([event], base_url=BASE, name="Test") != first


def test_publish_needs_an_organizer_and_feeds_never_request(event):
    with pytest.raises(ValueError):
        ical.build_calendar([event], base_url=BASE, method="PUBLISH")
    with pytest.raises(ValueError):
        ical.build_calendar([event], base_url=BASE, method="REQUEST")
    data = ical.build_calendar([event], base_url=BASE, method="PUBLISH", **ORGANIZER)
    cal = parse_strict(data)
    assert str(cal["METHOD"]) == "PUBLISH"
    assert str(cal.walk("VEVENT")[0]["ORGANIZER"]) == "mailto:liaison@liaison.example.org"


def test_online_link_only_for_listed_events(event, make_event):
    other = make_event(online_url="https://meet.example.net/other", venue=None)
    public = ical.build_calendar([event, other], base_url=BASE)
    assert ONLINE.encode() not in public and b"meet.example.net" not in public
    own = ical.build_calendar([event, other], base_url=BASE, show_online_for={event.id})
    assert ONLINE.encode() in own
    assert b"meet.example.net/other" not in own
    # An online-only event says "Online" where the place would be, never the link.
    vevent = [v for v in parse_strict(public).walk("VEVENT") if str(v["UID"]).startswith(
        f"event-{other.id}@")][0]
    assert str(vevent["LOCATION"]) == "Online"


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (RegistrationStatus.pending, "TENTATIVE"),
        (RegistrationStatus.waitlisted, "TENTATIVE"),
        (RegistrationStatus.confirmed, "CONFIRMED"),
    ],
)
def test_status_follows_the_viewers_place(event, status, expected):
    data = ical.build_calendar([event], base_url=BASE, viewer_statuses={event.id: status})
    assert str(parse_strict(data).walk("VEVENT")[0]["STATUS"]) == expected


def test_cancelled_event_is_marked_and_prefixed(event):
    event.status = EventStatus.cancelled
    event.cancelled_at = event.updated_at
    db.session.commit()
    data = ical.build_calendar(
        [event], base_url=BASE, viewer_statuses={event.id: RegistrationStatus.confirmed}
    )
    vevent = parse_strict(data).walk("VEVENT")[0]
    assert str(vevent["STATUS"]) == "CANCELLED"
    assert str(vevent["SUMMARY"]) == "[Cancelled] Spotting fakes"


def _invite(event, method, **kwargs):
    return ical.build_invite(
        event, "ana@example.test", "Ana Lima", method=method, base_url=BASE, **ORGANIZER, **kwargs
    )


def test_request_invite_has_what_rfc5546_requires(event):
    event.sequence = 2
    db.session.commit()
    data = _invite(event, "REQUEST")
    cal = parse_strict(data)
    assert str(cal["METHOD"]) == "REQUEST"
    [vevent] = cal.walk("VEVENT")
    assert "METHOD" not in vevent
    for name in ("ORGANIZER", "ATTENDEE", "DTSTAMP", "DTSTART", "UID", "SUMMARY", "SEQUENCE"):
        assert name in vevent, name
    assert data.count(b"\r\nATTENDEE") == 1
    organizer = vevent["ORGANIZER"]
    assert str(organizer) == "mailto:liaison@liaison.example.org"
    assert organizer.params["CN"] == "Liaison"
    attendee = vevent["ATTENDEE"]
    assert str(attendee) == "mailto:ana@example.test"
    assert attendee.params["CN"] == "Ana Lima"
    assert attendee.params["CUTYPE"] == "INDIVIDUAL"
    assert attendee.params["ROLE"] == "REQ-PARTICIPANT"
    assert attendee.params["PARTSTAT"] == "NEEDS-ACTION"
    assert attendee.params["RSVP"] == "TRUE"
    assert int(vevent["SEQUENCE"]) == 2
    assert str(vevent["STATUS"]) == "CONFIRMED"
    assert str(vevent["UID"]) == f"event-{event.id}@liaison.example.org"
    # DTSTAMP is when the message was made (iTIP), in UTC.
    stamp = vevent.decoded("DTSTAMP")
    assert stamp.utcoffset() == timedelta(0)
    assert abs(datetime.now(UTC) - stamp) < timedelta(minutes=1)
    assert ONLINE.encode() in data  # a REQUEST goes to a confirmed attendee
    assert ONLINE.encode() not in _invite(event, "REQUEST", show_online=False)


def test_cancel_invite_outranks_the_last_request(event):
    request = parse_strict(_invite(event, "REQUEST")).walk("VEVENT")[0]
    # The registration is cancelled, the event goes on: SEQUENCE + 1.
    data = _invite(event, "CANCEL")
    cal = parse_strict(data)
    assert str(cal["METHOD"]) == "CANCEL"
    [vevent] = cal.walk("VEVENT")
    for name in ("ORGANIZER", "ATTENDEE", "DTSTAMP", "UID", "SEQUENCE"):
        assert name in vevent, name
    assert data.count(b"\r\nSEQUENCE:") == 1
    assert str(vevent["STATUS"]) == "CANCELLED"
    assert str(vevent["UID"]) == str(request["UID"])
    assert int(vevent["SEQUENCE"]) == int(request["SEQUENCE"]) + 1
    assert ONLINE.encode() not in data


def test_cancel_invite_for_a_cancelled_event_uses_its_raised_sequence(event):
    from liaison.events.lifecycle import cancel_event

    request_sequence = int(parse_strict(_invite(event, "REQUEST")).walk("VEVENT")[0]["SEQUENCE"])
    cancel_event(event, by=event.organizers[0])
    db.session.commit()
    vevent = parse_strict(_invite(event, "CANCEL")).walk("VEVENT")[0]
    assert int(vevent["SEQUENCE"]) == event.sequence > request_sequence
    assert str(vevent["STATUS"]) == "CANCELLED"


def test_invites_refuse_other_methods_and_bad_addresses(event):
    with pytest.raises(ValueError):
        _invite(event, "PUBLISH")
    with pytest.raises(ValueError):
        ical.build_invite(event, "not-an-address", None, method="REQUEST", base_url=BASE,
                          **ORGANIZER)


def _no_raw_controls(data: bytes) -> None:
    text = data.decode("utf-8").replace("\r\n", "")
    assert not re.search("[\x00-\x08\x0a-\x1f\x7f]", text), "raw control character"


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_text_never_breaks_or_injects(hostile, make_event, make_org):
    host = make_org(name="Hostile host", kind=OrgKind.customs)
    events = [
        make_event(online_url=ONLINE, topics=["t"], host_organization=host),
        make_event(title="Plain neighbour"),
    ]
    with hostile_fields([(events[0], hostile)]):
        outputs = [
            ical.build_calendar(events, base_url=BASE, name=hostile,
                                show_online_for={events[0].id}),
            ical.build_calendar(events, base_url=BASE, method="PUBLISH",
                                organizer_email="x@y.test", organizer_name=hostile),
            ical.build_invite(events[0], "ana@example.test", hostile, method="REQUEST",
                              base_url=BASE, organizer_email="x@y.test", organizer_name=hostile),
            ical.build_invite(events[0], "ana@example.test", hostile, method="CANCEL",
                              base_url=BASE, organizer_email="x@y.test", organizer_name=hostile),
        ]
    for data in outputs:
        cal = parse_strict(data)
        _no_raw_controls(data)
        lines = data.split(b"\r\n")
        assert lines.count(b"BEGIN:VCALENDAR") == 1 and lines.count(b"END:VCALENDAR") == 1
        assert b"\r\nUID:evil" not in data and b"\r\nBEGIN:VALARM" not in data
        vevents = cal.walk("VEVENT")
        assert vevent_count(data) == len(vevents)
        assert {str(v["UID"]) for v in vevents} <= {f"event-{e.id}@liaison.example.org"
                                                    for e in events}
        (hostile_vevent,) = [v for v in vevents
                             if str(v["UID"]).startswith(f"event-{events[0].id}@")]
        assert str(hostile_vevent["SUMMARY"]) == ical.clean_text(hostile[:200])
    assert len(parse_strict(outputs[0]).walk("VEVENT")) == 2
    # The calendar name (a plain and an X- property) stays one line of text.
    name = ical.calendar_name(hostile)
    unfolded = outputs[0].replace(b"\r\n ", b"").split(b"\r\n")
    if name:
        assert not set(name) & set("\\;,\r\n")
        assert b"NAME:" + name.encode() in unfolded
        assert b"X-WR-CALNAME:" + name.encode() in unfolded
    else:
        assert not [line for line in unfolded if line.startswith((b"NAME", b"X-WR-CALNAME"))]


def test_clean_text_rules():
    assert ical.clean_text("a\r\nb\rc\nd") == "a b c d"
    assert ical.clean_text("a\r\nb\rc", multiline=True) == "a\nb\nc"
    assert ical.clean_text("\x00\x07\x1bok\x7f\x85") == "ok"
    assert ical.clean_text("tab\there") == "tab here"
    assert ical.clean_text("surrogate\ud800") == "surrogate"
    assert ical.clean_text(None) == ""


def test_series_occurrences_are_separate_vevents(make_event):
    first = make_event(start=_start(), timezone="Europe/Berlin")
    second = make_event(start=_start() + timedelta(days=7), timezone="Europe/Berlin")
    data = ical.build_calendar([second, first], base_url=BASE)
    cal = Calendar.from_ical(data)
    uids = [str(v["UID"]) for v in cal.walk("VEVENT")]
    host = "liaison.example.org"
    assert uids == [f"event-{first.id}@{host}", f"event-{second.id}@{host}"]
    assert all("RRULE" not in v and "RECURRENCE-ID" not in v for v in cal.walk("VEVENT"))
    assert len(cal.walk("VTIMEZONE")) == 1
