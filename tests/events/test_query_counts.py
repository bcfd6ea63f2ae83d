"""The list, calendar and event pages run the same number of SQL statements whether 5 or 200
events are on them: relationships are eager-loaded and seat counts come from one GROUP BY."""
from __future__ import annotations

import re
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from extensions import db
from liaison.accounts.models import OrgKind, Role
from liaison.events.models import Event, EventKind, EventStatus, EventTopic
from liaison.events.topics import ensure_topic
from liaison.registration.models import Registration, RegistrationStatus

MONTH_START = datetime(2031, 7, 1, 2, 0, tzinfo=UTC)


@contextmanager
def counting():
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args):
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)


def add_events(n: int, organizers, host, attendees) -> list[Event]:
    """n published events in July 2031, each with topics, two organizers and registrations."""
    created = []
    slugs = [ensure_topic(f"topic {k}").slug for k in range(7)] + [ensure_topic("shared").slug]
    for i in range(n):
        start = MONTH_START + timedelta(hours=3 * i)
        event = Event(
            kind=EventKind.training if i % 2 else EventKind.exchange_meeting,
            title=f"Session {i}", description="d", host_organization=host,
            start_at=start, end_at=start + timedelta(hours=2), timezone="Asia/Shanghai",
            status=EventStatus.published, capacity=50, created_by=organizers[0],
            venue="Room",
        )
        event.audience = [OrgKind.customs] if i % 3 else []
        event.organizers = list(organizers)
        event.topic_rows = [EventTopic(topic_slug=slugs[i % 7]), EventTopic(topic_slug=slugs[7])]
        event.registrations = [
            Registration(user=u, status=RegistrationStatus.confirmed) for u in attendees
        ]
        created.append(event)
    db.session.add_all(created)
    db.session.commit()
    return created


@pytest.fixture
def people(make_user, make_org):
    host = make_org("Host", kind=OrgKind.rights_holder)
    organizers = [make_user(role=Role.organizer, org=host) for _ in range(2)]
    customs = make_org("Customs office", kind=OrgKind.customs)
    attendees = [make_user(org=customs) for _ in range(3)]
    return host, organizers, attendees


def statements_for(client, url: str) -> int:
    db.session.expire_all()
    with counting() as statements:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(statements)


@pytest.mark.parametrize("as_user", [False, True])
def test_page_query_counts_do_not_grow_with_events(client, login, people, as_user, monkeypatch):
    host, organizers, attendees = people
    if as_user:
        login(attendees[0])
    # Everything on one page of the list, so growth would show.
    monkeypatch.setitem(client.application.config, "PER_PAGE", 250)
    small = add_events(5, organizers, host, attendees)
    urls = ["/events/", "/events/?topic=shared&q=session", "/events/calendar?month=2031-07",
            f"/events/{small[3].id}"]  # open to all: every viewer may see it
    before = {url: statements_for(client, url) for url in urls}

    big = add_events(195, organizers, host, attendees)
    urls_after = urls[:3] + [f"/events/{big[-3].id}"]
    after = {url: statements_for(client, url) for url in urls_after}

    assert list(before.values()) == list(after.values()), (before, after)
    # The event page reads one row set per part of it (registration, seats, the exchange
    # origin, questions, reserved seats, materials, minutes, agenda): 14 for a signed-in
    # reader, and the content generation token the block cache keys them by; a fixed number
    # whatever the data (the equality above). Served from the blocks, far fewer (below).
    assert max(after.values()) <= 15
    if as_user:
        assert statements_for(client, urls_after[-1]) <= 4  # user, organization, token
    page = client.get("/events/calendar?month=2031-07").get_data(as_text=True)
    visible = 200 if as_user else 2 + 65  # anonymous: only the events open to all
    shown = set(re.findall(r'class="cal-event[^"]*" href="/events/(\d+)"', page))
    assert len(shown) == visible
