"""Rate limits guard guessing (log-in, sign-up, unknown tokens) per address, but normal use
(browsing, registering, feeds, the API) is never limited per address: one office, one
public address, many people."""
from __future__ import annotations

import socket

import pytest

from extensions import db, limiter
from liaison.accounts import apitokens
from liaison.accounts.models import OrgKind, Role
from liaison.calendar import feedtokens

LIMITED = pytest.mark.parametrize("app_settings", [{"RATELIMIT_ENABLED": True}], ids=["limits on"])
OFFICE = {"REMOTE_ADDR": "203.0.113.50"}  # everyone below comes from the same address


def signed_in_client(app, user):
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True
    return client


@pytest.mark.parametrize(
    "app_settings", [{"RATELIMIT_ENABLED": True, "API_RATE_LIMIT": "5 per minute"}]
)
def test_api_limit_is_per_token_not_per_address(app, make_user):
    first, second = make_user(), make_user()
    raw_first = apitokens.issue_token(first, "a")[1]
    raw_second = apitokens.issue_token(second, "b")[1]
    db.session.commit()
    client = app.test_client()

    def me(raw):
        return client.get(
            "/api/v1/me", headers={"Authorization": f"Bearer {raw}"}, environ_base=OFFICE
        ).status_code

    assert [me(raw_first) for _ in range(5)] == [200] * 5
    assert me(raw_first) == 429
    assert me(raw_second) == 200  # a colleague at the same address is not affected


@LIMITED
def test_an_office_browses_and_registers_without_hitting_a_limit(
    app, make_org, make_user, make_event
):
    customs = make_org(kind=OrgKind.customs)
    event = make_event(capacity=None)
    people = [make_user(org=customs) for _ in range(25)]
    statuses = []
    for person in people:
        client = signed_in_client(app, person)
        statuses.append(client.get("/events/", environ_base=OFFICE).status_code)
        statuses.append(client.get(f"/events/{event.id}", environ_base=OFFICE).status_code)
        statuses.append(
            client.post(f"/events/{event.id}/register", environ_base=OFFICE).status_code
        )
    assert 429 not in statuses
    assert set(statuses) <= {200, 302}
    anonymous = app.test_client()
    assert {anonymous.get("/events/", environ_base=OFFICE).status_code for _ in range(60)} == {200}


@LIMITED
def test_an_office_calendar_server_polls_many_feeds_without_a_limit(app, make_user):
    people = [make_user(role=Role.participant) for _ in range(40)]
    urls = [f"/calendar/{feedtokens.calendar_token(person)}.ics" for person in people]
    db.session.commit()
    client = app.test_client()
    statuses = [client.get(url, environ_base=OFFICE).status_code for url in urls * 2]
    assert statuses == [200] * 80


@LIMITED
def test_guessing_feed_tokens_is_limited_per_address(app):
    client = app.test_client()
    statuses = [
        client.get(f"/calendar/guess{i}.ics", environ_base=OFFICE).status_code
        for i in range(200)
    ]
    assert statuses[0] == 404
    assert 429 in statuses, "unknown feed tokens must be rate-limited"
    elsewhere = client.get("/calendar/guess.ics", environ_base={"REMOTE_ADDR": "198.51.100.1"})
    assert elsewhere.status_code == 404


@LIMITED
def test_guessing_api_tokens_is_limited_per_address(app):
    client = app.test_client()
    statuses = [
        client.get(
            "/api/v1/me", headers={"Authorization": f"Bearer lsn_guess{i}"}, environ_base=OFFICE
        ).status_code
        for i in range(200)
    ]
    assert statuses[0] == 401
    assert 429 in statuses, "unknown API tokens must be rate-limited"


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize(
    "app_settings",
    [{"RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": f"redis://127.0.0.1:{_closed_port()}/0"}],
    ids=["redis down"],
)
def test_log_in_still_works_and_is_limited_while_redis_is_down(app, make_user):
    """Production falls back to per-process counting when the shared storage is unreachable."""
    assert app.config["RATELIMIT_IN_MEMORY_FALLBACK_ENABLED"] is True
    user = make_user(password="correct horse battery")
    client = app.test_client()
    try:
        wrong = [
            client.post("/auth/login", data={"email": user.email, "password": "nope nope"})
            .status_code
            for _ in range(11)
        ]
        assert wrong == [200] * 10 + [429]
        assert client.get("/api/v1/me", headers={"Authorization": "Bearer x"}).status_code == 401
    finally:
        # The limiter is one object for the whole test session: forget the outage.
        limiter._storage_dead = False
