"""Mail fixtures: a real SMTP server (aiosmtpd) on a free loopback port that keeps what it got."""
from __future__ import annotations

import socket
import threading
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox:
    """aiosmtpd handler: every accepted message with its envelope. `stop_after(k)` makes the
    server accept k messages and then shut down for real (the next MAIL gets 421 while the
    controller stops), so a sender sees the server vanish mid-run."""

    def __init__(self):
        self.received: list[tuple[str, list[str], object]] = []
        self.lock = threading.Lock()
        self.limit: int | None = None
        self.controller: Controller | None = None
        self.stopping = False
        self.stopper: threading.Thread | None = None
        # recipient -> the reply its RCPT TO gets, e.g. "550 5.1.1 No such user" (refuse())
        self.refusals: dict[str, str] = {}
        self.data_refusals: dict[str, str] = {}

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refusals:
            return self.refusals[address]
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(rcpt_options)
        return "250 OK"

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if self.limit is not None and len(self.received) >= self.limit:
            if not self.stopping:
                self.stopping = True
                self.stopper = threading.Thread(target=self.controller.stop, daemon=True)
                self.stopper.start()
            return "421 4.3.2 Service shutting down"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        for rcpt in envelope.rcpt_tos:
            if rcpt in self.data_refusals:
                return self.data_refusals[rcpt]
        message = message_from_bytes(envelope.original_content, policy=policy.default)
        with self.lock:
            self.received.append((envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 Message accepted"

    @property
    def messages(self):
        return [m for _f, _r, m in self.received]

    def message_ids(self) -> list[str]:
        return [m["Message-ID"] for m in self.messages]


class SMTPServer:
    def __init__(self, port: int):
        self.port = port
        self.inbox = Inbox()
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.inbox.controller = self.controller
        self.inbox.limit = None
        self.inbox.stopping = False
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            try:
                self.controller.stop()
            except AssertionError:  # already stopped by stop_after
                pass

    def stop_after(self, k: int) -> None:
        self.inbox.limit = k

    def refuse(self, recipient: str, reply: str, *, at: str = "RCPT") -> None:
        """Answer `reply` (e.g. "550 5.1.1 No such user") to this recipient at RCPT or DATA."""
        (self.inbox.refusals if at == "RCPT" else self.inbox.data_refusals)[recipient] = reply

    def wait_stopped(self) -> None:
        """After `stop_after`: block until the server has really shut down."""
        assert self.inbox.stopper is not None, "the server was never asked to stop"
        self.inbox.stopper.join(10)
        assert not self.inbox.stopper.is_alive()


@pytest.fixture
def smtp_server(app):
    server = SMTPServer(free_port())
    server.start()
    app.config["MAIL_SERVER"] = "127.0.0.1"
    app.config["MAIL_PORT"] = server.port
    app.config["MAIL_BACKEND"] = "smtp"
    app.config["MAIL_TIMEOUT"] = 5
    yield server
    server.stop()


def parts(message) -> list[str]:
    """The MIME tree as a flat list of content types, depth-first."""
    return [part.get_content_type() for part in message.walk()]


def calendar_part(message):
    for part in message.walk():
        if part.get_content_type() == "text/calendar":
            return part
    return None


def parse_invite(message):
    """The VCALENDAR of the text/calendar part, parsed with icalendar, and its VEVENT."""
    from icalendar import Calendar

    part = calendar_part(message)
    calendar = Calendar.from_ical(part.get_payload(decode=True))
    (vevent,) = calendar.walk("VEVENT")
    return calendar, vevent
