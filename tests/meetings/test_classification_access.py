"""Classification × viewer × output: every viewer gets exactly what the rules allow
(liaison/events/classification.py has the table).

One meeting per classification, for the customs audience, with a description nobody outside
may read ("SECRET-DESCRIPTION"), a material visible as widely as the classification lets it
(`public` asked for) and approved minutes with a decision ("SECRET-DECISION"). A twin open to
all (same classification) shows what anonymous visitors and the public feed get.

Viewers: anonymous, registrant (pending), attendee (confirmed), audience (a customs officer
who has not registered), outsider (a rights holder: not in the audience), organizer, admin.

Observations, compared as values:
- page, api: None (404 or log-in), "bare" (title, no description), "full";
- list (the event list page) and api_list: True when the event is listed;
- ics, personal_feed, public_feed, invite: None, or "<CLASS>:desc" / "<CLASS>:bare" (with or
  without a DESCRIPTION);
- mail: None (no mail), "plain" or "marked" (subject starting "[Restricted]"): the
  registrants' notices and the circulated minutes (to attendees and organizers);
- csv: None (refused), "plain" or "marked" (classification line before the header);
- material: True when the download is served; minutes: True when the minutes are shown.
"""
from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import select

from extensions import db
from liaison.accounts import apitokens
from liaison.accounts.models import OrgKind, Role
from liaison.calendar import feedtokens
from liaison.events.models import Classification, Event, EventKind, EventStatus
from liaison.mail.models import OutboxMessage
from liaison.meetings import materials, minutes
from liaison.meetings.minutes import MinutesItemInput, OutcomeInput
from liaison.notifications import notices
from liaison.registration.models import Registration, RegistrationStatus

SECRET = "SECRET-DESCRIPTION"
DECISION = "SECRET-DECISION"
VIEWERS = ("anonymous", "registrant", "attendee", "audience", "outsider", "organizer", "admin")
P, R = "participants", "restricted"


COLUMNS = ("page", "list", "api", "api_list", "ics", "personal_feed", "invite", "mail", "csv",
           "material", "minutes")
# What each viewer gets of the customs-only meeting, per classification, column by column.
# Columns that do not depend on the viewer (public feed, the open twin for anonymous
# visitors) are below. Restricted: the audience reaches it by its link (to register), but
# it is never listed for them.
EXPECTED = {
    "public": {
        "anonymous": (None, False, None, False, None, None, None, None, None, False, False),
        "registrant": ("full", True, "full", True, "PUBLIC:desc",
                       "PUBLIC:desc", None, "plain", None, True, True),
        "attendee": ("full", True, "full", True, "PUBLIC:desc",
                     "PUBLIC:desc", "PUBLIC:desc", "plain", None, True, True),
        "audience": ("full", True, "full", True, "PUBLIC:desc", None, None, None, None, True, True),
        "outsider": (None, False, None, False, None, None, None, None, None, False, False),
        "organizer": ("full", True, "full", True, "PUBLIC:desc",
                      "PUBLIC:desc", None, "plain", "plain", True, True),
        "admin": ("full", True, "full", True, "PUBLIC:desc", None, None, None, "plain", True, True),
    },
    P: {
        "anonymous": (None, False, None, False, None, None, None, None, None, False, False),
        "registrant": ("full", True, "full", True, "PRIVATE:desc",
                       "PRIVATE:bare", None, "plain", None, True, True),
        "attendee": ("full", True, "full", True, "PRIVATE:desc",
                     "PRIVATE:bare", "PRIVATE:desc", "plain", None, True, True),
        "audience": ("bare", True, "bare", True, "PRIVATE:bare",
                     None, None, None, None, False, False),
        "outsider": (None, False, None, False, None, None, None, None, None, False, False),
        "organizer": ("full", True, "full", True, "PRIVATE:desc",
                      "PRIVATE:bare", None, "plain", "marked", True, True),
        "admin": ("full", True, "full", True, "PRIVATE:desc",
                  None, None, None, "marked", True, True),
    },
    R: {
        "anonymous": (None, False, None, False, None, None, None, None, None, False, False),
        "registrant": ("full", True, "full", True, "CONFIDENTIAL:bare",
                       "CONFIDENTIAL:bare", None, "marked", None, True, True),
        "attendee": ("full", True, "full", True, "CONFIDENTIAL:bare",
                     "CONFIDENTIAL:bare", "CONFIDENTIAL:bare", "marked", None, True, True),
        "audience": ("bare", False, "bare", False, "CONFIDENTIAL:bare",
                     None, None, None, None, False, False),
        "outsider": (None, False, None, False, None, None, None, None, None, False, False),
        "organizer": ("full", True, "full", True, "CONFIDENTIAL:bare",
                      "CONFIDENTIAL:bare", None, "marked", "marked", True, True),
        "admin": ("full", True, "full", True, "CONFIDENTIAL:bare",
                  None, None, None, "marked", True, True),
    },
}

