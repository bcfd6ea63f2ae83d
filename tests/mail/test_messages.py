"""What the SMTP server receives: recipients, subject, both bodies, and invites that calendar
programs apply (MIME shape and METHOD per docs/ICAL notes §1, UID and SEQUENCE)."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from extensions import db
from liaison.calendar import ical
from liaison.events import lifecycle
from liaison.mail import outbox
from liaison.mail.models import OutboxMessage, OutboxStatus
from liaison.notifications import notices
from liaison.registration import registrations
from liaison.registration.models import RegistrationStatus
from tests.mail.conftest import calendar_part, parse_invite, parts


def deliver():
    report = outbox.deliver()
    assert report.failed == 0 and report.retry == 0, report.errors
    return report


def test_confirmation_carries_a_request_invite(app, smtp_server, make_event, make_user):
    event = make_event(title="Recognising genuine handbags", venue="Hall 2", capacity=10)
    user = make_user(email="li.wei@customs.test", display_name="Li Wei")
    registration = registrations.register(event, user)
    db.session.commit()
    assert registration.status == RegistrationStatus.confirmed

    assert deliver().sent == 1
    ((mail_from, rcpt_tos, message),) = smtp_server.inbox.received
    assert rcpt_tos == ["li.wei@customs.test"]
    assert mail_from == "liaison@liaison.test"
    assert message["To"].addresses[0].addr_spec == "li.wei@customs.test"
    assert message["Subject"] == "Confirmed: Recognising genuine handbags"
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    for body in (text, html):
        assert "Your place is confirmed" in body
        assert "Recognising genuine handbags" in body
        assert "Hall 2" in body
        assert f"http://liaison.test/events/{event.id}" in body

    # multipart/mixed -> [multipart/alternative -> plain, [html + check-in QR], calendar]
    #   + application/ics
    assert parts(message) == [
        "multipart/mixed",
        "multipart/alternative",
        "text/plain",
        "multipart/related",
        "text/html",
        "image/png",
        "text/calendar",
        "application/ics",
    ]
    part = calendar_part(message)
    assert part.get_param("method") == "REQUEST"
    assert part.get_content_charset() == "utf-8"
    attachment = list(message.iter_attachments())[0]
    assert attachment.get_filename() == "invite.ics"
    assert attachment.get_payload(decode=True) == part.get_payload(decode=True)

    calendar, vevent = parse_invite(message)
    assert calendar["METHOD"] == "REQUEST" == part.get_param("method")
    assert str(vevent["UID"]) == ical.event_uid(event, "http://liaison.test")
    assert int(vevent["SEQUENCE"]) == event.sequence
    assert str(vevent["ORGANIZER"]).lower() == "mailto:liaison@liaison.test"
    assert str(vevent["ATTENDEE"]).lower() == "mailto:li.wei@customs.test"


def test_change_sends_update_with_same_uid_and_higher_sequence(
    app, smtp_server, make_event, make_user, registered
):
    event = make_event(venue="Room 1", timezone="Asia/Shanghai")
    organizer = event.organizers[0]
    confirmed = make_user(email="c@x.test", timezone="Europe/Berlin")
    waiting = make_user(email="w@x.test", timezone="Asia/Shanghai")
    gone = make_user(email="gone@x.test")
    registered(event, confirmed, RegistrationStatus.confirmed)
    registered(event, waiting, RegistrationStatus.waitlisted)
    registered(event, gone, RegistrationStatus.cancelled)
    old_start, old_sequence = event.start_at, event.sequence

    data = lifecycle.EventInput.from_event(event)
    data.start = data.start + timedelta(hours=3)
    data.end = data.end + timedelta(hours=3)
    data.venue = "Room 9"
    lifecycle.update_event(event, data, by=organizer)
    db.session.commit()
    assert event.sequence > old_sequence

    deliver()
    by_rcpt = {r[0]: m for _f, r, m in smtp_server.inbox.received}
    assert set(by_rcpt) == {"c@x.test", "w@x.test"}  # active registrants only

    update = by_rcpt["c@x.test"]
    assert update["Subject"] == f"Changed: {event.title}"
    text = update.get_body(preferencelist=("plain",)).get_content()
    berlin_old = notices.format_when(old_start, "Europe/Berlin")
    berlin_new = notices.format_when(event.start_at, "Europe/Berlin")
    assert f"Starts: {berlin_old} → {berlin_new}" in text
    assert "Place: Room 1 → Room 9" in text
    assert "Berlin time (UTC+1)" in text
    calendar, vevent = parse_invite(update)
    assert calendar["METHOD"] == "REQUEST" == calendar_part(update).get_param("method")
    assert str(vevent["UID"]) == ical.event_uid(event, "http://liaison.test")
    assert int(vevent["SEQUENCE"]) == event.sequence > old_sequence

    notice = by_rcpt["w@x.test"]
    assert calendar_part(notice) is None  # no seat, nothing to put in a calendar
    html = notice.get_body(preferencelist=("html",)).get_content()
    assert "<del>Room 1</del> → <ins>Room 9</ins>" in html


def test_event_cancelled_sends_cancel_to_confirmed(
    app, smtp_server, make_event, make_user, registered
):
    event = make_event()
    confirmed = make_user(email="c@x.test")
    pending = make_user(email="p@x.test")
    registered(event, confirmed, RegistrationStatus.confirmed)
    registered(event, pending, RegistrationStatus.pending)

    lifecycle.cancel_event(event, by=event.organizers[0])
    db.session.commit()
    deliver()
    by_rcpt = {r[0]: m for _f, r, m in smtp_server.inbox.received}
    assert set(by_rcpt) == {"c@x.test", "p@x.test"}
    cancel = by_rcpt["c@x.test"]
    assert cancel["Subject"] == f"Cancelled: {event.title}"
    calendar, vevent = parse_invite(cancel)
    assert calendar["METHOD"] == "CANCEL" == calendar_part(cancel).get_param("method")
    assert str(vevent["UID"]) == ical.event_uid(event, "http://liaison.test")
    assert str(vevent["STATUS"]) == "CANCELLED"
    assert "cancelled this event" in by_rcpt["p@x.test"].get_body(("plain",)).get_content()
    assert calendar_part(by_rcpt["p@x.test"]) is None


def test_cancelling_a_confirmed_place_cancels_the_invite_and_promotes(
    app, smtp_server, make_event, make_user
):
    event = make_event(capacity=1)
    first = make_user(email="first@x.test")
    second = make_user(email="second@x.test")
    reg1 = registrations.register(event, first)
    db.session.commit()
    reg2 = registrations.register(event, second)
    db.session.commit()
    assert reg1.status == RegistrationStatus.confirmed
    assert reg2.status == RegistrationStatus.waitlisted
    registrations.cancel_registration(reg1, by=first)
    db.session.commit()

    deliver()
    got = [(r[0], m["Subject"], calendar_part(m) and calendar_part(m).get_param("method"))
           for _f, r, m in smtp_server.inbox.received]
    assert got == [
        ("first@x.test", f"Confirmed: {event.title}", "REQUEST"),
        ("second@x.test", f"On the waiting list: {event.title}", None),
        ("first@x.test", f"Registration cancelled: {event.title}", "CANCEL"),
        ("second@x.test", f"A seat is free, you are confirmed: {event.title}", "REQUEST"),
    ]


def test_user_text_cannot_add_headers_or_recipients(app, smtp_server, make_event, make_user,
                                                     registered):
    event = make_event(title="Fakes\r\nBcc: victim@evil.test\r\nX-Injected: yes")
    user = make_user(
        email="real@x.test", display_name="Eve\r\nBcc: other@evil.test\nCc: c@evil.test"
    )
    registration = registered(event, user)
    notices.registration_changed(registration, "confirmed")
    db.session.commit()

    deliver()
    ((_from, rcpt_tos, message),) = smtp_server.inbox.received
    assert rcpt_tos == ["real@x.test"]
    for header in ("Bcc", "Cc", "X-Injected"):
        assert message[header] is None
    assert [a.addr_spec for a in message["To"].addresses] == ["real@x.test"]
    assert "\n" not in message["Subject"] and "\r" not in message["Subject"]
    assert message["Subject"].startswith("Confirmed: Fakes Bcc: victim@evil.test")
    head = message.as_bytes().split(b"\n\n", 1)[0]  # the top-level header block
    assert b"\nBcc:" not in head and b"\nCc:" not in head and b"\nX-Injected:" not in head


@pytest.mark.parametrize("bad", ["a@b.test, evil@x.test", "evil@x.test\r\nRCPT TO:<x@y.test>",
                                 "no-at-sign", "Name <a@b.test>"])
def test_an_unusable_address_fails_at_once_and_sends_nothing(app, smtp_server, bad):
    outbox.queue(kind="test", recipient=bad, subject="Hello", body_text="Hi")
    db.session.commit()
    report = outbox.deliver()
    assert (report.sent, report.retry, report.failed) == (0, 0, 1)
    row = db.session.scalars(select(OutboxMessage)).one()
    assert row.status == OutboxStatus.failed and "invalid e-mail address" in row.last_error
    assert smtp_server.inbox.received == []


def test_console_backend_prints_instead_of_sending(app, runner, make_event, make_user, registered):
    app.config["MAIL_BACKEND"] = "console"
    app.config["MAIL_PORT"] = 1  # nothing listens there: sending would fail
    event = make_event(title="Postal channel basics")
    registration = registered(event, make_user(email="dev@x.test"))
    notices.registration_changed(registration, "confirmed")
    db.session.commit()

    result = runner.invoke(args=["outbox", "send"])
    assert result.exit_code == 0, result.output
    assert "To: Test User <dev@x.test>" in result.output
    assert "Subject: Confirmed: Postal channel basics" in result.output
    assert "text/calendar; method=REQUEST" in result.output
    assert "Your place is confirmed" in result.output
    assert "sent 1, retry 0, failed 0" in result.output
    assert db.session.scalar(
        select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status == "sent")
    ) == 1


KINDS = {
    "registration_received": "The organizers approve each registration",
    "registration_confirmed": "Your place is confirmed",
    "registration_waitlisted": "you are on the waiting list",
    "registration_promoted": "a seat became free",
    "registration_approved": "The organizers approved your registration",
    "registration_declined": "The organizers declined your registration",
    "registration_cancelled": "Your registration for this event has been cancelled",
    "event_changed": "What changed",
    "event_cancelled": "The organizers have cancelled this event",
    "reminder": "A reminder: this event starts on",
}


# The same sentences in the Simplified Chinese catalog (compiled by tests/conftest.py).
KINDS_ZH = {
    "registration_received": "每份报名均由组织者审核",
    "registration_confirmed": "您的名额已确认",
    "registration_waitlisted": "您已进入候补名单",
    "registration_promoted": "有名额空出",
    "registration_approved": "组织者已批准您的报名",
    "registration_declined": "组织者未批准您对本活动的报名",
    "registration_cancelled": "您对本活动的报名已取消",
    "event_changed": "组织者对本活动作了如下变更",
    "event_cancelled": "组织者已取消本活动",
    "reminder": "温馨提醒",
}


@pytest.mark.parametrize("kind", sorted(KINDS))
@pytest.mark.parametrize("language", ["en", "zh"])
def test_every_kind_renders_in_the_recipients_language(
    app, make_event, make_user, registered, kind, language
):
    event = make_event(title="培训 <b>Training</b>", venue="Room 1", timezone="Europe/Paris")
    user = make_user(language=language, timezone="Asia/Shanghai", display_name="Wang")
    registration = registered(event, user)
    changes = {"venue": ("Room 0", "Room 1")} if kind == "event_changed" else {}
    notices.queue_notice(kind, user, event, registration=registration,
                         changes=notices.describe_changes(changes, user, confirmed=True))
    db.session.commit()
    row = db.session.scalars(select(OutboxMessage)).one()
    assert row.recipient == user.email
    assert "培训 <b>Training</b>" in row.body_text
    assert "培训 &lt;b&gt;Training&lt;/b&gt;" in row.body_html  # escaped in HTML
    assert "<b>Training</b>" not in row.body_html
    assert f"http://liaison.test/events/{event.id}" in row.body_text
    # The recipient's zone, and the event's own since they differ, by name and offset.
    zh = language == "zh"
    beijing, paris = ("北京时间", "巴黎时间") if zh else ("Beijing time", "Paris time")
    assert f"{beijing} (UTC+8)" in row.body_text and f"{paris} (UTC+" in row.body_text
    if language == "zh":
        assert KINDS_ZH[kind] in row.body_text and KINDS_ZH[kind] in row.body_html
        assert "Wang，您好" in row.body_text
        assert KINDS[kind] not in row.body_text
        # Dates follow the recipient's locale ("2026年5月4日星期一"), not the caller's.
        assert "年" in row.body_text and "星期" in row.body_text
        assert 'lang="zh-Hans"' in row.body_html
    else:
        assert KINDS[kind] in row.body_text and KINDS[kind] in row.body_html
        assert "年" not in row.body_text
        assert 'lang="en"' in row.body_html
    if kind == "event_changed":
        assert "Room 0 → Room 1" in row.body_text


def test_language_is_the_recipients_not_the_requests(app, make_event, make_user, registered):
    """An organizer browsing in Chinese approves an English speaker: the mail is English, and
    the other way round."""
    event = make_event(timezone="UTC")
    english = registered(event, make_user(language="en", timezone="America/New_York"))
    chinese = registered(event, make_user(language="zh", timezone="Asia/Shanghai"))
    with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        notices.registration_changed(english, "approved")
    with app.test_request_context(headers={"Accept-Language": "en"}):
        notices.registration_changed(chinese, "approved")
    db.session.commit()
    to_english, to_chinese = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))
    assert "The organizers approved your registration" in to_english.body_text
    assert "年" not in to_english.body_text and "New York time (UTC-" in to_english.body_text
    assert "年" in to_chinese.body_text and "北京时间 (UTC+8)" in to_chinese.body_text
    assert to_english.ical_method == to_chinese.ical_method == "REQUEST"
