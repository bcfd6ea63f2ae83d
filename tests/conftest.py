"""Shared fixtures: a fresh app and database per test, a client, and factories.

TEST_DATABASE_URL (set by `make test` for its PostgreSQL pass) runs the same tests on
PostgreSQL; otherwise each test gets its own SQLite file.
"""

from __future__ import annotations

import itertools
import os
import shutil
import sqlite3
import time
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from flask import g
from sqlalchemy import text

from app import create_app
from config import TestConfig
from extensions import db
from liaison.accounts.models import Organization, OrgKind, Role, User
from liaison.accounts.passwords import hash_password
from liaison.core import generation
from liaison.events.models import Event, EventKind, EventStatus
from liaison.registration.models import Registration, RegistrationStatus

PASSWORD = "correct horse battery"
_counter = itertools.count(1)


INSTANCE_FEED_CACHE = Path(__file__).resolve().parent.parent / "instance" / "feed-cache"


def _instance_feed_cache() -> set[tuple[str, int]]:
    if not INSTANCE_FEED_CACHE.is_dir():
        return set()
    return {(p.name, p.stat().st_mtime_ns) for p in INSTANCE_FEED_CACHE.iterdir()}


def pytest_sessionfinish(session, exitstatus):
    """The suite never writes into the instance folder's feed cache (issue 15, finding 13):
    a run that did fails, naming the files."""
    written = _instance_feed_cache() - session.config._liaison_feed_cache
    if written:
        print(f"\nthe tests wrote into {INSTANCE_FEED_CACHE}: {sorted(written)[:5]}")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_configure(config):
    """Under pytest-xdist on PostgreSQL, each worker gets a database of its own on the server
    (`<name>_gw0`, …), created empty here; TEST_DATABASE_URL names it for the worker, its
    fixtures and the processes its tests start."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    url = os.environ.get("TEST_DATABASE_URL", "")
    if not worker or not url.startswith("postgresql"):
        return
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    shared = make_url(url)
    own = shared.set(database=f"{shared.database}_{worker}")
    server = create_engine(shared, isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{own.database}"'))
        connection.execute(text(f'CREATE DATABASE "{own.database}"'))
    server.dispose()
    os.environ["TEST_DATABASE_URL"] = own.render_as_string(hide_password=False)


def pytest_sessionstart(session):
    """Compile the message catalogs when missing or stale, so plain `pytest` serves Chinese
    pages as `make test` does (compiled files are not committed)."""
    session.config._liaison_feed_cache = _instance_feed_cache()

    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po in Path(__file__).resolve().parent.parent.glob("translations/*/LC_MESSAGES/*.po"):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            with po.open("rb") as source:
                catalog = read_po(source, locale=po.parent.parent.name)
            partial = mo.with_suffix(f".{os.getpid()}.tmp")  # xdist workers compile at once
            with partial.open("wb") as target:
                write_mo(target, catalog)
            partial.replace(mo)


def post_login(client, email, password=PASSWORD, *, remember=False, next_url=None, **kwargs):
    """The log-in form posted over HTTP (the `login` fixture skips it); `kwargs` go to
    `client.post`, e.g. `environ_base`."""
    data = {"email": email, "password": password}
    if remember:
        data["remember"] = "y"
    query = {"next": next_url} if next_url else {}
    return client.post("/auth/login", query_string=query, data=data, **kwargs)


def _reset_postgres() -> None:
    db.session.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public;"))
    db.session.commit()


_postgres_schema_built = False
_sqlite_template: Path | None = None


def _fresh_sqlite(path: Path) -> None:
    """This test's SQLite file with the models' schema: built once per run (with its
    triggers), then copied for each test instead of built again."""
    global _sqlite_template
    if _sqlite_template is None:
        db.create_all()
        db.session.commit()
        template = path.with_name("schema-template.sqlite")
        with closing(sqlite3.connect(path)) as source, closing(sqlite3.connect(template)) as copy:
            source.backup(copy)
        _sqlite_template = template
        return
    db.engine.dispose()
    shutil.copyfile(_sqlite_template, path)


def _empty_postgres() -> None:
    """The shared PostgreSQL database, empty, with the models' schema. The schema is built
    once per run (0.2 s a test otherwise); after that each test empties every table
    (TRUNCATE … RESTART IDENTITY, ids start at 1 again) unless a test left other tables
    behind (a migration test), in which case the schema is built again."""
    global _postgres_schema_built
    tables = [table.name for table in db.metadata.sorted_tables]
    if _postgres_schema_built:
        present = set(db.session.scalars(
            text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")))
        if present == set(tables):
            names = ", ".join(f'"{name}"' for name in tables)
            db.session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
            generation.install_row(db.session.connection())
            db.session.commit()
            return
    _reset_postgres()
    db.create_all()
    _postgres_schema_built = True


@pytest.fixture
def app_settings() -> dict:
    """Config overrides applied before the app starts; parametrize it to change them, e.g.
    `@pytest.mark.parametrize("app_settings", [{"RATELIMIT_ENABLED": True}])`."""
    return {}


@pytest.fixture
def app(tmp_path, app_settings):
    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = os.environ.get(
            "TEST_DATABASE_URL", f"sqlite:///{tmp_path / 'test.sqlite'}"
        )
        FEED_CACHE_DIR = str(tmp_path / "feed-cache")

    Config.MATERIALS_DIR = str(tmp_path / "materials")  # uploads never land in instance/
    for name, value in app_settings.items():
        setattr(Config, name, value)
    app = create_app(Config)

    @app.before_request
    def _forget_last_request_user():
        # This fixture's app context outlives requests, and Flask-Login caches the user in `g`;
        # in production every request has its own `g`, so drop the cached user here too.
        g.pop("_login_user", None)
        g.pop("_flask_babel", None)  # Flask-Babel caches the locale in `g` the same way
        g.pop("csrf_token", None)  # and Flask-WTF the CSRF token of the session

    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            _empty_postgres()
        else:
            _fresh_sqlite(tmp_path / "test.sqlite")
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def make_org(app):
    def make(name: str | None = None, kind: OrgKind = OrgKind.customs, **fields) -> Organization:
        org = Organization(name=name or f"Org {next(_counter)}", kind=kind, **fields)
        db.session.add(org)
        db.session.commit()
        return org

    return make


@pytest.fixture
def make_user(make_org):
    def make(
        email: str | None = None,
        role: Role = Role.participant,
        org: Organization | None = None,
        password: str = PASSWORD,
        **fields,
    ) -> User:
        user = User(
            email=email or f"user{next(_counter)}@example.test",
            display_name=fields.pop("display_name", "Test User"),
            password_hash=hash_password(password),
            organization=org or make_org(),
            role=role,
            **fields,
        )
        db.session.add(user)
        db.session.commit()
        return user

    return make


@pytest.fixture
def make_event(make_org, make_user):
    def make(
        organizer: User | None = None,
        start: datetime | None = None,
        hours: float = 2,
        status: EventStatus = EventStatus.published,
        audience=(),
        topics=(),
        **fields,
    ) -> Event:
        from liaison.events.models import EventTopic
        from liaison.events.topics import ensure_topic

        organizer = organizer or make_user(role=Role.organizer)
        start = start or datetime.now(UTC).replace(microsecond=0) + timedelta(days=7)
        event = Event(
            kind=fields.pop("kind", EventKind.training),
            title=fields.pop("title", f"Training {next(_counter)}"),
            description=fields.pop("description", "What genuine products look like."),
            host_organization=fields.pop("host_organization", None) or organizer.organization,
            start_at=start,
            end_at=start + timedelta(hours=hours),
            timezone=fields.pop("timezone", "Asia/Shanghai"),
            status=status,
            created_by=organizer,
            **fields,
        )
        event.audience = audience
        event.organizers.append(organizer)
        # Topics by label (added to the vocabulary when new) or by slug.
        slugs = sorted({ensure_topic(t).slug for t in topics})
        event.topic_rows = [EventTopic(topic_slug=s) for s in slugs]
        db.session.add(event)
        db.session.commit()
        return event

    return make


@pytest.fixture
def registered(app):
    """A registration written directly (the rules are the registrations module's business)."""

    def make(event, user, status=RegistrationStatus.confirmed) -> Registration:
        registration = Registration(event=event, user=user, status=status)
        db.session.add(registration)
        db.session.commit()
        return registration

    return make


@pytest.fixture
def login(client):
    """Log a user in on the test client without going through the form (auth tests do that):
    the session a password log-in makes, with the time the password was given."""

    def do(user: User):
        with client.session_transaction() as session:
            session["_user_id"] = user.get_id()
            session["_fresh"] = True
            session["auth_at"] = int(time.time())
        return user

    return do
