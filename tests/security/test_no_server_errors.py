"""Issue 15, finding 9: a property test feeds every query parameter of every page (anonymous,
and signed in as an administrator, who may open every page) random strings, huge numbers and
dates at the ends of the calendar, and path ids beyond any id: never a 500.

Which parameters a page reads is not written down here but observed: the pages are requested
once with a `request.args` that records every name a view asks for, so a parameter added
later is fed random values without anyone updating this file. (The API has its own fuzz test,
tests/api/test_fuzz.py.)"""
from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import ImmutableMultiDict

from extensions import db
from liaison.accounts.models import Role
from liaison.calendar import feedtokens
from liaison.registration.models import RegistrationStatus

SKIPPED = ("static", "bootstrap.static")
INT_PARAM = re.compile(r"<int:(\w+)>")
ANY_PARAM = re.compile(r"<(?:[^:>]+:)?(\w+)>")


class RecordingArgs(ImmutableMultiDict):
    """request.args that remembers each name a view reads."""

    seen: set[str] = set()

    def get(self, key, default=None, type=None):  # noqa: A002 (werkzeug's signature)
        RecordingArgs.seen.add(key)
        return super().get(key, default, type)

    def getlist(self, key, type=None):  # noqa: A002
        RecordingArgs.seen.add(key)
        return super().getlist(key, type)

    def __getitem__(self, key):
        RecordingArgs.seen.add(key)
        return super().__getitem__(key)

    def __contains__(self, key):
        RecordingArgs.seen.add(key)
        return super().__contains__(key)


@pytest.fixture
def world(app, make_user, make_event, registered):
    admin = make_user(role=Role.admin, email="fuzz.admin@example.test")
    event = make_event(organizer=admin, capacity=3, topics=["postal channel"])
    registration = registered(event, make_user(), RegistrationStatus.confirmed)
    token = feedtokens.calendar_token(admin)
    db.session.commit()
    values = {"event_id": event.id, "registration_id": registration.id, "token": token,
              "org_id": admin.organization_id, "user_id": admin.id, "token_id": 1}
    return admin, values


def _signed_in(app, user):
    client = app.test_client()
    if user is not None:
        with client.session_transaction() as session:
            session["_user_id"] = user.get_id()
            session["_fresh"] = True
    return client


def _pages(app):
    """(rule, endpoint) of every GET page outside the API, e.g. '/events/<int:event_id>'."""
    found = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in SKIPPED or rule.rule.startswith("/api/") or "GET" not in rule.methods:
            continue
        found.append(rule.rule)
    return sorted(set(found))


def _path(rule: str, values: dict, huge: str | None = None) -> str:
    def fill(match):
        name = match.group(1)
        if huge is not None and f"<int:{name}>" in match.group(0):
            return huge
        return str(values.get(name, 1))

    return ANY_PARAM.sub(fill, rule)


@pytest.fixture
def params_read(app, world):
    """{rule: names of the query parameters its view reads}, observed."""
    admin, values = world
    app.request_class = type("RecordingRequest", (app.request_class,),
                             {"parameter_storage_class": RecordingArgs})
    read = {}
    try:
        for rule in _pages(app):
            RecordingArgs.seen = set()
            for viewer in (None, admin):
                _signed_in(app, viewer).get(_path(rule, values))
            read[rule] = sorted(RecordingArgs.seen)
    finally:
        del app.request_class
    return read


def test_the_observation_finds_the_known_parameters(params_read):
    """The recorder sees what the pages are known to read, so the property test below feeds
    real parameters, not an empty list."""
    assert {"kind", "direction", "topic", "host", "from", "to", "q", "page"} <= set(
        params_read["/"]
    )
    assert "month" in params_read["/events/calendar"]
    assert {"kind", "topic", "host", "lang"} <= set(params_read["/calendar/public.ics"])
    assert "next" in params_read["/auth/login"]
    assert {"status", "q"} <= set(params_read["/events/<int:event_id>/registrations"])


EDGES = [
    "0001-01-01", "9999-12-31", "0001-01", "9999-12", "0000-00", "1969-12-31", "2200-01-01",
    "1970-01", "2199-12", "-1", "0", "1e400", "nan", "inf", "  ", "--", "2024-02-30",
    str(2**31), str(2**63), str(2**64), "9" * 40, "-" + "9" * 40,
]
values_strategy = st.one_of(
    st.sampled_from(EDGES),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.from_regex(r"\A-?\d{1,6}(-\d{1,3}){0,2}\Z"),
)
huge_ids = st.sampled_from([str(2**31), str(2**63), "9" * 25, "0"])


@settings(max_examples=400, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
@example(data=None)
def test_no_page_answers_500_to_any_query(app, world, params_read, data):
    admin, values = world
    rules = sorted(params_read)
    if data is None:  # the inputs of the review, always tried first
        cases = [("/events/calendar", {"month": "0001-01"}, None),
                 ("/events/calendar", {"month": "9999-12"}, None),
                 ("/", {"to": "9999-12-31"}, None), ("/", {"page": "9" * 25}, None),
                 ("/events/<int:event_id>", {}, "9" * 25),
                 ("/events/<int:event_id>.ics", {}, "9" * 25)]
        viewers = [None, admin]
    else:
        rule = data.draw(st.sampled_from(rules), label="page")
        names = params_read[rule] + ["page", "_external", "endpoint"]
        chosen = data.draw(st.lists(st.sampled_from(names), unique=True, max_size=4))
        query = {name: data.draw(values_strategy, label=name) for name in chosen}
        huge = data.draw(st.none() | huge_ids, label="path id") if INT_PARAM.search(rule) else None
        cases = [(rule, query, huge)]
        viewers = [data.draw(st.sampled_from([None, admin]), label="viewer")]
    for rule, query, huge in cases:
        for viewer in viewers:
            response = _signed_in(app, viewer).get(_path(rule, values, huge), query_string=query)
            assert response.status_code < 500, (rule, query, huge, viewer)
            db.session.rollback()


SHARP_EDGES = ["0001-01-01", "9999-12-31", "0001-01", "9999-12", str(2**31), str(2**63),
               "9" * 40, "-1"]


def test_every_parameter_of_every_page_at_every_edge(app, world, params_read):
    """The deterministic half: each parameter each page reads (plus `page`) at each of the
    sharpest edges, and each path id beyond any id, for a visitor and an administrator."""
    admin, values = world
    failures = []
    for rule, names in sorted(params_read.items()):
        for viewer in (None, admin):
            client = _signed_in(app, viewer)
            tries = [({name: edge}, None) for name in {*names, "page"} for edge in SHARP_EDGES]
            if INT_PARAM.search(rule):
                tries += [({}, huge) for huge in (str(2**31), "9" * 25)]
            for query, huge in tries:
                status = client.get(_path(rule, values, huge), query_string=query).status_code
                db.session.rollback()
                if status >= 500:
                    failures.append((rule, query, huge, "admin" if viewer else "anonymous"))
    assert not failures, failures
