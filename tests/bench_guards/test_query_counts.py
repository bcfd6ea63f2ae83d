"""The attendee list and "My registrations" run the same number of SQL statements for a few
registrations as for many (every status, check-ins, waiting lists), and show the same
waiting-list places the one-by-one count gives."""
from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from extensions import db
from liaison.accounts.models import Role
from liaison.registration import lists, registrations
from liaison.registration.models import AttendanceOutcome, Registration, RegistrationStatus

STATUSES = [RegistrationStatus.confirmed, RegistrationStatus.waitlisted,
            RegistrationStatus.pending, RegistrationStatus.declined,
            RegistrationStatus.cancelled]


def statements_for(client, url: str) -> int:
    statements = []

    def count(_conn, _cursor, statement, *_args):
        statements.append(statement)

    db.session.expire_all()
    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        response = client.get(url)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)
    assert response.status_code == 200, url
    return len(statements)


@pytest.fixture
def organizer(make_user):
    return make_user(role=Role.organizer)


def test_attendee_list_query_count_does_not_grow(client, login, make_user, make_org,
                                                 make_event, organizer):
    event = make_event(organizer=organizer, capacity=1000)
    login(organizer)
    url = f"/events/{event.id}/registrations"

    def add(n: int) -> None:
        for i in range(n):
            user = make_user(org=make_org())  # every attendee from another organization
            db.session.add(Registration(
                event=event, user=user, status=STATUSES[i % len(STATUSES)],
                checked_in_at=datetime.now(UTC) if i % 5 == 0 else None,
            ))
        db.session.commit()

    add(5)
    few = statements_for(client, url)
    add(60)
    many = statements_for(client, url)
    assert many == few
    page = client.get(url).get_data(as_text=True)
    assert page.count("data-registration-id=") == 50  # a page of the list
    rest = client.get(url + "?page=2").get_data(as_text=True)
    assert rest.count("data-registration-id=") == 15


def test_my_registrations_query_count_does_not_grow(client, login, make_user, make_event,
                                                    organizer):
    me = make_user()
    login(me)
    start = datetime.now(UTC).replace(microsecond=0)

    def add(n: int) -> None:
        for i in range(n):
            when = start + timedelta(days=(i % 3) - 1, hours=i)  # past and upcoming
            event = make_event(organizer=organizer, start=when, capacity=1)
            ahead = make_user()
            db.session.add(Registration(event=event, user=ahead,
                                        status=RegistrationStatus.waitlisted))
            db.session.flush()
            mine = Registration(event=event, user=me, status=STATUSES[i % 3])
            if i % 3 == 0:
                mine.attendance = AttendanceOutcome.attended
            db.session.add(mine)
        db.session.commit()

    tabs = ("/registrations/mine", "/registrations/mine?tab=past")
    add(3)
    few = [statements_for(client, url) for url in tabs]
    add(30)
    many = [statements_for(client, url) for url in tabs]
    assert many == few
    # The batched places equal the one-by-one count.
    mine = db.session.scalars(sa.select(Registration).where(
        Registration.user_id == me.id, Registration.status == RegistrationStatus.waitlisted))
    expected = {r.id: registrations.waitlist_position(r) for r in mine}
    assert expected and lists.waitlist_places(me) == expected
    assert set(expected.values()) == {2}
    page = client.get("/registrations/mine").get_data(as_text=True)
    assert re.search(r"position 2", page)
