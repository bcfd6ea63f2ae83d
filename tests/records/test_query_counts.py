"""The records pages run the same number of SQL statements with more data (and the memo,
keyed by the content generation, is cleared between the two measurements)."""
from __future__ import annotations

from extensions import db
from liaison.accounts.models import Role
from liaison.records import attendance, memo
from liaison.records.attendance import OutcomeInput
from liaison.registration.models import AttendanceOutcome
from tests.bench_guards.test_query_counts import statements_for


def test_records_pages_do_not_grow(client, login, session_with, make_user):
    admin = make_user(role=Role.admin)
    people, firsts = [], []

    def add(n: int) -> None:
        for _ in range(n):
            event, regs = session_with(3, topics=["postal"])
            attendance.set_outcomes(event, {r.id: OutcomeInput(AttendanceOutcome.attended)
                                            for r in regs}, by=event.organizers[0])
            attendance.close_attendance(event, by=event.organizers[0])
            people.extend(r.user for r in regs)
            firsts.append(regs[0])
        db.session.commit()

    add(1)
    me, org = people[0], people[0].organization
    login(admin)
    urls = ["/reports", f"/organizations/{org.id}/training-record"]
    few = {}
    for url in urls:
        memo.clear()
        few[url] = statements_for(client, url)
    login(me)
    few["/me/training-record"] = statements_for(client, "/me/training-record")
    add(6)
    for user in people[3:]:
        user.organization_id = org.id  # more people in the same organization
    for reg in firsts[1:]:
        reg.user_id = me.id  # and more sessions in my own record
    db.session.commit()
    login(admin)
    for url in urls:
        memo.clear()
        assert statements_for(client, url) == few[url], url
    login(me)
    assert statements_for(client, "/me/training-record") == few["/me/training-record"]
