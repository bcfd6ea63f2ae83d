"""What a feed is made of, event by event: the keys of its entries and its fingerprint.

One query per feed applies the feed's own WHERE (same `now`, same window, same grace period)
and has the database encode, for every event in the feed, every column of the event and of
its host organization (and, for a personal feed, the owner's registration status and stamp
and whether they organize it) as one JSON array (`json_array` / `json_build_array`), so
different rows can never encode alike. A second query does the same for
the events' topics (the event-topic rows and the vocabulary rows with both labels).

An event's *entry key* is SHA-256 over the code (`feedcache.BUILD_ID`), the language, the base
URL, the kind of reader (public; or a personal feed's owner's organizer role) and that event's
encoded rows: everything its VEVENT is built from (`assembly`). The feed's *fingerprint* is
SHA-256 over the code, the VCALENDAR head (name, language) and its entry keys in order: its
ETag and the key of its stored body.

Nothing here leans on `updated_at` being bumped: a change made with plain SQL changes the
encoded rows all the same. `valid_until` is when the clock alone would change the rows (the
first event to leave the window or its cancellation's grace period): until then, and while
no tracked table is written (`liaison.core.generation`), the fingerprint stays what it is.
"""
from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy import Integer, Select, and_, bindparam, exists

from extensions import db
from liaison.accounts.models import Organization, User
from liaison.calendar import feedcache, ical
from liaison.core.types import UTCDateTime
from liaison.events.models import Event, EventStatus, EventTopic, Topic, event_organizer
from liaison.registration.models import Registration

_HOST = Organization.__table__.alias("fc_host")
_REG = Registration.__table__.alias("fc_reg")
_TRACKED = (Event.id, Event.start_at, Event.end_at, Event.status, Event.cancelled_at,
            Event.updated_at)


@dataclass(frozen=True)
class FeedContent:
    """One feed as it stands: which events, in order, under which entry keys."""

    event_ids: list[int]  # in feed order: start, then id
    entry_keys: list[str]
    head: bytes  # the VCALENDAR's own lines
    fingerprint: str
    valid_until: datetime | None  # None: no event will leave with time alone

    @property
    def etag(self) -> str:
        return self.fingerprint[:40]


def _line(columns, postgresql: bool):
    """`columns` as one JSON array, made by the database: strings quoted and escaped, numbers
    and NULL apart, so different rows can never encode alike (and one function call per row
    costs a quarter of quoting each value and joining them)."""
    if postgresql:
        return sa.cast(sa.func.json_build_array(*columns), sa.Text)
    return sa.func.json_array(*columns)


def _event_rows(stmt: Select, postgresql: bool, personal_user=None) -> Select:
    """(id, start, end, status, cancelled, updated, encoded line) of every event of `stmt`."""
    columns = [*Event.__table__.c, *_HOST.c]
    rows = stmt.join(_HOST, _HOST.c.id == Event.host_organization_id)
    if personal_user is not None:
        organizes = exists().where(
            event_organizer.c.event_id == Event.id, event_organizer.c.user_id == personal_user
        )
        rows = rows.outerjoin(
            _REG, and_(_REG.c.event_id == Event.id, _REG.c.user_id == personal_user)
        )
        # What the VEVENT shows of the reader (TENTATIVE or not, the online link), not when
        # they registered: readers alike share the entry.
        columns += [_REG.c.status, organizes]
    return rows.with_only_columns(*_TRACKED, _line(columns, postgresql).label("line")).order_by(
        None
    )


def _topic_rows(stmt: Select, postgresql: bool) -> Select:
    """(event id, encoded line) of every topic of the events of `stmt`, in slug order."""
    ids = stmt.with_only_columns(Event.id).order_by(None)
    line = _line([*EventTopic.__table__.c, *Topic.__table__.c], postgresql)
    return (
        sa.select(EventTopic.event_id, line.label("line"))
        .join(Topic, Topic.slug == EventTopic.topic_slug)
        .where(EventTopic.event_id.in_(ids))
        .order_by(EventTopic.event_id, Topic.slug)
    )


def _postgresql() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


def _digest(*parts: bytes | str) -> hashlib._Hash:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part)
        digest.update(b"\x00")
    return digest


def content(
    queries: tuple[Select, Select],
    *,
    reader: tuple,
    head: bytes,
    locale: str,
    base_url: str,
    past_days: int,
    grace_days: int,
    params: dict | None = None,
) -> FeedContent:
    """Run a feed's two queries (`params` for their bind parameters) and key its entries."""
    event_query, topic_query = queries
    topics: dict[int, list[str]] = defaultdict(list)
    for event_id, line in db.session.execute(topic_query, params or {}):
        topics[event_id].append(line)
    rows = sorted(db.session.execute(event_query, params or {}).all(),
                  key=lambda r: (r.start_at, r.id))
    prefix = _digest(feedcache.BUILD_ID, locale, base_url, repr(reader))
    keys, limits = [], []
    for row in rows:
        digest = prefix.copy()
        digest.update(row.line.encode("utf-8", "surrogatepass"))
        for line in topics.get(row.id, ()):
            digest.update(b"\x1e" + line.encode("utf-8", "surrogatepass"))
        keys.append(digest.hexdigest())
        limits.append(row.end_at + timedelta(days=past_days))
        if row.status == EventStatus.cancelled:
            limits.append((row.cancelled_at or row.updated_at) + timedelta(days=grace_days))
    fingerprint = _digest(feedcache.BUILD_ID, head, *keys).hexdigest()
    return FeedContent(
        event_ids=[row.id for row in rows],
        entry_keys=keys,
        head=head,
        fingerprint=fingerprint,
        valid_until=min(limits, default=None),
    )


def public_queries(stmt: Select) -> tuple[Select, Select]:
    """The two queries of a public feed whose events `stmt` selects (`feeds.public_select`)."""
    postgresql = _postgresql()
    return _event_rows(stmt, postgresql), _topic_rows(stmt, postgresql)


_personal: dict[bool, tuple[Select, Select]] = {}


def personal_queries(personal_select) -> tuple[Select, Select]:
    """The two queries of every personal feed, with bind parameters fc_user_id,
    fc_ended_after and fc_cancelled_after (`personal_params`): built once per dialect, so
    SQLAlchemy reuses their compiled SQL (a calendar program polls this)."""
    postgresql = _postgresql()
    if postgresql not in _personal:
        user = bindparam("fc_user_id", type_=Integer())
        stmt = personal_select(
            user,
            bindparam("fc_ended_after", type_=UTCDateTime()),
            bindparam("fc_cancelled_after", type_=UTCDateTime()),
        )
        _personal[postgresql] = (
            _event_rows(stmt, postgresql, personal_user=user), _topic_rows(stmt, postgresql)
        )
    return _personal[postgresql]


def personal_params(user: User, *, now: datetime, grace_days: int, past_days: int) -> dict:
    return {
        "fc_user_id": user.id,
        "fc_ended_after": now - timedelta(days=past_days),
        "fc_cancelled_after": now - timedelta(days=grace_days),
    }


def head(name: str) -> bytes:
    """A feed's VCALENDAR head: its name and refresh interval."""
    return ical.calendar_head(name=name, refresh=True)
