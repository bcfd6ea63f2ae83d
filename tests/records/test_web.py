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


def _closed(session_with, **fields):
    from liaison.records import attendance
    from liaison.records.attendance import OutcomeInput

    event, regs = session_with(2, **fields)
    organizer = event.organizers[0]
    attendance.set_outcomes(event, {r.id: OutcomeInput(A.attended) for r in regs}, by=organizer)
    attendance.close_attendance(event, by=organizer)
    db.session.commit()
    return event, regs


def test_reports_page_for_admins_and_focal_points_only(client, login, session_with, make_user,
                                                       participant):
    event, regs = _closed(session_with, topics=["postal"])
    login(participant())
    assert client.get("/reports").status_code == 403
    login(make_user(role=Role.admin))
    page = client.get("/reports")
    assert page.status_code == 200
    assert 'data-matrix="kinds"' in page.text and "postal" in page.text
    assert "chart.umd.min.js" in page.text and 'id="months-chart"' in page.text
    assert "12 hours in this period" not in page.text and "6 hours in this period" in page.text
    bad = client.get("/reports?from=2025-13-01")
    assert bad.status_code == 422 and "YYYY-MM-DD" in bad.text
    focal = make_user(org=regs[0].user.organization, focal_point=True)
    login(focal)
    mine = client.get("/reports")
    assert mine.status_code == 200 and "3 hours in this period" in mine.text


def test_organization_record_page_and_exports(client, login, session_with, make_user):
    import io

    from openpyxl import load_workbook

    event, regs = _closed(session_with)
    org = regs[0].user.organization
    regs[0].user.display_name = "=HYPERLINK(\"http://x\")"
    db.session.commit()
    login(make_user(org=org, focal_point=True))
    page = client.get(f"/organizations/{org.id}/training-record")
    assert page.status_code == 200 and "3 hours, 1 people trained" in page.text
    csv_text = client.get(f"/organizations/{org.id}/training-record.csv").data.decode("utf-8-sig")
    assert "'=HYPERLINK" in csv_text
    xlsx = client.get(f"/organizations/{org.id}/training-record.xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.data), read_only=True, data_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][0] == "=HYPERLINK(\"http://x\")" and rows[1][2] == 3  # text, not a formula
    other = regs[1].user.organization
    assert client.get(f"/organizations/{other.id}/training-record").status_code == 403


def test_survey_pages(client, login, session_with):
    event, (a, b) = _closed(session_with)
    from liaison.records import surveys

    qs = {q.key: q for q in surveys.questions(event)}
    db.session.commit()
    login(a.user)
    form = client.get(f"/events/{event.id}/survey")
    assert form.status_code == 200 and "Overall, how was the session?" in form.text
    missing = client.post(f"/events/{event.id}/survey", data={f"q{qs['overall'].id}": "4"})
    assert missing.status_code == 422 and "Please answer this question." in missing.text
    done = client.post(f"/events/{event.id}/survey", data={
        f"q{qs['overall'].id}": "4", f"q{qs['usefulness'].id}": "5", "anonymous": "1",
        f"q{qs['next_topics'].id}": ["Recordation", "Detention procedure"]},
        follow_redirects=True)
    assert 'data-survey="answered"' in done.text
    login(event.organizers[0])
    results = client.get(f"/events/{event.id}/survey/results")
    assert "1 of 2 attendees answered (50%)" in results.text
    csv_text = client.get(f"/events/{event.id}/survey/results.csv").data.decode("utf-8-sig")
    assert "Recordation; Detention procedure" in csv_text
    edit = client.post(f"/events/{event.id}/survey/edit", data={"label-0": "x", "kind-0": "rating"})
    assert edit.status_code == 409  # answered already: the questions stay
