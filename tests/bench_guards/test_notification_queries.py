"""Telling registrants about a changed event reads the same number of rows whatever their
number: one look-up of everyone's last invite, not one per person (300 attendees once took
608 statements)."""
from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from extensions import db
from liaison.mail.models import OutboxMessage
from liaison.notifications import notices
from liaison.registration.models import Registration, RegistrationStatus


def selects_while_telling(event, n_new: int, make_user) -> tuple[int, int]:
    for _ in range(n_new):
        db.session.add(Registration(event=event, user=make_user(),
                                    status=RegistrationStatus.confirmed))
    db.session.commit()
    old_start = event.start_at
    event.start_at += timedelta(hours=1)
    event.end_at += timedelta(hours=1)
    db.session.commit()
    db.session.expire_all()
    selects = []

    def count(_conn, _cursor, statement, *_args):
        if statement.lstrip().upper().startswith("SELECT"):
            selects.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        notices.event_changed(event, {"start": (old_start, event.start_at)})
        db.session.flush()
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)
    queued = db.session.scalar(
        sa.select(sa.func.count()).select_from(OutboxMessage)
        .where(OutboxMessage.kind == "event_changed")
    )
    db.session.commit()
    return len(selects), queued


def test_event_changed_reads_do_not_grow_with_the_registrants(make_event, make_user):
    event = make_event(capacity=100)
    few, queued_few = selects_while_telling(event, 3, make_user)
    many, queued_many = selects_while_telling(event, 27, make_user)
    assert queued_few == 3 and queued_many == 3 + 30  # everyone was told, each time
    assert many == few
