"""One mail of each kind in each language, rendered by liaison.notifications in the
recipient's language whoever triggered it: subject, both bodies and the invite's text."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import select

from extensions import db
from liaison.accounts.models import OrgKind, Role
from liaison.events.models import EventKind
from liaison.mail.models import OutboxMessage
from liaison.notifications import notices, reminders
from liaison.registration.models import RegistrationStatus

# kind -> (status the registration has, English phrase, Chinese phrase, Chinese subject start)
KINDS = {
    "registration_received": (
        RegistrationStatus.pending, "We received your registration", "我们已收到您的报名",
        "报名已收到："),
    "registration_confirmed": (
        RegistrationStatus.confirmed, "Your place is confirmed", "您的名额已确认", "报名已确认："),
    "registration_waitlisted": (
        RegistrationStatus.waitlisted, "you are on the waiting list", "您已进入候补名单",
        "已进入候补名单："),
    "registration_promoted": (
        RegistrationStatus.confirmed, "a seat became free", "有名额空出",
        "有名额空出，您的报名已确认："),
    "registration_approved": (
        RegistrationStatus.confirmed, "The organizers approved your registration",
        "组织者已批准您的报名", "报名已获批准："),
    "registration_declined": (
        RegistrationStatus.declined, "The organizers declined your registration",
        "组织者未批准您对本活动的报名", "报名未获批准："),
    "registration_cancelled": (
        RegistrationStatus.cancelled, "Your registration for this event has been cancelled",
        "您对本活动的报名已取消", "报名已取消："),
    "event_changed": (
        RegistrationStatus.confirmed, "The organizers changed this event",
        "组织者对本活动作了如下变更", "活动变更："),
    "event_cancelled": (
        RegistrationStatus.confirmed, "The organizers have cancelled this event",
        "组织者已取消本活动", "活动取消："),
    "reminder": (
        RegistrationStatus.confirmed, "A reminder: this event starts on", "温馨提醒：本活动将于",
        "活动提醒："),
}


@pytest.fixture
def setting(app, make_user, make_event, make_org, customs):
    brand = make_org("Acme Brands", kind=OrgKind.rights_holder, name_zh="艾克美品牌")
    organizer = make_user(role=Role.organizer, org=brand, display_name="Ann Lee")

    def make(language: str):
        user = make_user(
            language=language, org=customs, timezone="Asia/Shanghai",
            display_name="Wang Fang", display_name_zh="王芳",
        )
        event = make_event(
            organizer=organizer, kind=EventKind.training, title="Spotting fakes",
            venue="Room 1", audience=[OrgKind.customs], timezone="Europe/Paris",
            start=datetime.now(UTC).replace(microsecond=0) + timedelta(hours=20),
        )
        return user, event

    return make


def trigger(kind, event, registration):
    if kind.startswith("registration_"):
        notices.registration_changed(registration, kind.removeprefix("registration_"))
    elif kind == "event_changed":
        notices.event_changed(event, {"venue": ("Room 0", "Room 1")})
    elif kind == "event_cancelled":
        notices.event_cancelled(event)
    else:
        assert reminders.send_reminders() == 1


def description(ical: str) -> str:
    (vevent,) = Calendar.from_ical(ical).walk("VEVENT")
    return str(vevent["DESCRIPTION"])


@pytest.mark.parametrize("language", ["en", "zh"])
@pytest.mark.parametrize("kind", sorted(KINDS))
def test_each_mail_in_the_recipients_language(setting, registered, kind, language):
    status, en, zh, zh_subject = KINDS[kind]
    user, event = setting(language)
    registration = registered(event, user, status)
    trigger(kind, event, registration)
    db.session.commit()
    (row,) = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == kind)).all()

    assert row.recipient == user.email
    if language == "zh":
        assert row.subject.startswith(zh_subject) and row.subject.endswith("Spotting fakes")
        for body in (row.body_text, row.body_html):
            assert zh in body and en not in body
            assert "王芳，您好：" in body  # the Chinese form of the name on a Chinese mail
            assert "年" in body and "北京时间 (UTC+8)" in body  # Babel date, zone named
        assert row.recipient_name == "王芳"
    else:
        assert not any("\u4e00" <= ch <= "\u9fff" for ch in row.subject)
        for body in (row.body_text, row.body_html):
            assert en in body and zh not in body
            assert "Dear Wang Fang," in body
            assert "Beijing time (UTC+8)" in body
        assert row.recipient_name == "Wang Fang"
    if kind == "event_changed":
        line = "地点：Room 0 → Room 1" if language == "zh" else "Place: Room 0 → Room 1"
        assert line in row.body_text
    if row.ical:  # the invite's own text follows the recipient too
        text = description(row.ical)
        if language == "zh":
            assert "方向：" in text and "Direction:" not in text
            assert "主办方：艾克美品牌" in text  # the host's Chinese name
        else:
            assert "Direction:" in text and "方向：" not in text
            assert "Host: Acme Brands" in text


def test_a_chinese_recipient_gets_chinese_mail_when_an_english_organizer_acts(
    client, login, setting, registered
):
    user, event = setting("zh")
    event.requires_approval = True
    registration = registered(event, user, RegistrationStatus.pending)
    organizer = event.organizers[0]
    assert organizer.language == "en"
    login(organizer)

    response = client.post(
        f"/events/{event.id}/registrations/{registration.id}/approve",
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 302
    follow = client.get(response.headers["Location"])
    assert "Wang Fang: approved." in follow.get_data(as_text=True)  # the organizer's language

    row = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.kind == "registration_approved")
    ).one()
    assert row.subject == "报名已获批准：Spotting fakes"
    assert "组织者已批准您的报名" in row.body_text
    assert "方向：" in description(row.ical)


ACCOUNT_MAILS = {
    # kind -> (English subject, Chinese subject, English phrase, Chinese phrase)
    "confirm_email": ("Confirm your email address for Liaison", "请确认您在 Liaison 的邮箱地址",
                      "Please confirm that this is your email address", "请确认这是您的邮箱地址"),
    "password_reset": ("Reset your Liaison password", "重置您的 Liaison 密码",
                       "Someone asked to reset the password", "有人申请重置您的 Liaison 账户密码"),
    "signup_existing": ("Someone tried to sign up to Liaison with your address",
                        "有人尝试使用您的邮箱地址注册 Liaison",
                        "which already has an account", "但该地址已有账户"),
}


@pytest.mark.parametrize("language", ["en", "zh"])
@pytest.mark.parametrize("kind", sorted(ACCOUNT_MAILS))
def test_each_account_mail_in_the_recipients_language(app, make_user, kind, language):
    from liaison.accounts import links

    en_subject, zh_subject, en, zh = ACCOUNT_MAILS[kind]
    user = make_user(language=language, display_name="Wang Fang", display_name_zh="王芳")
    purpose = {"confirm_email": "confirm", "password_reset": "reset"}.get(kind)
    link = links.link_for(user, purpose) if purpose else None
    row = links.queue_mail(kind, user, link=link)
    db.session.commit()
    if language == "zh":
        assert row.subject == zh_subject
        for body in (row.body_text, row.body_html):
            assert zh in body and en not in body
    else:
        assert row.subject == en_subject
        for body in (row.body_text, row.body_html):
            assert en in body and zh not in body


def test_signing_up_on_a_chinese_page_gets_the_confirmation_in_chinese(client, customs):
    client.post("/account/language", data={"language": "zh", "next": "/"})
    response = client.post("/auth/signup", data={
        "email": "li.na@example.org", "display_name": "Li Na", "display_name_zh": "李娜",
        "organization_id": str(customs.id), "password": "correct horse battery",
        "confirm": "correct horse battery",
    })
    assert response.status_code == 200
    assert "请查收邮件：我们已发送确认邮箱地址的链接。" in response.get_data(as_text=True)
    row = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.kind == "confirm_email")
    ).one()
    assert row.subject == "请确认您在 Liaison 的邮箱地址"
    assert "李娜，您好：" in row.body_text
