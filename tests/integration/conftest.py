"""Fixtures of the integration tests: the real SMTP server of the mail tests, and a real HTTP
receiver for webhooks on a loopback port that verifies what it gets with the
`standardwebhooks` library."""
from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from tests.mail.conftest import smtp_server  # noqa: F401  (re-exported as a fixture)


class Receiver:
    """Answers each POST with the next of `answers` (status, or (status, headers)), then 200;
    keeps every request, and the messages it accepted after checking the signature with
    `secret` (set it once the subscription exists)."""

    def __init__(self):
        self.requests: list[dict] = []
        self.accepted: list[dict] = []
        self.rejected: list[str] = []
        self.answers: list = []
        self.secret: str | None = None
        self.delay = 0.0
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("content-length", 0)))
                headers = {k.lower(): v for k, v in self.headers.items()}
                status, extra = receiver._answer(self.path, headers, body)
                if receiver.delay:
                    time.sleep(receiver.delay)
                self.send_response(status)
                for name, value in extra.items():
                    self.send_header(name, value)
                self.send_header("content-length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hooks/liaison"

    def _answer(self, path, headers, body):
        with self.lock:
            self.requests.append({"path": path, "headers": headers, "body": body})
            answer = self.answers.pop(0) if self.answers else 200
            status, extra = answer if isinstance(answer, tuple) else (answer, {})
            if 200 <= status < 300:
                try:
                    Webhook(self.secret).verify(body, headers)
                except (WebhookVerificationError, ValueError, TypeError) as error:
                    self.rejected.append(str(error))
                    return 401, {}
                self.accepted.append({"id": headers["webhook-id"], **json.loads(body)})
            return status, extra

    def start(self):
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver(app):
    app.config["WEBHOOK_ALLOW_PRIVATE"] = True  # the receiver is on loopback
    app.config["WEBHOOK_TIMEOUT"] = 2
    server = Receiver()
    server.start()
    yield server
    server.stop()
