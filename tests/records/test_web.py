"""The records pages: outcomes in bulk (one bad row writes nothing), closing, reopening,
the person's record, the ticket, and who may open each."""
from __future__ import annotations

from extensions import db
from liaison.accounts.models import Role
from liaison.records.models import Certificate
from liaison.registration.models import AttendanceOutcome, RegistrationStatus

A = AttendanceOutcome


def test_bulk_outcomes_close_and_reopen(client, login, session_with, make_user):
    event, (a, b, c) = session_with(3)
    organizer = event.organizers[0]
    login(organizer)
    page = client.get(f"/events/{event.id}/attendance")
    assert page.status_code == 200 and "Close attendance" in page.text
    bad = client.post(f"/events/{event.id}/attendance", data={
        f"outcome-{a.id}": "attended", f"outcome-{b.id}": "partial", f"minutes-{b.id}": "500"})
    assert bad.status_code == 422 and "from 1 to 180" in bad.text
    db.session.rollback()
    assert (a.attendance, b.attendance) == (None, None)  # nothing written
    ok = client.post(f"/events/{event.id}/attendance", data={
        f"outcome-{a.id}": "attended", f"outcome-{b.id}": "partial", f"minutes-{b.id}": "120"},
        follow_redirects=True)
    assert "2 outcomes saved." in ok.text
    closed = client.post(f"/events/{event.id}/attendance/close", follow_redirects=True)
    assert "1 marked absent" in closed.text and 'data-attendance="closed"' in closed.text
    db.session.rollback()
    assert c.attendance == A.absent
    assert db.session.scalar(db.select(db.func.count(Certificate.id))) == 2
    # only an administrator reopens, with a reason that goes to the log
    client.post(f"/events/{event.id}/attendance/reopen", data={"reason": "late"})
    db.session.rollback()
    assert event.attendance_closed
    login(make_user(role=Role.admin))
    reopened = client.post(f"/events/{event.id}/attendance/reopen",
                           data={"reason": "Chen came late"}, follow_redirects=True)
    assert "Chen came late" in reopened.text
    db.session.rollback()
    assert not event.attendance_closed


def test_strangers_cannot_open_attendance_or_tickets(client, login, session_with, participant):
    event, (reg,) = session_with(1)
    stranger = participant()
    login(stranger)
    assert client.get(f"/events/{event.id}/attendance").status_code in (403, 404)
    assert client.post(f"/events/{event.id}/attendance/close").status_code in (403, 404)
    assert client.get(f"/registrations/{reg.id}/ticket").status_code == 404
    assert client.get(f"/registrations/{reg.id}/qr.svg").status_code == 404
    login(reg.user)
    ticket = client.get(f"/registrations/{reg.id}/ticket")
    assert ticket.status_code == 200 and "<svg" in ticket.text
    assert client.get(f"/registrations/{reg.id}/qr.svg").mimetype == "image/svg+xml"
    assert len(reg.checkin_token) >= 22  # 128 random bits (the browser test decodes it)


def test_my_record_page(client, login, session_with):
    event, (reg,) = session_with(1, title="Recordation clinic")
    reg.attendance = A.partial
    reg.attended_minutes = 90
    db.session.commit()
    login(reg.user)
    page = client.get("/me/training-record")
    assert page.status_code == 200
    assert "Recordation clinic" in page.text and "1.5" in page.text
    reg.status = RegistrationStatus.cancelled
    db.session.commit()
    assert "Recordation clinic" not in client.get("/me/training-record").text
