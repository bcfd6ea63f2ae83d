"""A webhook receiver for the bench: `python -m bench.webhook_receiver PORT SECRET`.

Verifies every POST with the `standardwebhooks` library (200 when it verifies, 401 when not)
and answers `GET /count` with "<accepted> <rejected>". Started and stopped by pid from
bench/webhooks.py; loopback only."""
from __future__ import annotations

import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks.webhooks import Webhook, WebhookVerificationError


def main() -> None:
    port, secret = int(sys.argv[1]), sys.argv[2]
    verifier = Webhook(secret)
    counts = {"accepted": 0, "rejected": 0}
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *_args):
            pass

        def _answer(self, status: int, body: bytes) -> None:
            self.send_response(status)
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("content-length", 0)))
            try:
                verifier.verify(body, {k.lower(): v for k, v in self.headers.items()})
            except (WebhookVerificationError, ValueError):
                with lock:
                    counts["rejected"] += 1
                self._answer(401, b"bad signature")
                return
            with lock:
                counts["accepted"] += 1
            self._answer(200, b"ok")

        def do_GET(self):
            self._answer(200, f"{counts['accepted']} {counts['rejected']}".encode())

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    print("listening", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