# The twin open to all, seen without logging in: page, list, .ics and the public feed.
OPEN_TWIN = {
    "public": dict(page="full", list=True, ics="PUBLIC:desc", public_feed="PUBLIC:desc",
                   material=True, minutes=True),
    P: dict(page="bare", list=True, ics="PRIVATE:bare", public_feed="PRIVATE:bare",
            material=False, minutes=False),
    R: dict(page=None, list=False, ics=None, public_feed=None, material=False, minutes=False),
}


class World:
    pass


def _meeting(organizer, host, classification, audience, title) -> Event:
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=3)
    event = Event(
        kind=EventKind.exchange_meeting, title=title, description=f"Cases to discuss. {SECRET}",
        host_organization=host, start_at=start, end_at=start + timedelta(hours=2),
        timezone="Asia/Shanghai", venue="Room 5", status=EventStatus.published,
        created_by=organizer, classification=Classification(classification),
    )
    event.audience = audience
    event.organizers.append(organizer)
    db.session.add(event)
    return event


@pytest.fixture
def world(app, make_org, make_user):
    w = World()
    customs = make_org("Customs Office", OrgKind.customs)
    brand = make_org("Brand Co", OrgKind.rights_holder)
    assoc = make_org("Association", OrgKind.association)
    w.users = {
        "registrant": make_user("registrant@customs.test", org=customs),
        "attendee": make_user("attendee@customs.test", org=customs),
        "audience": make_user("audience@customs.test", org=customs),
        "outsider": make_user("outsider@brand.test", org=brand),
        "organizer": make_user("organizer@assoc.test", Role.organizer, assoc),
        "admin": make_user("admin@assoc.test", Role.admin, assoc),
    }
    w.events, w.twins = {}, {}
    for level in Classification:
        w.events[level.value] = _meeting(
            w.users["organizer"], assoc, level, [OrgKind.customs], f"Meeting {level.value}"
        )
        w.twins[level.value] = _meeting(
            w.users["organizer"], assoc, level, [], f"Open meeting {level.value}"
        )
    db.session.flush()
    for event in w.events.values():
        for name, status in (("registrant", RegistrationStatus.pending),
                             ("attendee", RegistrationStatus.confirmed)):
            registration = Registration(event=event, user=w.users[name], status=status)
            db.session.add(registration)
            db.session.flush()
            notices.registration_changed(
                registration, "confirmed" if status == RegistrationStatus.confirmed else "received"
            )
    w.materials = {}
    for event in [*w.events.values(), *w.twins.values()]:
        minutes.save(event, [MinutesItemInput(title="Cases", outcomes=[
            OutcomeInput(kind="decision", text=DECISION)])], by=w.users["organizer"])
        minutes.circulate(event, by=w.users["organizer"])
        minutes.approve(event, by=w.users["organizer"])
        widest = "public" if event.is_public else "registrants"
        w.materials[event.id] = materials.add_to_event(
            event, filename="cases.pdf", stream=io.BytesIO(b"%PDF-1.4\n%%EOF\n"),
            by=w.users["organizer"], visibility=widest)
    w.tokens = {name: apitokens.issue_token(user, "t")[1] for name, user in w.users.items()}
    db.session.commit()
    return w


def _client(app, world, viewer):
    client = app.test_client()
    if viewer != "anonymous":
        with client.session_transaction() as session:
            session["_user_id"] = world.users[viewer].get_id()
            session["_fresh"] = True
    return client


def _vevent_state(data: bytes, title: str):
    for vevent in Calendar.from_ical(data).walk("VEVENT"):
        if str(vevent["SUMMARY"]) == title:
            desc = str(vevent.get("DESCRIPTION", ""))
            assert SECRET not in desc or "DESCRIPTION" in vevent
            return f"{vevent['CLASS']}:{'desc' if SECRET in desc else 'bare'}"
    return None


def _page_state(response) -> str | None:
    if response.status_code != 200:
        return None
    return "full" if SECRET in response.get_data(as_text=True) else "bare"


