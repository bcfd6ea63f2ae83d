"""Issue 15, finding 12: a small global request-size limit with larger ones only where a route
says so; simultaneous registrations by one user answer alike; FORCE_HTTPS redirects a
plain-HTTP POST instead of refusing it as a CSRF failure."""
from __future__ import annotations

import json
import socket
import threading
import time

import pytest
from flask import request

from blueprints.core.security import allows_large_body
from extensions import db
from liaison.accounts.apitokens import issue_token
from liaison.accounts.models import Role
from liaison.registration.models import Registration
from tests.security.served import Served

MIB = 1024 * 1024


def test_a_body_over_the_global_limit_is_refused_with_413(client, make_user):
    big = {"email": "x@example.test", "password": "p" * (2 * MIB)}
    page = client.post("/auth/login", data=big)
    assert page.status_code == 413 and "too large" in page.text
    _token, raw = issue_token(make_user(role=Role.organizer), "big")
    db.session.commit()
    api = client.post("/api/v1/events", data=b"{" + b" " * (2 * MIB) + b"}",
                      content_type="application/json", headers={"Authorization": f"Bearer {raw}"})
    assert api.status_code == 413
    assert api.json["error"]["code"] == "too_large"


def test_a_route_that_takes_files_raises_its_own_limit(app):
    app.config["TEST_UPLOAD_MAX_BYTES"] = 4 * MIB

    @app.post("/test-upload")
    @allows_large_body("TEST_UPLOAD_MAX_BYTES")
    def upload():
        return {"bytes": len(request.files["file"].read())}

    app.config["WTF_CSRF_ENABLED"] = False
    client = app.test_client()
    from io import BytesIO

    three = client.post("/test-upload", data={"file": (BytesIO(b"x" * 3 * MIB), "a.pdf")})
    assert three.status_code == 200 and three.json == {"bytes": 3 * MIB}
    five = client.post("/test-upload", data={"file": (BytesIO(b"x" * 5 * MIB), "a.pdf")})
    assert five.status_code == 413
    # Every other route keeps the global limit.
    assert client.post("/auth/signup", data={"email": "x" * (2 * MIB)}).status_code == 413


@pytest.mark.slow
def test_gunicorn_refuses_a_huge_anonymous_body_without_reading_it(app, tmp_path):
    """A 100 MB POST is answered 413 at once: the server never waits for the body."""
    with Served(app, tmp_path, workers=1) as server:
        with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
            sock.sendall(b"POST /auth/login HTTP/1.1\r\nHost: liaison.test\r\n"
                         b"Content-Type: application/x-www-form-urlencoded\r\n"
                         b"Content-Length: 100000000\r\n\r\nemail=a%40b.test&password=")
            started = time.monotonic()
            answer = sock.recv(200)
            waited = time.monotonic() - started
    assert answer.startswith(b"HTTP/1.1 413"), answer
    assert waited < 5


@pytest.mark.parametrize("app_settings", [{"FORCE_HTTPS": True, "WTF_CSRF_ENABLED": True,
                                           "BASE_URL": "https://liaison.example.org"}])
def test_force_https_redirects_a_plain_http_post_instead_of_a_csrf_400(client):
    response = client.post("/auth/login?next=/events/", data={"email": "a@b.test"},
                           headers={"Host": "forged.example"})
    assert response.status_code == 308
    assert response.headers["Location"] == "https://liaison.example.org/auth/login?next=/events/"
    page = client.get("/events/")
    assert page.status_code == 301
    assert page.headers["Location"] == "https://liaison.example.org/events/"
    # Over HTTPS the form is checked as always: no token, a CSRF 400.
    secure = client.post("/auth/login", data={"email": "a@b.test"}, base_url="https://liaison.test")
    assert secure.status_code == 400


@pytest.mark.slow
def test_thirty_simultaneous_registrations_by_one_user_answer_as_one(app, tmp_path, make_user,
                                                                       make_event):
    """Four gunicorn workers, 30 identical requests at once: exactly one made the place (201,
    decided under the seat lock); the 29 others are rule 2's "already registered" (200) with
    the same registration. Before, every request that read "not registered" before the lock
    answered 201 too, so the codes did not say which request made the place."""
    event_id = make_event(capacity=10).id
    user = make_user()
    _token, raw = issue_token(user, "burst")
    db.session.commit()
    answers: list[tuple[int, int]] = []
    headers = {"Authorization": f"Bearer {raw}", "Content-Type": "application/json"}
    path = f"/api/v1/events/{event_id}/registrations"
    with Served(app, tmp_path, workers=4) as server:
        barrier = threading.Barrier(30)
        lock = threading.Lock()

        def press() -> None:
            barrier.wait()
            status, _headers, body = server.request("POST", path, body=b"{}", headers=headers)
            with lock:
                answers.append((status, json.loads(body)["id"]))

        threads = [threading.Thread(target=press) for _ in range(30)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        again = server.request("POST", path, body=b"{}", headers=headers)[0]
        log = server.output()
    statuses = sorted(status for status, _id in answers)
    assert statuses == [200] * 29 + [201], (statuses, log)
    assert len({reg_id for _status, reg_id in answers}) == 1
    assert again == 200
    db.session.rollback()
    rows = db.session.scalars(db.select(Registration).where(Registration.event_id == event_id))
    assert len(rows.all()) == 1
