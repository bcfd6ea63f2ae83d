"""Messages to attendees: an organizer mails everyone of the chosen statuses (each in their own
language's layout, through the outbox in the same transaction), the message is kept on the
event and listed on its page; by the pages, the API, and through a real SMTP server."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from extensions import db
from liaison.accounts.models import OrgKind, Role
from liaison.core.errors import NotAllowed, ValidationFailed
from liaison.integration.worker import Worker
from liaison.mail.models import OutboxMessage
from liaison.notifications import messages
from liaison.notifications.models import EventMessage
from liaison.registration.models import RegistrationStatus as S
from tests.events.test_query_counts import counting


@pytest.fixture
def world(make_org, make_user, make_event, registered):
    class World:
        pass

    w = World()
    host = make_org("Brand Integrity Alliance", OrgKind.association)
    w.organizer = make_user("li.na@example.test", Role.organizer, host, display_name="Li Na")
    w.event = make_event(organizer=w.organizer, title="Postal channel", venue="Room 3")
    customs = make_org("Shanghai Customs", OrgKind.customs)
    w.confirmed_en = registered(w.event, make_user("anna@example.test", org=customs,
                                                   display_name="Anna"), S.confirmed)
    w.confirmed_zh = registered(w.event, make_user("chen@example.test", org=customs, language="zh",
                                                   display_name="Chen Jie"), S.confirmed)
    w.waiting = registered(w.event, make_user("wang@example.test", org=customs), S.waitlisted)
    w.cancelled = registered(w.event, make_user("gone@example.test", org=customs), S.cancelled)
    gone = make_user("inactive@example.test", org=customs)
    gone.active = False
    registered(w.event, gone, S.confirmed)
    return w


def mails() -> list[OutboxMessage]:
    return db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "event_message")
                              .order_by(OutboxMessage.id)).all()


def test_each_chosen_registrant_gets_it_in_their_language(app, world):
    sent = messages.send_message(world.event, by=world.organizer, subject="Bring your ID",
                                 body="Please bring your ID card.\nThe gate opens at 8:30.",
                                 statuses=["confirmed", "waitlisted"])
    db.session.commit()
    assert sent.recipients == 3 and sent.statuses == [S.confirmed, S.waitlisted]
    by_recipient = {m.recipient: m for m in mails()}
    assert set(by_recipient) == {"anna@example.test", "chen@example.test", "wang@example.test"}
    english, chinese = by_recipient["anna@example.test"], by_recipient["chen@example.test"]
    assert english.subject == "Postal channel: Bring your ID"
    assert "A message from the organizers of this event:" in english.body_text
    assert "Please bring your ID card.\nThe gate opens at 8:30." in english.body_text
    assert "Dear Anna," in english.body_text and "Room 3" in english.body_text
    assert "Chen Jie，您好" in chinese.body_text  # the layout in Chinese, the text as written
    assert "Please bring your ID card." in chinese.body_text
    assert "The gate opens at 8:30." in chinese.body_html and "<br>" in chinese.body_html
    assert all(m.ical is None for m in mails())


def test_readers_of_chinese_get_the_chinese_text_when_there_is_one(app, world):
    with pytest.raises(ValidationFailed) as refused:
        messages.send_message(world.event, by=world.organizer, subject="Bring your ID",
                              body="Please.", subject_zh="请携带证件", statuses=["confirmed"])
    assert "body_zh" in refused.value.fields  # both or neither
    db.session.rollback()
    world.event.title_zh = "邮寄渠道"
    db.session.commit()
    messages.send_message(world.event, by=world.organizer, subject="Bring your ID",
                          body="Please bring your ID card.", subject_zh="请携带身份证件",
                          body_zh="请携带身份证。\n八点半开门。", statuses=["confirmed"])
    db.session.commit()
    by_recipient = {m.recipient: m for m in mails()}
    chinese, english = by_recipient["chen@example.test"], by_recipient["anna@example.test"]
    assert chinese.subject == "邮寄渠道：请携带身份证件"
    assert "请携带身份证。\n八点半开门。" in chinese.body_text
    assert "Please bring" not in chinese.body_text
    assert english.subject == "Postal channel: Bring your ID"
    assert "请携带" not in english.body_text


def test_refusals_write_nothing(app, world, make_user):
    cases = [
        (dict(subject="", body="x", statuses=["confirmed"]), "subject"),
        (dict(subject="x", body="  ", statuses=["confirmed"]), "body"),
        (dict(subject="x", body="y", statuses=[]), "statuses"),
        (dict(subject="x", body="y", statuses=["lost"]), "statuses"),
        (dict(subject="x" * 201, body="y", statuses=["confirmed"]), "subject"),
        (dict(subject="x", body="y", statuses=["pending"]), "statuses"),  # nobody is pending
    ]
    for values, field in cases:
        with pytest.raises(ValidationFailed) as refused:
            messages.send_message(world.event, by=world.organizer, **values)
        assert field in refused.value.fields, values
        db.session.rollback()
    with pytest.raises(NotAllowed):
        messages.send_message(world.event, by=make_user(role=Role.organizer), subject="x",
                              body="y", statuses=["confirmed"])
    db.session.rollback()
    assert mails() == [] and db.session.scalar(select(func.count(EventMessage.id))) == 0


def test_a_subject_cannot_smuggle_headers(app, world):
    messages.send_message(world.event, by=world.organizer, subject="Hi\r\nBcc: all@x.test",
                          body="y", statuses=["confirmed"])
    db.session.commit()
    assert all("\n" not in m.subject and "\r" not in m.subject for m in mails())


def test_it_reaches_a_real_smtp_server(app, world, smtp_server):
    messages.send_message(world.event, by=world.organizer, subject="Room change",
                          body="We meet in Room 5 instead.", statuses=["waitlisted"])
    db.session.commit()
    Worker(echo=lambda _line: None).run(once=True)
    [received] = smtp_server.inbox.messages
    assert received["To"].endswith("<wang@example.test>")
    assert received["Subject"] == "Postal channel: Room change"
    assert "We meet in Room 5 instead." in received.get_body(("plain",)).get_content()


def test_the_pages(app, client, login, world):
    login(world.organizer)
    roster = client.get(f"/events/{world.event.id}/registrations?status=waitlisted").text
    assert f"/events/{world.event.id}/messages?status=waitlisted" in roster
    page = client.get(f"/events/{world.event.id}/messages?status=waitlisted").text
    assert re.findall(r'<input checked [^>]*value="([^"]+)"', page) == ["waitlisted"]

    response = client.post(f"/events/{world.event.id}/messages",
                           data={"subject": "", "body": "Hello", "statuses": ["confirmed"]})
    assert response.status_code == 200
    assert re.search(r'invalid-feedback[^>]*>Give the message a subject', response.text)
    assert mails() == []

    response = client.post(f"/events/{world.event.id}/messages", follow_redirects=True,
                           data={"subject": "Agenda", "body": "Attached below.",
                                 "statuses": ["confirmed"]})
    assert "Message sent to 2 people." in response.text
    assert "Agenda" in response.text and len(mails()) == 2
    event_page = client.get(f"/events/{world.event.id}").text
    assert "Messages to registrants" in event_page and "Agenda" in event_page


def test_the_event_page_lists_messages_for_organizers_only(app, client, login, world):
    messages.send_message(world.event, by=world.organizer, subject="Secret plan",
                          body="y", statuses=["confirmed"])
    db.session.commit()
    login(world.confirmed_en.user)
    assert "Secret plan" not in client.get(f"/events/{world.event.id}").text


def test_the_compose_page_does_not_grow_with_the_messages(app, client, login, world):
    login(world.organizer)
    counts = []
    for n in (1, 30):
        for i in range(n):
            messages.send_message(world.event, by=world.organizer, subject=f"Note {i}",
                                  body="y", statuses=["confirmed"])
        db.session.commit()
        db.session.expire_all()
        with counting() as statements:
            assert client.get(f"/events/{world.event.id}/messages").status_code == 200
        with counting() as on_event_page:
            assert client.get(f"/events/{world.event.id}").status_code == 200
        counts.append((len(statements), len(on_event_page)))
    assert counts[0] == counts[1], counts


def test_the_api(app, world, api_as, make_user):
    api = api_as(world.organizer)
    response = api.post(f"/events/{world.event.id}/messages",
                        json={"subject": "Parking", "body": "Use gate B.",
                              "statuses": ["confirmed", "confirmed"]})
    assert response.status_code == 201, response.json
    assert response.json["recipients"] == 2 and response.json["statuses"] == ["confirmed"]
    assert response.json["sent_by"] == world.organizer.id
    listed = api.get(f"/events/{world.event.id}/messages").json
    assert listed["total"] == 1 and listed["items"][0]["subject"] == "Parking"

    response = api.post(f"/events/{world.event.id}/messages",
                        json={"subject": "x", "body": "y", "statuses": ["pending"]})
    assert response.status_code == 422 and response.json["error"]["code"] == "no_recipients"
    response = api.post(f"/events/{world.event.id}/messages",
                        json={"subject": "x", "body": "y", "statuses": "confirmed"})
    assert response.status_code == 422 and "statuses" in response.json["error"]["fields"]
    participant = api_as(world.confirmed_en.user)
    response = participant.post(f"/events/{world.event.id}/messages",
                                json={"subject": "x", "body": "y", "statuses": ["confirmed"]})
    assert response.status_code == 403
    assert len(mails()) == 2
