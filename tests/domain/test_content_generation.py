"""The content generation token moves with every committed write to a tracked table, whoever
writes it, and with nothing else; every table is classified."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import text

from extensions import db
from liaison.core.generation import TRACKED, UNTRACKED
from liaison.events.pagecache import current_token
from liaison.mail.models import OutboxMessage
from liaison.registration.models import Registration, RegistrationStatus


def token_after(statement: str, **params) -> str:
    db.session.execute(text(statement), params)
    db.session.commit()
    return current_token()


def test_every_table_is_tracked_or_says_why_not(app):
    tables = set(db.metadata.tables)
    assert set(TRACKED) | set(UNTRACKED) == tables
    assert not set(TRACKED) & set(UNTRACKED)


@pytest.fixture
def world(make_event, make_user):
    event = make_event(topics=["Counterfeit perfume"])
    participant = make_user()
    db.session.add(Registration(event=event, user=participant, status=RegistrationStatus.confirmed))
    db.session.commit()
    return event, participant


# One plain-SQL change per tracked table: update, then delete where a row can go.
CHANGES = {
    "organization": ["UPDATE organization SET name = name || ' (renamed)'"],
    "user": ['UPDATE "user" SET display_name = \'Someone Else\''],
    "event_series": [
        "INSERT INTO event_series (id, frequency, count, created_at) "
        "SELECT 900, 'weekly', 2, created_at FROM event",
        "UPDATE event_series SET count = 3",
        "DELETE FROM event_series WHERE id = 900",
    ],
    "event": ["UPDATE event SET title = 'Retitled'"],
    "event_topic": [
        "INSERT INTO topic (slug, label_en, status, created_at) "
        "SELECT 'spare-parts', 'Spare parts', 'accepted', created_at FROM event",
        "UPDATE event_topic SET topic_slug = 'spare-parts'",
        "DELETE FROM event_topic",
    ],
    "topic": [
        "UPDATE topic SET label_zh = '假冒香水'",
        "INSERT INTO topic (slug, label_en, status, created_at) "
        "SELECT 'x', 'X', 'proposed', created_at FROM event",
        "DELETE FROM topic WHERE slug = 'x'",
    ],
    "topic_name": [
        "INSERT INTO topic_name (key, topic_slug, kind, text) "
        "SELECT 'perfume', slug, 'alias', 'Perfume' FROM topic",
        "UPDATE topic_name SET text = 'perfume' WHERE key = 'perfume'",
        "DELETE FROM topic_name WHERE key = 'perfume'",
    ],
    "event_organizer": ["DELETE FROM event_organizer"],
    "registration": ["UPDATE registration SET reminded_at = NULL", "DELETE FROM registration"],
    "registration_answer": [
        "INSERT INTO registration_answer (registration_id, question_id, value_json, answered_at)"
        " SELECT registration.id, registration_question.id, '\"Ningbo\"', registration.created_at"
        " FROM registration JOIN registration_question"
        " ON registration_question.event_id = registration.event_id",
        "UPDATE registration_answer SET value_json = '\"Yiwu\"'",
        "DELETE FROM registration_answer",
    ],
    "registration_question": [
        "INSERT INTO registration_question (event_id, position, kind, label, required, personal,"
        " choices_json, created_at) SELECT id, 0, 'text', 'City', false, false, '[]', created_at"
        " FROM event",
        "UPDATE registration_question SET label = 'Town'",
        "DELETE FROM registration_question",
    ],
    "allocation": [
        "INSERT INTO allocation (event_id, organization_id, seats, release_at, created_at) "
        "SELECT id, host_organization_id, 2, start_at, start_at FROM event",
        "UPDATE allocation SET seats = 3",
        "DELETE FROM allocation",
    ],
    "attendance": [],  # inserted below: it needs the ids
    # liaison/meetings
    "agenda_item": [
        "INSERT INTO agenda_item (event_id, position, title, created_at, updated_at) "
        "SELECT id, 0, 'Opening', start_at, start_at FROM event",
        "UPDATE agenda_item SET title = 'Welcome'",
        "DELETE FROM agenda_item",
    ],
    "minutes": [
        "INSERT INTO minutes (event_id, version, status, created_at, updated_at) "
        "SELECT id, 1, 'draft', start_at, start_at FROM event",
        "UPDATE minutes SET status = 'circulated'",
        "DELETE FROM minutes",
    ],
    "minutes_item": [
        "INSERT INTO minutes (event_id, version, status, created_at, updated_at) "
        "SELECT id, 1, 'draft', start_at, start_at FROM event",
        "INSERT INTO minutes_item (minutes_id, position, title, notes) "
        "SELECT id, 0, 'Opening', '' FROM minutes",
        "UPDATE minutes_item SET notes = 'Agreed'",
        "DELETE FROM minutes_item",
    ],
    "outcome": [
        "INSERT INTO minutes (event_id, version, status, created_at, updated_at) "
        "SELECT id, 1, 'draft', start_at, start_at FROM event",
        "INSERT INTO minutes_item (minutes_id, position, title, notes) "
        "SELECT id, 0, 'Opening', '' FROM minutes",
        "INSERT INTO outcome (item_id, position, kind, text) "
        "SELECT id, 0, 'decision', 'Share the list' FROM minutes_item",
        "UPDATE outcome SET text = 'Share the full list'",
        "DELETE FROM outcome",
    ],
    "action_item": [
        "INSERT INTO action_item (event_id, text, owner_organization_id, due_on, status, live, "
        "created_at, updated_at) SELECT id, 'Send samples', host_organization_id, '2031-01-01', "
        "'open', true, start_at, start_at FROM event",
        "UPDATE action_item SET status = 'done'",
        "DELETE FROM action_item",
    ],
    "material": [
        "INSERT INTO material (event_id, title, visibility, created_at) "
        "SELECT id, 'Guide', 'registrants', start_at FROM event",
        "UPDATE material SET title = 'Identification guide'",
        "DELETE FROM material",
    ],
    "material_version": [
        "INSERT INTO material (event_id, title, visibility, created_at) "
        "SELECT id, 'Guide', 'registrants', start_at FROM event",
        "INSERT INTO material_version (material_id, number, filename, content_type, size, sha256,"
        " uploaded_at) SELECT id, 1, 'guide.pdf', 'application/pdf', 10, "
        f"'{'a' * 64}', created_at FROM material",
        "UPDATE material_version SET filename = 'guide-v1.pdf'",
        "DELETE FROM material_version",
    ],
    "training_request": [
        "INSERT INTO training_request (id, organization_id, title, description, "
        "trainer_kinds_csv, earliest, latest, mode, language_mask, timezone, status, expires_on, "
        "created_at, updated_at) SELECT 900, host_organization_id, 'Need', '', '', "
        "'2031-01-01', '2031-02-01', 'online', 1, 'UTC', 'open', '2031-02-01', created_at, "
        "created_at FROM event",
        "UPDATE training_request SET title = 'Renamed need'",
        "DELETE FROM training_request",
    ],
    "training_offer": [
        "INSERT INTO training_offer (id, organization_id, title, description, "
        "audience_kinds_csv, mode, language_mask, status, created_at, updated_at) "
        "SELECT 900, host_organization_id, 'Offer', '', '', 'online', 1, 'open', created_at, "
        "created_at FROM event",
        "UPDATE training_offer SET title = 'Renamed offer'",
        "DELETE FROM training_offer",
    ],
    # The rows below need a request or an offer: inserted first by `EXCHANGE_SETUP`.
    "request_topic": ["INSERT INTO request_topic (request_id, slug) VALUES (901, 'recordation')",
                      "DELETE FROM request_topic"],
    "offer_topic": ["INSERT INTO offer_topic (offer_id, slug) VALUES (901, 'recordation')",
                    "DELETE FROM offer_topic"],
    "offer_city": ["INSERT INTO offer_city (offer_id, key, name, position) "
                   "VALUES (901, 'shenzhen', 'Shenzhen', 0)", "DELETE FROM offer_city"],
    "proposal": [
        "INSERT INTO proposal (id, request_id, offer_id, side, status, created_at) "
        "SELECT 901, 901, 901, 'offer', 'proposed', created_at FROM event",
        "UPDATE proposal SET status = 'withdrawn'",
        "DELETE FROM proposal",
    ],
    "proposal_message": [
        "INSERT INTO proposal_message (proposal_id, body, created_at) "
        "SELECT 902, 'Hello', created_at FROM event",
        "DELETE FROM proposal_message",
    ],
    "survey_response": [],  # inserted below: it needs the ids
}

EXCHANGE_SETUP = [
    "INSERT INTO topic (slug, label_en, status, created_at) SELECT 'recordation', "
    "'recordation', 'accepted', created_at FROM event WHERE NOT EXISTS "
    "(SELECT 1 FROM topic WHERE slug = 'recordation')",
    "INSERT INTO training_request (id, organization_id, title, description, trainer_kinds_csv, "
    "earliest, latest, mode, language_mask, timezone, status, expires_on, created_at, "
    "updated_at) SELECT 901, host_organization_id, 'Need', '', '', '2031-01-01', '2031-02-01', "
    "'online', 1, 'UTC', 'open', '2031-02-01', created_at, created_at FROM event",
    "INSERT INTO training_offer (id, organization_id, title, description, audience_kinds_csv, "
    "mode, language_mask, status, created_at, updated_at) SELECT 901, host_organization_id, "
    "'Offer', '', '', 'online', 1, 'open', created_at, created_at FROM event",
    "INSERT INTO proposal (id, request_id, offer_id, side, status, created_at) "
    "SELECT 902, 901, 901, 'request', 'declined', created_at FROM event",
]


@pytest.mark.parametrize("table", TRACKED)
def test_plain_sql_writes_to_a_tracked_table_renew_the_token(app, world, table):
    event, participant = world
    statements = list(CHANGES[table])
    if table == "survey_response":
        statements = [
            "INSERT INTO survey_response (event_id, submitted_at, answers_json, overall) "
            f"SELECT {event.id}, start_at, '{{}}', 4 FROM event",
            "UPDATE survey_response SET overall = 5",
            "DELETE FROM survey_response",
        ]
    assert statements, f"no change written for {table}"
    if table in ("request_topic", "offer_topic", "offer_city", "proposal", "proposal_message"):
        for statement in EXCHANGE_SETUP:
            token_after(statement)
    if table == "registration_answer":
        token_after(CHANGES["registration_question"][0])
    seen = {current_token()}
    for statement in statements:
        token = token_after(statement)
        assert token not in seen, statement
        seen.add(token)


def test_a_rolled_back_write_leaves_the_token(app, world):
    before = current_token()
    db.session.execute(text("UPDATE event SET title = 'Never saved'"))
    db.session.rollback()
    assert current_token() == before


def test_untracked_tables_leave_the_token(app, world):
    before = current_token()
    db.session.add(OutboxMessage(
        kind="test", recipient="a@example.test", subject="s", body_text="b", message_id="<m@t>"
    ))
    db.session.commit()
    assert current_token() == before


def test_orm_changes_renew_it_too(app, world):
    event, _ = world
    before = current_token()
    event.end_at += timedelta(minutes=30)
    db.session.commit()
    assert current_token() != before
