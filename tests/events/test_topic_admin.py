"""Administrators manage the topic vocabulary from its pages: add, rename (the slug and old
links keep working), review what organizers proposed (accept or merge), merge duplicates."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from extensions import db
from liaison.accounts.models import Role
from liaison.events import topics
from liaison.events.models import Event, EventStatus, Topic, TopicStatus
from tests.events.test_pages import form_data
from tests.events.test_query_counts import counting


@pytest.fixture
def postal(app):
    topic = topics.ensure_topic("postal channel", "邮递渠道")
    db.session.commit()
    return topic


def titles(client, topic: str) -> set[str]:
    page = client.get("/events/", query_string={"topic": topic}).get_data(as_text=True)
    return {e.title for e in db.session.scalars(select(Event)) if f">{e.title}</a>" in page}


def test_an_admin_adds_a_topic_and_bad_input_writes_nothing(client, login, admin, postal):
    login(admin)
    added = client.post("/admin/topics/new", data={
        "label_en": "Spare parts", "label_zh": "零部件", "aliases": "spares\n备件"})
    assert added.status_code == 302
    assert topics.resolve("备件").slug == "spare-parts"
    for data, field, message in (
        ({"label_en": ""}, "label_en", "This field is required."),
        ({"label_en": "Post", "label_zh": "邮递渠道"}, "label_zh", "already names the topic"),
    ):
        page = client.post("/admin/topics/new", data=data)
        assert page.status_code == 200
        html = page.get_data(as_text=True)
        assert f'id="{field}-feedback">' in html and message in html
    assert db.session.scalar(select(db.func.count()).select_from(Topic)) == 2


def test_renaming_keeps_links_and_feeds_working(client, login, admin, postal, make_event):
    make_event(title="Parcels", topics=["postal channel"])
    login(admin)
    response = client.post("/admin/topics/postal-channel/edit", data={
        "label_en": "Postal and express channel", "label_zh": "邮件快件渠道", "aliases": ""})
    assert response.status_code == 302
    for old in ("postal-channel", "postal channel", "邮递渠道", "邮件快件渠道"):
        assert titles(client, old) == {"Parcels"}
    feed = client.get("/calendar/public.ics?topic=postal+channel").data
    assert b"Parcels" in feed and b"Postal and express channel" in feed


def test_a_proposed_topic_is_reviewed_and_accepted(client, login, admin, organizer, postal):
    login(organizer)
    data = form_data(organizer.organization_id, other_topics="Spare parts, 邮递渠道")
    saved = client.post("/events/new", data=data, follow_redirects=True).get_data(as_text=True)
    assert "New topics go to the administrators for review: Spare parts." in saved
    event = db.session.scalars(select(Event)).one()
    assert event.topics == ["postal-channel", "spare-parts"]
    event.status = EventStatus.published
    db.session.commit()
    assert client.get("/admin/topics?tab=proposed").status_code == 403  # organizers: no

    login(admin)
    listing = client.get("/admin/topics?tab=proposed").get_data(as_text=True)
    assert "Spare parts" in listing and "Olivia Organizer" in listing
    review = client.get("/admin/topics/spare-parts/edit").get_data(as_text=True)
    assert "Accept into the vocabulary" in review
    accepted = client.post("/admin/topics/spare-parts/edit", data={
        "label_en": "Spare parts", "label_zh": "零部件", "aliases": ""})
    assert accepted.status_code == 302
    topic = db.session.get(Topic, "spare-parts")
    assert topic.status == TopicStatus.accepted and topic.label_zh == "零部件"
    assert titles(client, "零部件") == {event.title}


def test_merging_a_duplicate_moves_its_events(client, login, admin, postal, make_event):
    make_event(title="Parcels", topics=["postal channel"])
    make_event(title="Mail", topics=["Postal route"])
    login(admin)
    page = client.get("/admin/topics/postal-route/edit").get_data(as_text=True)
    assert '<option value="postal-channel">' in page
    merged = client.post("/admin/topics/postal-route/merge", data={"into": "postal-channel"})
    assert merged.status_code == 302
    assert titles(client, "postal-route") == titles(client, "postal-channel") == {
        "Parcels", "Mail"}
    assert client.get("/admin/topics/postal-route/edit").status_code == 404
    refused = client.post("/admin/topics/postal-channel/merge", data={"into": "nothing"},
                          follow_redirects=True)
    assert "Choose the topic to merge into" in refused.get_data(as_text=True)


@pytest.mark.parametrize("tab", ["vocabulary", "proposed"])
def test_the_topic_list_runs_the_same_queries_for_5_or_40_topics(
    client, login, admin, make_event, make_user, monkeypatch, tab
):
    login(admin)
    monkeypatch.setitem(client.application.config, "PER_PAGE", 100)
    organizer = make_user(role=Role.organizer)

    def add(n: int, start: int) -> None:
        for i in range(start, start + n):
            topic = topics.ensure_topic(f"Topic {i}", f"主题 {i}", [f"alias {i}"])
            if tab == "proposed":
                topic.status, topic.proposed_by = TopicStatus.proposed, organizer
        db.session.commit()
        make_event(organizer=organizer, topics=[f"Topic {i}" for i in range(start, start + 3)])

    def statements() -> int:
        db.session.expire_all()
        with counting() as seen:
            response = client.get(f"/admin/topics?tab={tab}")
        assert response.status_code == 200
        return len(seen)

    add(5, 0)
    few = statements()
    add(35, 5)
    assert statements() == few <= 10
    assert "Topic 39" in client.get(f"/admin/topics?tab={tab}").get_data(as_text=True)
