"""The confirmation mail carries the check-in QR code (its token, never the id) inline in the
HTML part (multipart/related, cid:) and a link to the printable ticket in the text part;
through a real SMTP server, in English and Chinese."""
from __future__ import annotations

import segno

from extensions import db
from liaison.mail import mime, outbox
from liaison.registration import registrations
from liaison.registration.models import RegistrationStatus
from tests.mail.conftest import parts


def _delivered(smtp_server, registration):
    db.session.commit()
    assert str(outbox.deliver()) == "sent 1, retry 0, failed 0"
    (message,) = smtp_server.inbox.messages
    return message


def test_confirmation_mail_shows_the_check_in_code(app, smtp_server, make_event, make_user):
    event = make_event(capacity=5, title="Recordation clinic")
    registration = registrations.register(event, make_user())
    assert registration.status == RegistrationStatus.confirmed
    message = _delivered(smtp_server, registration)
    assert parts(message)[:5] == ["multipart/mixed", "multipart/alternative", "text/plain",
                                  "multipart/related", "text/html"]
    html = message.get_body(("html",)).get_content()
    assert f'src="cid:{mime.QR_CID}"' in html and "Check-in code" in html
    (image,) = [p for p in message.walk() if p.get_content_type() == "image/png"]
    assert image["Content-ID"] == f"<{mime.QR_CID}>"
    png = image.get_content()
    assert png.startswith(b"\x89PNG")
    token = registration.checkin_token
    # the image is the QR code of the token: segno draws the same text the same way
    assert png == mime.qr_png("LIAISON-CHECKIN:" + token)
    assert png != mime.qr_png(f"LIAISON-CHECKIN:{registration.id}")
    assert segno.make("LIAISON-CHECKIN:" + token, error="m").designator  # a valid code
    text = message.get_body(("plain",)).get_content()
    ticket = f"/registrations/{registration.id}/ticket"
    assert ticket in text and ticket in html
    assert token not in text  # the code travels as the image, not as copyable text
    # the calendar invite is still there
    assert "text/calendar" in parts(message)


def test_chinese_confirmation_and_no_code_without_a_place(app, smtp_server, make_event,
                                                          make_user):
    full = make_event(capacity=1)
    registrations.register(full, make_user())
    db.session.commit()
    outbox.deliver()
    smtp_server.inbox.received.clear()
    waiting = registrations.register(full, make_user(language="zh"))
    assert waiting.status == RegistrationStatus.waitlisted
    message = _delivered(smtp_server, waiting)
    assert "image/png" not in parts(message)
    assert "/ticket" not in message.get_body(("plain",)).get_content()
    smtp_server.inbox.received.clear()
    event = make_event(capacity=5)
    registration = registrations.register(event, make_user(language="zh"))
    message = _delivered(smtp_server, registration)
    html = message.get_body(("html",)).get_content()
    assert "签到码" in html and f"cid:{mime.QR_CID}" in html
    assert f"/registrations/{registration.id}/ticket" in message.get_body(("plain",)).get_content()
