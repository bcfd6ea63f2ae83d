"""Migration 0040 turns the first wave's free tags into the topic vocabulary: every event keeps
its topics (now slugs), common tags get Chinese labels, and the old tag text still finds the
topic, so `?topic=<old tag>` keeps working."""
from __future__ import annotations

import json
import os

import pytest
import sqlalchemy as sa

from tests.test_migrations import FIRST_WAVE, _load_first_wave, flask


def _first_wave_tags() -> dict[int, set[str]]:
    rows = json.loads(FIRST_WAVE.read_text())["tables"]["event_topic"]["rows"]
    tags: dict[int, set[str]] = {}
    for event_id, name in rows:
        tags.setdefault(event_id, set()).add(name)
    return tags


def _upgrade_and_read(url: str) -> tuple[dict, dict, dict]:
    _load_first_wave(url)
    upgrade = flask("db", "upgrade", database_url=url)
    assert upgrade.returncode == 0, upgrade.stderr
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            links: dict[int, set[str]] = {}
            for event_id, slug in conn.execute(sa.text(
                    "SELECT event_id, topic_slug FROM event_topic")):
                links.setdefault(event_id, set()).add(slug)
            labels = {slug: (en, zh) for slug, en, zh in conn.execute(sa.text(
                "SELECT slug, label_en, label_zh FROM topic"))}
            names = dict(conn.execute(sa.text("SELECT key, topic_slug FROM topic_name")).all())
    finally:
        engine.dispose()
    return links, labels, names


def _assert_tags_became_topics(url: str) -> None:
    links, labels, names = _upgrade_and_read(url)
    for event_id, tags in _first_wave_tags().items():
        assert {names[tag.casefold()] for tag in tags} == links[event_id], event_id
        assert {labels[s][0] for s in links[event_id]} == tags
    assert labels["postal-channel"] == ("postal channel", "邮递渠道")
    assert labels["recordation"] == ("recordation", "知识产权海关保护备案")
    assert names["邮递渠道"] == names["postal-channel"] == "postal-channel"


def test_free_tags_become_slugs_on_sqlite(tmp_path):
    _assert_tags_became_topics(f"sqlite:///{tmp_path / 'tags.sqlite'}")


@pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"), reason="PostgreSQL not configured")
def test_free_tags_become_slugs_on_postgresql():
    url = os.environ["TEST_DATABASE_URL"]
    engine = sa.create_engine(url)

    def reset():
        with engine.begin() as conn:
            conn.execute(sa.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public;"))

    reset()
    try:
        _assert_tags_became_topics(url)
    finally:
        reset()
        engine.dispose()


def test_downgrading_gives_the_tags_back(tmp_path):
    url = f"sqlite:///{tmp_path / 'back.sqlite'}"
    _load_first_wave(url)
    assert flask("db", "upgrade", "0040", database_url=url).returncode == 0
    down = flask("db", "downgrade", "0002", database_url=url)
    assert down.returncode == 0, down.stderr
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT event_id, name FROM event_topic")).all()
    engine.dispose()
    back: dict[int, set[str]] = {}
    for event_id, name in rows:
        back.setdefault(event_id, set()).add(name)
    assert back == _first_wave_tags()
