"""The pages: the new/edit form end to end, list filters, the month grid, the event page."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from extensions import db
from liaison.accounts.models import OrgKind
from liaison.events import lifecycle
from liaison.events.models import Event, EventKind, EventStatus
from liaison.registration import registrations
from liaison.registration.models import RegistrationStatus


def form_data(host_id: int, **overrides) -> dict:
    day = (datetime.now() + timedelta(days=20)).date().isoformat()
    data = {
        "kind": "training",
        "host_organization": str(host_id),
        "audience": ["customs"],
        "title": "Spotting fake Acme watches",
        "description": "Bring a loupe.\nWe supply samples.",
        "other_topics": "product identification, Product Identification, postal channel",
        "start_date": day,
        "start_time": "09:30",
        "end_date": day,
        "end_time": "12:00",
        "timezone": "Asia/Shanghai",
        "venue": "Customs House, Room 3",
        "online_url": "",
        "capacity": "30",
        "org_cap": "",
        "registration_opens": "",
        "registration_closes": "",
        "repeat": "",
        "repeat_count": "4",
    }
    data.update(overrides)
    return data


def test_an_organizer_creates_a_draft_through_the_form(client, login, organizer):
    login(organizer)
    response = client.post("/events/new", data=form_data(organizer.organization_id))
    assert response.status_code == 302
    event = db.session.scalars(select(Event)).one()
    assert response.headers["Location"].endswith(f"/events/{event.id}")
    assert event.status == EventStatus.draft and event.capacity == 30
    assert event.local_start.strftime("%H:%M") == "09:30" and event.start_at.hour == 1
    assert event.topics == ["postal-channel", "product-identification"]
    assert event.audience == [OrgKind.customs]


def test_the_form_can_create_a_series(client, login, organizer):
    login(organizer)
    data = form_data(organizer.organization_id, repeat="biweekly", repeat_count="3")
    assert client.post("/events/new", data=data).status_code == 302
    created = db.session.scalars(select(Event).order_by(Event.start_at)).all()
    assert len(created) == 3 and len({e.series_id for e in created}) == 1
    assert (created[1].start_at - created[0].start_at).days == 14


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"end_time": "08:00"}, "The end must be after the start."),
        ({"timezone": "Mars/Olympus"}, "Not a valid choice"),
        ({"capacity": "0"}, "Capacity must be at least 1; leave it empty for no limit."),
        ({"capacity": "many"}, "Not a valid integer value."),
        ({"org_cap": "0"}, "The limit per organization must be at least 1"),
        ({"start_date": "2031-02-30"}, "Not a valid date value."),
        ({"online_url": "ftp://x.example/y", "venue": ""}, "Enter a web address."),
        ({"venue": "", "online_url": ""}, "Give a venue, an online link, or both."),
        ({"title": ""}, "This field is required."),
        ({"repeat": "weekly", "repeat_count": "1"}, "A series has between 2 and 52 occurrences."),
    ],
)
def test_bad_input_re_renders_with_the_message_and_writes_nothing(
    client, login, organizer, overrides, message
):
    login(organizer)
    response = client.post("/events/new", data=form_data(organizer.organization_id, **overrides))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert message in page and "invalid-feedback" in page
    assert db.session.scalars(select(Event)).all() == []


def test_editing_keeps_local_times_and_applies_changes(client, login, organizer, event_input):
    event = lifecycle.create_event(event_input(), by=organizer)
    db.session.commit()
    login(organizer)
    page = client.get(f"/events/{event.id}/edit").get_data(as_text=True)
    assert 'value="10:00"' in page and "How to recognise genuine Acme goods" in page
    day = event.local_start.date().isoformat()
    response = client.post(
        f"/events/{event.id}/edit",
        data=form_data(organizer.organization_id, start_date=day, end_date=day,
                       start_time="10:00", end_time="12:00", title="New title",
                       venue="Customs House, Room 3", topics="product identification"),
    )
    assert response.status_code == 302
    db.session.expire_all()
    event = db.session.get(Event, event.id)
    assert event.title == "New title" and event.sequence == 0  # a title fix only


def test_edit_capacity_below_confirmed_shows_the_message_next_to_capacity(
    client, login, organizer, event_input, make_user, customs_org
):
    event = lifecycle.create_event(event_input(capacity=5), by=organizer)
    lifecycle.publish_event(event, by=organizer)
    db.session.commit()
    for _ in range(2):
        registrations.register(event, make_user(org=customs_org))
    db.session.commit()
    login(organizer)
    day = event.local_start.date().isoformat()
    response = client.post(
        f"/events/{event.id}/edit",
        data=form_data(organizer.organization_id, start_date=day, end_date=day,
                       start_time="10:00", end_time="12:00", capacity="1"),
    )
    assert response.status_code == 200
    assert "2 people are already confirmed; capacity can&#39;t be lower." in response.get_data(
        as_text=True)
    db.session.expire_all()
    assert db.session.get(Event, event.id).capacity == 5


def test_series_edit_scope_following(client, login, organizer, event_input):
    created = lifecycle.create_series(event_input(), "weekly", 3, by=organizer)
    db.session.commit()
    login(organizer)
    second = created[1]
    day = second.local_start.date().isoformat()
    assert "This and following occurrences" in client.get(
        f"/events/{second.id}/edit").get_data(as_text=True)
    client.post(f"/events/{second.id}/edit", data={
        **form_data(organizer.organization_id, start_date=day, end_date=day,
                    start_time="10:00", end_time="12:00", title="Later ones"),
        "scope": "following"})
    db.session.expire_all()
    assert [db.session.get(Event, e.id).title for e in created] == [
        created[0].title, "Later ones", "Later ones"]
    client.post(f"/events/{created[1].id}/cancel", data={"scope": "following"})
    db.session.expire_all()
    assert [db.session.get(Event, e.id).status for e in created] == [
        EventStatus.draft, EventStatus.cancelled, EventStatus.cancelled]


def test_publish_unpublish_cancel_and_duplicate_buttons(client, login, organizer, event_input):
    event = lifecycle.create_event(event_input(), by=organizer)
    db.session.commit()
    login(organizer)
    client.post(f"/events/{event.id}/publish")
    db.session.expire_all()
    assert db.session.get(Event, event.id).status == EventStatus.published
    response = client.post(f"/events/{event.id}/duplicate")
    copy = db.session.scalars(select(Event).where(Event.id != event.id)).one()
    assert response.headers["Location"].endswith(f"/events/{copy.id}/edit")
    client.post(f"/events/{event.id}/cancel")
    db.session.expire_all()
    assert db.session.get(Event, event.id).status == EventStatus.cancelled
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert "It will not take place." in page
    # A cancelled event cannot be published again: a flash message, no change.
    client.post(f"/events/{event.id}/publish")
    db.session.expire_all()
    assert db.session.get(Event, event.id).status == EventStatus.cancelled


@pytest.fixture
def listing(make_event, make_org, organizer):
    customs_host = make_org("National Customs", kind=OrgKind.customs)
    now = datetime.now(UTC).replace(microsecond=0)
    return {
        "acme": make_event(organizer, title="Acme product identification", audience=[
            OrgKind.customs], topics=["product identification"], start=now + timedelta(days=3)),
        "recordation": make_event(
            organizer, title="Recordation clinic", host_organization=customs_host,
            audience=[OrgKind.rights_holder], topics=["Recordation"],
            start=now + timedelta(days=10), description="How to record your TRADEMARK."),
        "exchange": make_event(
            organizer, title="Postal channel round table", kind=EventKind.exchange_meeting,
            host_organization=customs_host, topics=["postal channel"],
            start=now + timedelta(days=40)),
        "past": make_event(organizer, title="Last year's session",
                           start=now - timedelta(days=30)),
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", {"Acme product identification", "Recordation clinic", "Postal channel round table"}),
        ("?kind=exchange_meeting", {"Postal channel round table"}),
        ("?kind=nonsense", set()),
        ("?direction=rights_holder:customs", {"Acme product identification"}),
        ("?direction=customs:rights_holder", {"Recordation clinic"}),
        ("?direction=customs:all", {"Postal channel round table"}),
        ("?direction=bogus", set()),
        ("?topic=recordation", {"Recordation clinic"}),
        ("?q=trademark", {"Recordation clinic"}),
        ("?q=ROUND+table", {"Postal channel round table"}),
        ("?q=100%25", set()),
    ],
)
def test_list_filters(client, login, admin, listing, query, expected):
    login(admin)
    page = client.get("/events/" + query).get_data(as_text=True)
    shown = {t for t in (
        "Acme product identification", "Recordation clinic", "Postal channel round table",
        "Last year's session") if t in page.replace("&#39;", "'")}
    assert shown == expected


def test_host_and_date_range_filters(client, login, admin, listing):
    login(admin)
    host = listing["recordation"].host_organization_id
    page = client.get(f"/events/?host={host}").get_data(as_text=True)
    assert "Recordation clinic" in page and "Acme product" not in page
    start = listing["recordation"].start_at.date()
    page = client.get(f"/events/?from={start - timedelta(days=1)}&to={start + timedelta(days=1)}"
                      ).get_data(as_text=True)
    assert "Recordation clinic" in page and "Acme product" not in page
    assert "Postal channel round table" not in page
    assert client.get("/events/?from=not-a-date&to=2020-13-45").status_code == 200


def test_direction_choices_and_labels_are_shown(client, login, admin, listing):
    login(admin)
    page = client.get("/events/").get_data(as_text=True)
    assert "Rights holder → Customs" in page
    assert "Customs → Rights holders" in page
    assert "Customs ↔ Everyone" in page  # the exchange meeting open to all
    assert 'value="customs:all"' in page


def test_calendar_places_events_on_local_days(client, login, make_event, organizer, make_user,
                                              customs_org):
    # 23:30 UTC on the 14th is the 15th in Shanghai (UTC+8).
    start = datetime(2031, 7, 14, 23, 30, tzinfo=UTC)
    make_event(organizer, title="Late night call", start=start)
    viewer = make_user(org=customs_org, timezone="Asia/Shanghai")
    login(viewer)
    page = client.get("/events/calendar?month=2031-07").get_data(as_text=True)
    assert "July 2031" in page and "Late night call" in page
    cell = page.split("Late night call")[0].rsplit('class="day-number"', 1)[1]
    assert ">15<" in cell or "15</div>" in cell
    assert "07:30" in page  # local time in the viewer's zone
    assert "month=2031-06" in page and "month=2031-08" in page
    assert client.get("/events/calendar?month=garbage").status_code == 200


def test_event_page_shows_both_zones_direction_and_escaped_description(
    client, login, make_event, organizer, make_user, customs_org
):
    event = make_event(
        organizer, title="Zone test", audience=[OrgKind.customs], timezone="Europe/Brussels",
        description="<script>alert(1)</script>\nSecond line", online_url="https://meet.example/x",
        venue="Room 1", start=datetime(2031, 7, 14, 8, 0, tzinfo=UTC), capacity=10,
    )
    viewer = make_user(org=customs_org, timezone="Asia/Shanghai")
    login(viewer)
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert "Rights holder → Customs" in page
    assert "Brussels time (UTC+2)" in page and "Beijing time (UTC+8)" in page
    assert "10:00" in page and "16:00" in page  # 08:00 UTC in each zone
    assert "&lt;script&gt;alert(1)&lt;/script&gt;<br>" in page and "<script>alert" not in page
    assert "10 seats left of 10" in page
    assert "https://meet.example/x" not in page  # not confirmed yet
    registrations.register(event, viewer)
    db.session.commit()
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert "https://meet.example/x" in page and "9 seats left of 10" in page
    login(organizer)
    assert "https://meet.example/x" in client.get(f"/events/{event.id}").get_data(as_text=True)
    assert registrations.registration_for(event, viewer).status == RegistrationStatus.confirmed


def test_my_events_tabs(client, login, make_event, organizer, other_organizer):
    now = datetime.now(UTC)
    make_event(organizer, title="Upcoming one")
    make_event(organizer, title="Draft one", status=EventStatus.draft)
    make_event(organizer, title="Past one", start=now - timedelta(days=10))
    make_event(other_organizer, title="Not mine")
    login(organizer)
    tabs = {tab: client.get(f"/events/mine?tab={tab}").get_data(as_text=True)
            for tab in ("upcoming", "drafts", "past")}
    assert "Upcoming one" in tabs["upcoming"] and "Draft one" not in tabs["upcoming"]
    assert "Draft one" in tabs["drafts"] and "Upcoming one" not in tabs["drafts"]
    assert "Past one" in tabs["past"] and "Upcoming one" not in tabs["past"]
    assert all("Not mine" not in page for page in tabs.values())


def test_one_submission_reports_shape_and_rule_problems_together(client, login, organizer):
    login(organizer)
    page = client.post("/events/new", data=form_data(
        organizer.organization_id, title="", end_time="08:00", venue="")).get_data(as_text=True)
    assert "This field is required." in page
    assert "The end must be after the start." in page
    assert "Give a venue, an online link, or both." in page
    assert "Some fields need your attention." in page
    assert db.session.scalars(select(Event)).all() == []
