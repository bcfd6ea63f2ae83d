"""MAIL_USE_TLS and MAIL_USERNAME: STARTTLS with a verified certificate, then log-in, against a
real aiosmtpd server that refuses both mail and log-in before TLS."""
from __future__ import annotations

import ssl
import subprocess

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from extensions import db
from liaison.mail import mime, outbox
from tests.mail.conftest import Inbox, free_port


@pytest.fixture
def certificate(tmp_path):
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True,
    )
    return cert, key


@pytest.fixture
def tls_server(app, certificate):
    cert, key = certificate
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_context.load_cert_chain(cert, key)
    logins: list[tuple[bytes, bytes]] = []

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
            b"mailer", b"s3cret")
        logins.append((auth_data.login, auth_data.password))
        return AuthResult(success=ok)

    inbox = Inbox()
    port = free_port()
    controller = Controller(
        inbox, hostname="127.0.0.1", port=port, tls_context=server_context,
        require_starttls=True, authenticator=authenticator, auth_required=True,
    )
    controller.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_USE_TLS=True,
                      MAIL_USERNAME="mailer", MAIL_PASSWORD="s3cret", MAIL_TIMEOUT=5)
    yield inbox, logins, cert
    controller.stop()


def test_starttls_then_login_then_send(app, tls_server):
    inbox, logins, cert = tls_server
    outbox.queue(kind="test", recipient="a@x.test", subject="Over TLS", body_text="Hi")
    db.session.commit()
    trusted = ssl.create_default_context(cafile=str(cert))
    report = outbox.deliver(transport=mime.SMTPTransport(app.config, ssl_context=trusted))
    assert report.sent == 1, report.errors
    assert logins == [(b"mailer", b"s3cret")]
    ((_from, rcpt, message),) = inbox.received
    assert rcpt == ["a@x.test"] and message["Subject"] == "Over TLS"


def test_an_untrusted_certificate_is_refused_and_retried(app, tls_server):
    inbox, logins, _cert = tls_server
    outbox.queue(kind="test", recipient="a@x.test", subject="Over TLS", body_text="Hi")
    db.session.commit()
    report = outbox.deliver()  # the system trust store does not know the test certificate
    assert (report.sent, report.retry) == (0, 1)
    assert "CERTIFICATE_VERIFY_FAILED" in report.errors[0]
    assert logins == [] and inbox.received == []  # no password was offered, nothing sent


def test_a_wrong_password_is_retried_not_lost(app, tls_server):
    inbox, logins, cert = tls_server
    app.config["MAIL_PASSWORD"] = "wrong"
    app.config["MAIL_TIMEOUT"] = 1  # the server lingers after refusing the log-in
    outbox.queue(kind="test", recipient="a@x.test", subject="Over TLS", body_text="Hi")
    db.session.commit()
    trusted = ssl.create_default_context(cafile=str(cert))
    report = outbox.deliver(transport=mime.SMTPTransport(app.config, ssl_context=trusted))
    assert (report.sent, report.retry, report.failed) == (0, 1, 0)
    assert logins and logins[0] == (b"mailer", b"wrong")
    assert inbox.received == []
