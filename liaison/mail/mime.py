"""Turn an outbox row into an email and hand it to SMTP (or print it, in development).

Headers are built with `EmailMessage` from cleaned values: user text (names, titles) loses
every control character, so it can never start a new header, and the envelope recipient is the
one validated address of the row, so no header can add a recipient.

Invites use the shape Outlook, Gmail and Apple Mail show with accept/decline buttons
(docs: /work/shared/notes/ICAL.md §1):
    multipart/mixed
      multipart/alternative: text/plain, text/html, text/calendar; charset=utf-8; method=M
        (text/html inside multipart/related with image/png when it shows a check-in QR code)
      application/ics; name="invite.ics" (attachment)
where M equals the METHOD inside the calendar data. A mail with an inline QR code (a confirmed
registrant's check-in code) has its text/html inside multipart/related with the PNG.
"""
from __future__ import annotations

import io
import re
import smtplib
import ssl
import sys
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from typing import Protocol

from liaison.mail.models import OutboxMessage

# SMTP line endings; 7bit so non-ASCII bodies are base64/quoted-printable, never raw 8-bit.
POLICY = policy.SMTP.clone(cte_type="7bit")
# C0/C1 controls and Unicode line/paragraph separators: none may reach a header.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")
_METHOD_RE = re.compile(rb"^METHOD:([A-Z-]+)\r?$", re.MULTILINE)


# The Content-ID of the inline QR code: an HTML part shows it as <img src="cid:QR_CID">.
QR_CID = "checkin-qr@liaison"


def qr_png(text: str) -> bytes:
    """A QR code as a PNG, large enough to scan from a phone screen or paper."""
    import segno

    buffer = io.BytesIO()
    segno.make(text, error="m").save(buffer, kind="png", scale=6, border=3)
    return buffer.getvalue()


class InvalidAddress(ValueError):
    """An address that is not exactly one `local@domain` mailbox: it will never work."""


def clean_header(value: str | None) -> str:
    """User text fit for one header line: control characters become one space."""
    return " ".join(_CONTROL.sub(" ", value or "").split())


def parse_address(addr_spec: str, display_name: str | None = None) -> Address:
    """One mailbox, or InvalidAddress: exactly `local@domain`, nothing before or after it."""
    raw = addr_spec or ""
    if _CONTROL.search(raw) or not raw.strip():
        raise InvalidAddress("invalid e-mail address")
    try:
        address = Address(display_name=clean_header(display_name), addr_spec=raw.strip())
    except ValueError as error:  # header defects are ValueErrors too
        raise InvalidAddress(f"invalid e-mail address: {error}") from None
    if not address.domain or address.addr_spec != raw.strip():
        raise InvalidAddress("invalid e-mail address")
    return address


def sender_address(config) -> Address:
    """MAIL_DEFAULT_SENDER ("Name <addr>" or "addr"): the From of every mail and the ORGANIZER
    of every invite, so it must be a mailbox that receives the attendees' replies."""
    name, addr = parseaddr(config.get("MAIL_DEFAULT_SENDER") or "")
    try:
        return parse_address(addr, name)
    except InvalidAddress:  # a settings problem, not the message's: never fail mail for it
        raise RuntimeError("MAIL_DEFAULT_SENDER is not a valid e-mail address") from None


def calendar_method(ical: bytes) -> str | None:
    """The METHOD property of a VCALENDAR (top level), for the MIME parameter."""
    match = _METHOD_RE.search(ical)
    return match.group(1).decode("ascii") if match else None


def build_message(row: OutboxMessage, config) -> EmailMessage:
    """The email for one outbox row; InvalidAddress when its recipient is not a valid address."""
    message = EmailMessage(policy=POLICY)
    message["From"] = sender_address(config)
    message["To"] = parse_address(row.recipient, row.recipient_name)
    message["Subject"] = clean_header(row.subject)
    message["Date"] = format_datetime(row.created_at)
    message["Message-ID"] = row.message_id
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(row.body_text, charset="utf-8")
    if row.body_html:
        message.add_alternative(row.body_html, subtype="html", charset="utf-8")
        if row.inline_qr:  # multipart/related: the HTML and the image it shows
            message.get_body(("html",)).add_related(
                qr_png(row.inline_qr), maintype="image", subtype="png", cid=f"<{QR_CID}>",
                filename="check-in.png", disposition="inline")
    if row.ical:
        data = row.ical.encode("utf-8")
        method = calendar_method(data) or row.ical_method or "REQUEST"
        message.add_alternative(
            data,
            maintype="text",
            subtype="calendar",
            cte="base64",
            params={"charset": "utf-8", "method": method},
        )
        message.add_attachment(
            data,
            maintype="application",
            subtype="ics",
            filename="invite.ics",
            params={"name": "invite.ics"},
        )
    return message