def observe(app, world, viewer, event) -> dict:
    client = _client(app, world, viewer)
    user = world.users.get(viewer)
    seen = {}
    seen["page"] = _page_state(client.get(f"/events/{event.id}"))
    seen["list"] = f"/events/{event.id}\"" in client.get("/events/").get_data(as_text=True)
    ics = client.get(f"/events/{event.id}.ics")
    seen["ics"] = _vevent_state(ics.data, event.title) if ics.status_code == 200 else None
    headers = {"Authorization": f"Bearer {world.tokens[viewer]}"} if user else {}
    api = client.get(f"/api/v1/events/{event.id}", headers=headers)
    seen["api"] = (("full" if SECRET in api.json["description"] else "bare")
                   if api.status_code == 200 else None)
    listing = client.get("/api/v1/events?per_page=100", headers=headers)
    seen["api_list"] = listing.status_code == 200 and event.id in {
        item["id"] for item in listing.json["items"]}
    if user is None:
        seen["personal_feed"] = None
    else:
        path = feedtokens.calendar_url(user, app.config["BASE_URL"]).removeprefix(
            app.config["BASE_URL"])
        db.session.commit()
        seen["personal_feed"] = _vevent_state(app.test_client().get(path).data, event.title)
    seen["invite"], seen["mail"] = None, None
    if user is not None:
        mails = db.session.scalars(select(OutboxMessage).where(
            OutboxMessage.user_id == user.id, OutboxMessage.event_id == event.id)).all()
        if mails:
            seen["mail"] = "marked" if all(
                m.subject.startswith("[Restricted] ") for m in mails) else "plain"
            invites = [m.ical for m in mails if m.ical]
            if invites:
                seen["invite"] = _vevent_state(invites[-1].encode(), event.title)
    material = world.materials[event.id]
    seen["material"] = client.get(f"/materials/{material.id}/download").status_code == 200
    shown = client.get(f"/events/{event.id}/minutes")
    seen["minutes"] = shown.status_code == 200 and DECISION in shown.get_data(as_text=True)
    if seen["minutes"]:  # the printout and the API answer alike
        assert client.get(f"/events/{event.id}/minutes/print").status_code == 200
    csv = client.get(f"/events/{event.id}/registrations.csv")
    if csv.status_code == 200:
        first = csv.get_data(as_text=True).lstrip("\ufeff").splitlines()[0]
        seen["csv"] = "marked" if event.classification.value.upper() in first.upper() \
            or "ONLY" in first else "plain"
    else:
        seen["csv"] = None
    return seen


@pytest.mark.parametrize("level", [c.value for c in Classification])
def test_each_viewer_gets_exactly_what_the_classification_allows(app, world, level):
    event, twin = world.events[level], world.twins[level]
    wrong = []
    for viewer in VIEWERS:
        got = observe(app, world, viewer, event)
        for output, expected in zip(COLUMNS, EXPECTED[level][viewer], strict=True):
            if got[output] != expected:
                wrong.append(f"{viewer} × {output}: expected {expected!r}, got {got[output]!r}")
    anonymous = observe(app, world, "anonymous", twin)
    public_feed = app.test_client().get("/calendar/public.ics")
    anonymous["public_feed"] = _vevent_state(public_feed.data, twin.title)
    for output, expected in OPEN_TWIN[level].items():
        if anonymous[output] != expected:
            wrong.append(f"anonymous × {output} (open twin): expected {expected!r}, "
                         f"got {anonymous[output]!r}")
    assert not wrong, f"{level}:\n  " + "\n  ".join(wrong)


def test_search_never_matches_a_hidden_description(app, world):
    client = _client(app, world, "audience")
    page = client.get("/events/?q=secret-description").get_data(as_text=True)
    assert f"/events/{world.events['public'].id}\"" in page
    assert f"/events/{world.events[P].id}\"" not in page
    assert f"/events/{world.events[R].id}\"" not in page


def test_the_feed_fingerprint_moves_with_the_classification(app, world):
    """The public feed's ETag is made of every column it reads: classification included."""
    twin = world.twins["public"]
    client = app.test_client()
    before = client.get("/calendar/public.ics")
    assert _vevent_state(before.data, twin.title) == "PUBLIC:desc"
    twin.classification = Classification.participants
    db.session.commit()
    after = client.get("/calendar/public.ics", headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200 and after.headers["ETag"] != before.headers["ETag"]
    assert _vevent_state(after.data, twin.title) == "PRIVATE:bare"
