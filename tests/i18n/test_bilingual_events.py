"""Events in two languages: a Chinese reader and an English reader each get their own title (and
description) in the page, the invite, the reminder, their personal feed and the public feed;
topic filters in either language find the same events."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import select

from extensions import db
from liaison.accounts.models import OrgKind, Role
from liaison.calendar.feedtokens import calendar_url
from liaison.events.models import Event
from liaison.events.topics import ensure_topic
from liaison.mail.models import OutboxMessage
from liaison.notifications import reminders
from liaison.registration import registrations

EN_TITLE, ZH_TITLE = "Spotting fake bearings", "识别假冒轴承"
EN_TEXT, ZH_TEXT = "Bring a loupe.", "请带放大镜。"


@pytest.fixture
def readers(app, make_user, make_org):
    office = make_org("Ningbo Customs", kind=OrgKind.customs, name_zh="宁波海关")
    return {
        language: make_user(language=language, org=office, display_name=f"Reader {language}")
        for language in ("en", "zh")
    }


@pytest.fixture
def event(make_event, make_user):
    ensure_topic("postal channel", "邮递渠道")
    organizer = make_user(role=Role.organizer)
    return make_event(
        organizer=organizer, title=EN_TITLE, title_zh=ZH_TITLE, description=EN_TEXT,
        description_zh=ZH_TEXT, topics=["postal channel"], venue="Room 1",
        start=datetime.now(UTC).replace(microsecond=0) + timedelta(hours=20),
    )


def summaries(body: bytes) -> list[str]:
    return [str(c["SUMMARY"]) for c in Calendar.from_ical(body).walk("VEVENT")]


def descriptions(body: bytes) -> str:
    return "\n".join(str(c["DESCRIPTION"]) for c in Calendar.from_ical(body).walk("VEVENT"))


def test_the_page_shows_each_reader_their_title(client, login, readers, event):
    for language, title, text, other in (("en", EN_TITLE, EN_TEXT, ZH_TITLE),
                                         ("zh", ZH_TITLE, ZH_TEXT, EN_TITLE)):
        login(readers[language])
        page = client.get(f"/events/{event.id}").get_data(as_text=True)
        assert f"<h1 class=\"page-title\">{title}</h1>" in page and text in page
        assert other not in page
        listing = client.get("/events/").get_data(as_text=True)
        assert title in listing and other not in listing


def test_without_a_chinese_title_chinese_readers_get_the_english_one(
    client, login, readers, event
):
    event.title_zh = event.description_zh = None
    db.session.commit()
    login(readers["zh"])
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert EN_TITLE in page and EN_TEXT in page and "我的报名" in page  # a Chinese page


def test_invites_and_reminders_carry_the_recipients_title(app, readers, event):
    for user in readers.values():
        registrations.register(event, user)
    assert reminders.send_reminders() == 2
    db.session.commit()
    mail = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    by_kind = {(m.kind, m.user_id): m for m in mail}
    for language, title, other in (("en", EN_TITLE, ZH_TITLE), ("zh", ZH_TITLE, EN_TITLE)):
        user = readers[language]
        confirmed = by_kind[("registration_confirmed", user.id)]
        assert title in confirmed.subject and other not in confirmed.subject
        assert title in confirmed.body_text and other not in confirmed.body_text
        assert summaries(confirmed.ical) == [title]
        assert (ZH_TEXT if language == "zh" else EN_TEXT) in descriptions(confirmed.ical)
        reminder = by_kind[("reminder", user.id)]
        assert title in reminder.subject and title in reminder.body_html
        assert other not in reminder.body_text


def test_personal_feeds_are_in_their_owners_language(app, client, readers, event):
    base = app.config["BASE_URL"]
    for user in readers.values():
        registrations.register(event, user)
    db.session.commit()
    for language, title, label in (("en", EN_TITLE, "postal channel"),
                                   ("zh", ZH_TITLE, "邮递渠道")):
        url = calendar_url(readers[language], base).removeprefix(base)
        db.session.commit()
        body = client.get(url).data
        assert summaries(body) == [title]
        assert label in descriptions(body)


def test_the_public_feed_takes_lang(client, event, app):
    assert summaries(client.get("/calendar/public.ics").data) == [EN_TITLE]
    zh = client.get("/calendar/public.ics?lang=zh&topic=postal-channel").data
    assert summaries(zh) == [ZH_TITLE]
    assert "邮递渠道" in descriptions(zh) and ZH_TEXT in descriptions(zh)
    assert "邮递渠道" in Calendar.from_ical(zh)["X-WR-CALNAME"]


def test_a_new_chinese_title_changes_the_chinese_feed_at_once(client, event):
    path = "/calendar/public.ics?lang=zh"
    first = client.get(path)
    event.title_zh = "识别假冒滚珠轴承"
    db.session.commit()
    again = client.get(path, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 200 and summaries(again.data) == ["识别假冒滚珠轴承"]


@pytest.fixture
def topical(make_event, make_user):
    """Three events: two on the postal channel, one on recordation."""
    ensure_topic("postal channel", "邮递渠道", ["postal and express"])
    organizer = make_user(role=Role.organizer)
    made = [
        make_event(organizer=organizer, title="Parcels", topics=["postal channel"]),
        make_event(organizer=organizer, title="Parcels and fairs",
                   topics=["postal channel", "trade fairs"]),
        make_event(organizer=organizer, title="Recordation", topics=["recordation"]),
    ]
    return {e.title for e in made if "postal-channel" in e.topics}


# The slug, the English label in another case and spacing, the Chinese label, an alias.
SPELLINGS = ["postal-channel", "Postal  Channel", "邮递渠道", "POSTAL AND EXPRESS"]


@pytest.mark.parametrize("value", SPELLINGS)
def test_topic_filters_in_either_language_find_the_same_events(
    client, topical, value, api_as, make_user
):
    page = client.get("/events/", query_string={"topic": value}).get_data(as_text=True)
    assert {t for t in ("Parcels", "Parcels and fairs", "Recordation")
            if f">{t}</a>" in page} == topical
    feed = client.get("/calendar/public.ics", query_string={"topic": value, "lang": "zh"})
    assert set(summaries(feed.data)) == topical
    api = api_as(make_user())
    listed = api.get("/events", query_string={"topic": value}).json["items"]
    assert {e["title"] for e in listed} == topical


def test_the_filter_lists_topics_by_slug_in_the_readers_language(client, topical, choose_language):
    page = client.get("/events/").get_data(as_text=True)
    assert '<option value="postal-channel">postal channel</option>' in page
    choose_language("zh")
    page = client.get("/events/?topic=Postal+channel").get_data(as_text=True)
    assert '<option value="postal-channel" selected>邮递渠道</option>' in page


def test_the_api_lists_the_vocabulary(api_as, make_user, topical):
    listed = api_as(make_user()).get("/topics")
    assert listed.status_code == 200
    postal = next(t for t in listed.json if t["slug"] == "postal-channel")
    assert postal == {"slug": "postal-channel", "en": "postal channel", "zh": "邮递渠道",
                      "proposed": False}


def test_the_api_takes_and_gives_both_titles(api_as, make_user):
    organizer = make_user(role=Role.organizer)
    api = api_as(organizer)
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=9)
    created = api.post("/events", json={
        "kind": "training", "title": EN_TITLE, "title_zh": ZH_TITLE, "description_zh": ZH_TEXT,
        "topics": ["邮递渠道", "Brand new topic"], "start": start.isoformat(),
        "end": (start + timedelta(hours=2)).isoformat(), "timezone": "Asia/Shanghai",
        "venue": "Room 2",
    })
    assert created.status_code == 201, created.json
    assert (created.json["title_zh"], created.json["description_zh"]) == (ZH_TITLE, ZH_TEXT)
    new, chinese = created.json["topics"]
    assert new == "brand-new-topic" and chinese.startswith("topic-")
    proposed = {t["slug"]: t for t in api.get("/topics").json}
    assert proposed[chinese] == {"slug": chinese, "en": "邮递渠道", "zh": "邮递渠道",
                                 "proposed": True}
    changed = api.patch(f"/events/{created.json['id']}", json={"title_zh": ""})
    assert changed.status_code == 200 and changed.json["title_zh"] is None
    event = db.session.get(Event, created.json["id"])
    assert event.title_zh is None and event.title == EN_TITLE
