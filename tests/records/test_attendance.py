"""Attendance (SPEC "Attendance and records", issue 15 finding 10): the check-in window,
outcomes that follow their registration, outcomes by hand, closing, reopening, hours."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from extensions import db
from liaison.accounts.models import Role
from liaison.core.errors import Conflict, NotAllowed, ValidationFailed
from liaison.events.lifecycle import cancel_event
from liaison.records import attendance, certificates
from liaison.records.attendance import OutcomeInput
from liaison.records.hours import credited_hours, qualifies_for_certificate
from liaison.records.models import AttendanceAction, Certificate
from liaison.records.training import person_record
from liaison.registration import checkin
from liaison.registration import registrations as regs
from liaison.registration.models import AttendanceOutcome, Registration, RegistrationStatus
from tests.records.conftest import now

A = AttendanceOutcome


# -- the check-in window (finding 10) ----------------------------------------------------


def test_check_in_72_days_early_is_refused(make_event, participant):
    event = make_event(start=now() + timedelta(days=72))
    reg = regs.register(event, participant())
    with pytest.raises(Conflict) as refused:
        checkin.check_in(reg, by=event.organizers[0])
    assert refused.value.code == "checkin_not_open"
    db.session.rollback()
    assert reg.attendance is None and reg.checked_in_at is None


def test_window_opens_two_hours_before_and_closes_at_the_end_of_the_local_day(
        make_event, participant):
    # 09:00–17:00 in Shanghai (UTC+8) on 2031-05-06 = 01:00–09:00 UTC
    start = datetime(2031, 5, 6, 1, 0, tzinfo=UTC)
    event = make_event(start=start, hours=8, timezone="Asia/Shanghai")
    opens, closes = checkin.checkin_window(event)
    assert opens == start - timedelta(hours=2)
    assert closes == datetime(2031, 5, 6, 16, 0, tzinfo=UTC)  # midnight in Shanghai
    reg = regs.register(event, participant())
    db.session.commit()
    organizer = event.organizers[0]
    for at, allowed in [(opens - timedelta(minutes=1), False), (opens, True),
                        (closes - timedelta(seconds=1), True), (closes, False)]:
        if allowed:
            checkin.check_in(reg, by=organizer, at=at, now=at)
            checkin.undo_check_in(reg, by=organizer)
        else:
            with pytest.raises(Conflict):
                checkin.check_in(reg, by=organizer, at=at, now=at)
        db.session.rollback()


def test_the_window_follows_checkin_opens_hours(app, make_event):
    app.config["CHECKIN_OPENS_HOURS"] = 5
    event = make_event()
    assert checkin.checkin_window(event)[0] == event.start_at - timedelta(hours=5)


def test_check_in_on_a_cancelled_event_is_refused(make_event, participant):
    event = make_event(start=now() + timedelta(hours=1))
    reg = regs.register(event, participant())
    cancel_event(event, by=event.organizers[0])
    db.session.commit()
    with pytest.raises(Conflict) as refused:
        checkin.check_in(reg, by=event.organizers[0])
    assert refused.value.code == "event_cancelled"


def test_an_offline_scan_counts_by_the_time_it_was_scanned(make_event, participant):
    start = now() - timedelta(days=1, hours=2)  # yesterday's session, in UTC's zone
    event = make_event(start=start, hours=1, timezone="UTC")
    # registration closed when the session started: the row is written directly
    reg = Registration(event=event, user=participant(), status=RegistrationStatus.confirmed)
    db.session.add(reg)
    db.session.commit()
    scanned = start + timedelta(minutes=10)
    # synced today: the window closed at yesterday's midnight, but the scan was made inside it
    checkin.check_in(reg, by=event.organizers[0], at=scanned)
    db.session.commit()
    assert reg.checked_in_at == scanned and reg.attendance == A.attended
    with pytest.raises(ValidationFailed):  # a scan time in the future is a broken clock
        checkin.check_in(reg, by=event.organizers[0], at=now() + timedelta(hours=1))


def test_cancelling_a_registration_removes_its_outcome(make_event, participant):
    event = make_event(start=now() + timedelta(hours=1))
    user = participant()
    reg = regs.register(event, user)
    checkin.check_in(reg, by=event.organizers[0])
    db.session.commit()
    assert reg.attendance == A.attended
    regs.cancel_registration(reg, by=user)
    db.session.commit()
    assert (reg.attendance, reg.checked_in_at) == (None, None)
    again = regs.register(event, user)  # the same row, a new place: no outcome carried over
    assert again.id == reg.id and again.attendance is None


def test_declining_and_moving_off_the_confirmed_list_remove_the_outcome(session_with):
    event, (a, b) = session_with(2)
    organizer = event.organizers[0]
    attendance.set_outcome(a, OutcomeInput(A.attended), by=organizer)
    attendance.set_outcome(b, OutcomeInput(A.partial, 30), by=organizer)
    regs.decline(a, by=organizer)
    regs.move(b, RegistrationStatus.waitlisted, by=organizer)
    db.session.commit()
    assert [(r.attendance, r.attended_minutes) for r in (a, b)] == [(None, None), (None, None)]


# -- outcomes by hand --------------------------------------------------------------------


def test_outcomes_by_hand_and_partial_minutes(session_with):
    event, (a, b, c) = session_with(3)
    organizer = event.organizers[0]
    attendance.set_outcomes(event, {a.id: OutcomeInput(A.attended),
                                    b.id: OutcomeInput(A.partial, 90),
                                    c.id: OutcomeInput(A.absent)}, by=organizer)
    db.session.commit()
    assert [(r.attendance, r.attended_minutes) for r in (a, b, c)] == [
        (A.attended, None), (A.partial, 90), (A.absent, None)]
    assert [credited_hours(r) for r in (a, b, c)] == [3.0, 1.5, 0.0]


@pytest.mark.parametrize("minutes", [None, 0, 181, -5])
def test_a_bad_partial_refuses_the_whole_bulk_and_writes_nothing(session_with, minutes):
    event, (a, b) = session_with(2)
    with pytest.raises(ValidationFailed) as refused:
        attendance.set_outcomes(event, {a.id: OutcomeInput(A.attended),
                                        b.id: OutcomeInput(A.partial, minutes)},
                                by=event.organizers[0])
    assert set(refused.value.fields) == {str(b.id)}
    db.session.rollback()
    assert (a.attendance, b.attendance) == (None, None)


def test_outcomes_wait_for_the_start_and_belong_to_organizers(make_event, session_with,
                                                              participant):
    event, (reg,) = session_with(1, start=now() + timedelta(hours=1))
    with pytest.raises(Conflict):
        attendance.set_outcome(reg, OutcomeInput(A.attended), by=event.organizers[0])
    db.session.rollback()
    with pytest.raises(NotAllowed):
        attendance.set_outcome(reg, OutcomeInput(A.attended), by=participant(),
                               now=event.start_at)


# -- closing, reopening, hours -----------------------------------------------------------


def test_closing_marks_the_rest_absent_locks_and_issues_certificates(session_with):
    event, (a, b, c, d) = session_with(4)
    organizer = event.organizers[0]
    attendance.set_outcomes(event, {a.id: OutcomeInput(A.attended),
                                    b.id: OutcomeInput(A.partial, 90),   # half: qualifies
                                    c.id: OutcomeInput(A.partial, 89)},  # less: does not
                            by=organizer)
    assert attendance.close_attendance(event, by=organizer) == 1
    db.session.commit()
    assert d.attendance == A.absent and event.attendance_closed
    issued = db.session.scalars(db.select(Certificate).order_by(Certificate.id)).all()
    assert [cert.registration_id for cert in issued] == [a.id, b.id]
    assert [cert.hours for cert in issued] == [3.0, 1.5]
    for act in (lambda: attendance.set_outcome(d, OutcomeInput(A.attended), by=organizer),
                lambda: checkin.check_in(d, by=organizer),
                lambda: checkin.undo_check_in(a, by=organizer),
                lambda: attendance.close_attendance(event, by=organizer)):
        with pytest.raises(Conflict) as refused:
            act()
        assert refused.value.code == "attendance_closed"
        db.session.rollback()
    log = attendance.attendance_log(event)
    assert [(e.action, e.by_id) for e in log] == [(AttendanceAction.closed, organizer.id)]


def test_closing_sends_attendance_closed(session_with):
    from liaison.records import signals

    event, _regs = session_with(1)
    heard = []

    def receiver(sender, **kwargs):
        heard.append((sender.id, kwargs["by"].id))

    with signals.attendance_closed.connected_to(receiver):
        attendance.close_attendance(event, by=event.organizers[0])
    assert heard == [(event.id, event.organizers[0].id)]


def test_a_two_day_workshop_needs_credit_hours_and_never_credits_32(session_with):
    # 09:00 on day one to 17:00 on day two in Shanghai: 32 hours on the clock
    start = datetime(2020, 3, 2, 1, 0, tzinfo=UTC)
    event, (reg,) = session_with(1, start=start, hours=32, timezone="Asia/Shanghai")
    organizer = event.organizers[0]
    assert event.spans_days
    attendance.set_outcome(reg, OutcomeInput(A.attended), by=organizer)
    db.session.commit()
    with pytest.raises(ValidationFailed) as refused:
        attendance.close_attendance(event, by=organizer)
    assert refused.value.code == "credit_hours_required" and "credit_hours" in refused.value.fields
    db.session.rollback()
    event.credit_hours = 12
    db.session.commit()
    attendance.close_attendance(event, by=organizer)
    db.session.commit()
    assert credited_hours(reg) == 12.0
    assert person_record(reg.user).total_hours == 12.0


def test_an_evening_session_to_midnight_is_one_day(make_event):
    event = make_event(start=datetime(2030, 1, 1, 11, 0, tzinfo=UTC), hours=5,
                       timezone="Asia/Shanghai")  # 19:00–24:00 local
    assert not event.spans_days


def test_reopening_is_for_admins_with_a_reason_and_is_logged(session_with, make_user):
    event, (a, b) = session_with(2)
    organizer, admin = event.organizers[0], make_user(role=Role.admin)
    attendance.set_outcome(a, OutcomeInput(A.attended), by=organizer)
    attendance.close_attendance(event, by=organizer)
    db.session.commit()
    with pytest.raises(NotAllowed):
        attendance.reopen_attendance(event, by=organizer, reason="typo")
    with pytest.raises(ValidationFailed):
        attendance.reopen_attendance(event, by=admin, reason="  ")
    attendance.reopen_attendance(event, by=admin, reason="Chen came late; mark partial")
    db.session.commit()
    assert not event.attendance_closed
    # a changed outcome settles at the next closing: a certificate that no longer qualifies
    # is revoked, a newly qualifying one is issued
    attendance.set_outcomes(event, {a.id: OutcomeInput(A.partial, 30),
                                    b.id: OutcomeInput(A.attended)}, by=organizer)
    attendance.close_attendance(event, by=organizer)
    db.session.commit()
    held = {c.registration_id: c.is_revoked for c in db.session.scalars(db.select(Certificate))}
    assert held == {a.id: True, b.id: False}
    log = attendance.attendance_log(event)
    assert [(e.action, e.by_id, e.reason) for e in log] == [
        (AttendanceAction.closed, organizer.id, ""),
        (AttendanceAction.reopened, admin.id, "Chen came late; mark partial"),
        (AttendanceAction.closed, organizer.id, ""),
    ]


def test_qualification_needs_half_the_credited_time(session_with):
    event, (reg,) = session_with(1)  # 3 hours
    reg.attendance = A.partial
    for minutes, qualifies in [(89, False), (90, True), (180, True)]:
        reg.attended_minutes = minutes
        assert qualifies_for_certificate(reg) is qualifies
    reg.attendance, reg.attended_minutes = A.absent, None
    assert not qualifies_for_certificate(reg)


def test_revoke_and_reissue(session_with, participant):
    event, (reg,) = session_with(1)
    organizer = event.organizers[0]
    attendance.set_outcome(reg, OutcomeInput(A.attended), by=organizer)
    attendance.close_attendance(event, by=organizer)
    db.session.commit()
    first = certificates.current_certificate(reg)
    with pytest.raises(NotAllowed):
        certificates.revoke(first, by=participant())
    second = certificates.reissue(first, by=organizer)
    db.session.commit()
    assert first.is_revoked and not second.is_revoked and second.code != first.code
    assert certificates.certificate_for_code(first.code).is_revoked
    assert certificates.certificate_for_code(second.code.lower()).id == second.id
    certificates.revoke(second, by=organizer)
    db.session.commit()
    assert certificates.current_certificate(reg) is None
    assert certificates.certificate_for_code("AAAAAAAAAAAAAAAA") is None


def test_codes_carry_80_random_bits():
    codes = {certificates.new_code() for _ in range(2000)}
    assert len(codes) == 2000
    assert all(len(code) == 16 and code.isalnum() and code.isupper() for code in codes)


def test_the_person_record_counts_attended_and_partial_hours(session_with, make_event):
    event, (a,) = session_with(1)
    organizer = event.organizers[0]
    other, (b,) = session_with(1, start=now() - timedelta(days=3), hours=2, topics=["postal"])
    b.user_id = a.user_id  # the same person in both sessions
    db.session.commit()
    attendance.set_outcome(a, OutcomeInput(A.partial, 45), by=organizer)
    attendance.set_outcome(b, OutcomeInput(A.attended), by=other.organizers[0])
    attendance.close_attendance(other, by=other.organizers[0])
    db.session.commit()
    record = person_record(a.user)
    assert [(i.event.id, i.hours) for i in record.items] == [(event.id, 0.75), (other.id, 2.0)]
    assert record.total_hours == 2.75 and record.topics == ["postal"]
    assert record.items[1].certificate_code == certificates.current_certificate(b).code
