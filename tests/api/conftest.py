"""API fixtures: tokens for users, and a client that sends them as bearer tokens."""
from __future__ import annotations

import pytest

from extensions import db
from liaison.accounts.apitokens import issue_token
from liaison.accounts.models import OrgKind, Role
from liaison.events.models import EventStatus


@pytest.fixture
def token_for():
    """A fresh API token for a user (committed, as `create-token` would)."""

    def make(user, name: str = "test") -> str:
        _token, raw = issue_token(user, name)
        db.session.commit()
        return raw

    return make


class Api:
    """The test client, speaking JSON with one user's bearer token."""

    def __init__(self, client, token: str | None):
        self.client = client
        self.token = token

    def _headers(self, headers):
        merged = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        merged.update(headers or {})
        return merged

    def get(self, path, **kw):
        return self.client.get("/api/v1" + path, headers=self._headers(kw.pop("headers", None)),
                               **kw)

    def post(self, path, json=None, **kw):
        return self.client.post("/api/v1" + path, json=json,
                                headers=self._headers(kw.pop("headers", None)), **kw)

    def put(self, path, json=None, **kw):
        return self.client.put("/api/v1" + path, json=json,
                               headers=self._headers(kw.pop("headers", None)), **kw)

    def patch(self, path, json=None, **kw):
        return self.client.patch("/api/v1" + path, json=json,
                                 headers=self._headers(kw.pop("headers", None)), **kw)

    def delete(self, path, **kw):
        return self.client.delete("/api/v1" + path,
                                  headers=self._headers(kw.pop("headers", None)), **kw)


@pytest.fixture
def api_as(client, token_for):
    """api_as(user) -> Api speaking for that user; api_as(None) sends no token."""

    def make(user) -> Api:
        return Api(client, token_for(user) if user is not None else None)

    return make


@pytest.fixture
def cast(app, make_org, make_user, make_event):
    """A small world: a customs organizer with a published event, a rights-holder participant,
    a second organizer, and a draft and a customs-only event."""

    class Cast:
        pass

    c = Cast()
    c.customs = make_org("Customs Office", OrgKind.customs)
    c.brand = make_org("Brand Co", OrgKind.rights_holder)
    c.organizer = make_user("org@example.test", Role.organizer, c.customs)
    c.other_organizer = make_user("org2@example.test", Role.organizer, c.customs)
    c.participant = make_user("p@example.test", Role.participant, c.brand)
    c.event = make_event(organizer=c.organizer, title="Postal channel", topics=["postal channel"],
                         capacity=10, online_url="https://meet.example.test/abc", venue="Room 1")
    c.draft = make_event(organizer=c.organizer, status=EventStatus.draft, title="Draft plan",
                         venue="Room 2")
    c.customs_only = make_event(organizer=c.organizer, audience=[OrgKind.customs],
                                title="Customs only", venue="Room 3")
    return c
