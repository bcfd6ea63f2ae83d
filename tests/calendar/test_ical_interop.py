"""Our output read by other programs' parsers: recurring-ical-events (occurrences at the intended
instants across daylight-saving changes), ical.js (Thunderbird's parser, under node) and a real
Radicale CalDAV server, which stores every VEVENT or refuses it."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import recurring_ical_events
from icalendar import Calendar

from extensions import db
from liaison.accounts.models import OrgKind
from liaison.calendar import ical
from liaison.events.models import EventStatus
from tests.calendar.icalcheck import HOSTILE, hostile_fields, parse_strict, split_per_uid

BASE = "https://liaison.example.org"
# Weekly sessions at 10:00 local time on either side of each change (2027):
# Berlin: summer time from 28 March, winter time from 31 October;
# New York: from 14 March and from 7 November.
SERIES = {
    "Europe/Berlin": [(2027, 3, 14), (2027, 3, 21), (2027, 3, 28), (2027, 4, 4),
                      (2027, 10, 24), (2027, 10, 31), (2027, 11, 7)],
    "America/New_York": [(2027, 3, 7), (2027, 3, 14), (2027, 3, 21),
                         (2027, 10, 31), (2027, 11, 7), (2027, 11, 14)],
}


@pytest.fixture
def series(make_event, make_user):
    """Separate events, one per week, each at 10:00 wall time in its zone."""
    from liaison.accounts.models import Role

    organizer = make_user(role=Role.organizer)
    made = {}
    for tzid, days in SERIES.items():
        made[tzid] = [
            make_event(organizer=organizer, start=datetime(*day, 10, tzinfo=ZoneInfo(tzid)),
                       hours=1.5, timezone=tzid, title=f"Weekly {tzid}")
            for day in days
        ]
    return made


def _expected(tzid: str) -> list[datetime]:
    return [datetime(*day, 10, tzinfo=ZoneInfo(tzid)).astimezone(UTC) for day in SERIES[tzid]]


def _all_outputs(events):
    first = events[0]
    return {
        "feed": ical.build_calendar(events, base_url=BASE, name="Feed"),
        "publish": ical.build_calendar(events, base_url=BASE, method="PUBLISH",
                                       organizer_email="liaison@liaison.example.org"),
        "request": ical.build_invite(first, "ana@example.test", "Ana", method="REQUEST",
                                     base_url=BASE, organizer_email="liaison@liaison.example.org"),
        "cancel": ical.build_invite(first, "ana@example.test", "Ana", method="CANCEL",
                                    base_url=BASE, organizer_email="liaison@liaison.example.org"),
    }


def test_series_crosses_dst_at_the_intended_instants(series):
    every = [e for events in series.values() for e in events]
    data = ical.build_calendar(every, base_url=BASE, name="Series")
    cal = parse_strict(data)
    assert {str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")} == set(SERIES)
    occurrences = recurring_ical_events.of(cal).between(
        datetime(2027, 1, 1, tzinfo=UTC), datetime(2028, 1, 1, tzinfo=UTC)
    )
    for tzid in SERIES:
        starts = sorted(
            o.decoded("DTSTART") for o in occurrences if str(o["SUMMARY"]) == f"Weekly {tzid}"
        )
        assert [s.astimezone(UTC) for s in starts] == _expected(tzid)
        assert {s.astimezone(ZoneInfo(tzid)).hour for s in starts} == {10}
        # The series really spans a change: the same wall time is two different UTC hours.
        assert len({s.astimezone(UTC).hour for s in starts}) == 2


def test_icaljs_reads_series_across_dst(series, icaljs):
    every = [e for events in series.values() for e in events]
    result = icaljs(ical.build_calendar(every, base_url=BASE, name="Series"))
    assert result["name"] == "Series" and result["method"] is None
    for tzid in SERIES:
        mine = [e for e in result["events"] if e["summary"] == f"Weekly {tzid}"]
        assert all(e["tzid"] == tzid and e["zoneKnown"] for e in mine)
        starts = sorted(datetime.fromisoformat(e["start"].replace("Z", "+00:00")) for e in mine)
        assert starts == _expected(tzid)
        ends = sorted(datetime.fromisoformat(e["end"].replace("Z", "+00:00")) for e in mine)
        assert ends == [s + timedelta(hours=1.5) for s in _expected(tzid)]


def test_icaljs_reads_every_output_kind(series, icaljs):
    events = series["Europe/Berlin"]
    uids = [ical.event_uid(e, BASE) for e in events]
    # A calendar of every event, or an invite of the first: never an empty calendar.
    expected = {"feed": uids, "publish": uids, "request": uids[:1], "cancel": uids[:1]}
    for kind, data in _all_outputs(events).items():
        result = icaljs(data)
        assert result["method"] == {"feed": None, "publish": "PUBLISH", "request": "REQUEST",
                                     "cancel": "CANCEL"}[kind]
        assert sorted(e["uid"] for e in result["events"]) == sorted(expected[kind]), kind
        assert all(e["zoneKnown"] and e["tzid"] == "Europe/Berlin" for e in result["events"])


@pytest.mark.parametrize("hostile", HOSTILE)
def test_icaljs_keeps_hostile_text_inert(hostile, make_event, icaljs):
    event = make_event(timezone="America/New_York")
    plain = make_event(title="Neighbour")
    with hostile_fields([(event, hostile)]):
        result = icaljs(ical.build_calendar([event, plain], base_url=BASE, name=hostile))
    assert len(result["events"]) == 2
    mine = [e for e in result["events"] if e["uid"] == ical.event_uid(event, BASE)]
    assert mine[0]["summary"] == ical.clean_text(hostile[:200])
    assert (mine[0]["location"] or "") == ical.clean_text(hostile[:300])
    assert result["name"] == (ical.calendar_name(hostile) or None)


def test_radicale_stores_every_vevent(series, radicale, make_event, make_org):
    for tzid, events in series.items():
        for kind, data in _all_outputs(events).items():
            collection = f"{kind}-{tzid.replace('/', '-')}-{events[0].id}"
            items = split_per_uid(data)
            for uid, item in items.items():
                status = radicale(collection, uid, item)
                assert status in (201, 204), (kind, uid, status)
            stored = Calendar.from_ical(radicale.get_all(collection))
            assert sorted(str(v["UID"]) for v in stored.walk("VEVENT")) == sorted(items)
    host = make_org(name="Hostile host", kind=OrgKind.customs)
    hostile = [make_event(host_organization=host) for _ in HOSTILE]
    hostile[0].status = EventStatus.cancelled
    db.session.commit()
    collection = f"hostile-{hostile[0].id}"
    with hostile_fields(zip(hostile, HOSTILE, strict=True)):
        data = ical.build_calendar(hostile, base_url=BASE)
    for uid, item in split_per_uid(data).items():
        assert radicale(collection, uid, item) in (201, 204), uid
    stored = Calendar.from_ical(radicale.get_all(collection))
    assert len(stored.walk("VEVENT")) == len(HOSTILE)
