"""Calendar parsers read the gzipped feeds and .ics as a calendar program gets them: over a
real socket (werkzeug's server in a thread), through an HTTP client that decodes
`Content-Encoding: gzip` (requests), then icalendar (strict) and ical.js."""
from __future__ import annotations

import threading
from datetime import timedelta

import pytest
import requests
from werkzeug.serving import make_server

from extensions import db
from liaison.calendar import assembly, feedcache, feedtokens, serve
from liaison.core.types import utcnow
from liaison.registration.models import Registration, RegistrationStatus
from tests.calendar.icalcheck import parse_strict

ZONES = ("Europe/Berlin", "Asia/Shanghai", "America/New_York", "UTC")


@pytest.fixture
def server(app):
    feedcache.forget_all()
    assembly.forget_all()
    serve.forget_downloads()
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_port}"
    finally:
        httpd.shutdown()
        thread.join(timeout=10)


@pytest.fixture
def events(make_event, make_user):
    reader = make_user()
    made = []
    for i, zone in enumerate(ZONES * 3):
        made.append(make_event(
            timezone=zone, start=utcnow() + timedelta(days=3 + 40 * i),
            title=f"Session {i}: 培训 \"q\";:, back\\slash", title_zh=f"培训 {i}",
            topics=["fakes"],
        ))
    for event in made[:5]:
        db.session.add(Registration(event=event, user=reader, status=RegistrationStatus.pending))
    db.session.commit()
    return {"events": made, "reader": reader}


def _get(url: str, **headers) -> requests.Response:
    response = requests.get(url, headers={"Accept-Encoding": "gzip", **headers}, timeout=30)
    assert response.status_code == 200, response.text[:200]
    assert response.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response.headers["Vary"]
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    return response


def test_parsers_read_the_gzipped_feeds(app, server, events, icaljs):
    personal = feedtokens.calendar_url(events["reader"], app.config["BASE_URL"])
    db.session.commit()
    paths = {
        "public": "/calendar/public.ics",
        "public zh": "/calendar/public.ics?lang=zh",
        "personal": personal.removeprefix(app.config["BASE_URL"]),
    }
    expected = {"public": len(events["events"]), "public zh": len(events["events"]),
                "personal": 5}
    for label, path in paths.items():
        for _round in range(2):  # built from entries, then the stored gzipped body
            response = _get(server + path)
            assert int(response.headers["Content-Length"]) < len(response.content), label
            cal = parse_strict(response.content)
            assert len(cal.walk("VEVENT")) == expected[label], label
            parsed = icaljs(response.content)
            assert len(parsed["events"]) == expected[label], label
            assert all(e["zoneKnown"] for e in parsed["events"] if e["tzid"] != "UTC"), label
        again = requests.get(server + path, headers={
            "Accept-Encoding": "gzip", "If-None-Match": response.headers["ETag"]}, timeout=30)
        assert again.status_code == 304, label


def test_parsers_read_the_gzipped_single_event(server, events, icaljs):
    event = events["events"][1]
    response = _get(f"{server}/events/{event.id}.ics")
    cal = parse_strict(response.content)
    assert [str(v["UID"]) for v in cal.walk("VEVENT")] == [f"event-{event.id}@liaison.test"]
    parsed = icaljs(response.content)
    assert parsed["events"][0]["tzid"] == event.timezone and parsed["events"][0]["zoneKnown"]