class Transport(Protocol):
    def send(self, message: EmailMessage, recipient: str) -> None: ...

    def close(self) -> None: ...


class SMTPTransport:
    """One SMTP connection reused for a run, reopened after a failure. STARTTLS verifies the
    server's certificate against the system's trust store (or `ssl_context`)."""

    def __init__(self, config, ssl_context: ssl.SSLContext | None = None):
        self.host = config.get("MAIL_SERVER", "localhost")
        self.port = int(config.get("MAIL_PORT", 25))
        self.use_tls = bool(config.get("MAIL_USE_TLS"))
        self.username = config.get("MAIL_USERNAME")
        self.password = config.get("MAIL_PASSWORD")
        self.timeout = float(config.get("MAIL_TIMEOUT", 30))
        self.envelope_from = sender_address(config).addr_spec
        self.ssl_context = ssl_context
        self._smtp: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        try:
            smtp.ehlo()
            if self.use_tls:
                smtp.starttls(context=self.ssl_context or ssl.create_default_context())
                smtp.ehlo()
            if self.username:
                smtp.login(self.username, self.password or "")
        except BaseException:
            smtp.close()
            raise
        return smtp

    def send(self, message: EmailMessage, recipient: str) -> None:
        """The envelope names only `recipient`, whatever the headers say."""
        if self._smtp is None:
            self._smtp = self._connect()
        try:
            self._smtp.send_message(message, from_addr=self.envelope_from, to_addrs=[recipient])
        except smtplib.SMTPResponseException as error:
            # A reply about this message leaves the connection usable (smtplib sent RSET),
            # except 421, after which the server hangs up.
            if error.smtp_code == 421:
                self._drop()
            raise
        except smtplib.SMTPRecipientsRefused:
            raise  # this recipient only: the connection stays
        except (smtplib.SMTPServerDisconnected, OSError):
            self._drop()
            raise

    def _drop(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.close()
            finally:
                self._smtp = None

    def close(self) -> None:
        if self._smtp is None:
            return
        try:
            self._smtp.quit()
        except (smtplib.SMTPException, OSError):
            pass
        finally:
            self._drop()


def _outline(part) -> str:
    if part.is_multipart():
        return f"{part.get_content_type()}[{', '.join(_outline(p) for p in part.iter_parts())}]"
    method = part.get_param("method")
    name = part.get_filename()
    return part.get_content_type() + (f"; method={method}" if method else "") + (
        f" ({name})" if name else ""
    )


class ConsoleTransport:
    """Development: print each mail (headers, structure, plain text) instead of sending it."""

    def __init__(self, stream=None):
        self.stream = stream

    def send(self, message: EmailMessage, recipient: str) -> None:
        out = self.stream or sys.stdout
        lines = ["----- mail (MAIL_BACKEND=console, not sent) -----"]
        for name in ("From", "To", "Subject", "Date", "Message-ID"):
            lines.append(f"{name}: {message[name]}")
        lines.append(f"Envelope-To: {recipient}")
        lines.append(f"Structure: {_outline(message)}")
        lines.append("")
        body = message.get_body(preferencelist=("plain",))
        lines.append(body.get_content() if body is not None else "")
        lines.append("----- end of mail -----")
        out.write("\n".join(lines) + "\n")
        out.flush()

    def close(self) -> None:
        pass


def transport_from_config(config) -> Transport:
    """MAIL_BACKEND: `smtp` (default) or `console`."""
    if (config.get("MAIL_BACKEND") or "smtp").lower() == "console":
        return ConsoleTransport()
    return SMTPTransport(config)
