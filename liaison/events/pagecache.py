"""Rendered pages kept in memory while nothing they are made from can have changed.

A page for an anonymous visitor is a function of (1) the rows of the tracked tables, (2) the
request (path with query string, language, time zone) and (3) the clock, through rules such
as "upcoming = has not ended". The cache key holds all three:

1. the content generation token (`current_token`), which the database renews on every write
   to a tracked table (`liaison.models.generation`);
2. the request parts, chosen by the caller;
3. the *period* (`PageCache.period`): where "now" is among the event instants (starts, ends,
   registration openings and closings). Every comparison of an event time with "now" has
   the same answer throughout a period, so a page rendered in one period is valid for all
   of it; when the clock reaches the next instant, the key changes.

The code that renders is fixed for the life of a process, and the store is per process, so
templates and catalogs need no place in the key.
"""
from __future__ import annotations

import bisect
import threading
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa

from extensions import db
from liaison.core.generation import ContentGeneration
from liaison.core.lru import BoundedLRU
from liaison.events.models import Event

BOUNDARY_BATCH = 64  # instants fetched at once; more are fetched when they run out
_TIMES = (Event.start_at, Event.end_at, Event.registration_opens_at, Event.registration_closes_at)


_TOKEN = sa.select(ContentGeneration.__table__.c.token).where(
    ContentGeneration.__table__.c.id == 1
)


def current_token() -> str | None:
    """The content generation token, or None when the row is missing (a database created some
    other way): then nothing may be cached. Read through the session's connection (its
    transaction) with a statement built once: every cached answer starts here. Pending
    changes are flushed first, as the session's own queries would (their triggers renew it)."""
    session = db.session()
    session.flush()  # nothing to do (and next to no time) when nothing is pending
    return session.connection().execute(_TOKEN).scalar()


def upcoming_instants(since: datetime, limit: int = BOUNDARY_BATCH) -> list[datetime]:
    """The first `limit` distinct event instants at or after `since`, of every event whatever
    its status, in order."""
    parts = [sa.select(column.label("at")).where(column >= since) for column in _TIMES]
    union = sa.union(*parts).subquery()
    return list(db.session.scalars(sa.select(union.c.at).order_by(union.c.at).limit(limit)))


@dataclass
class _Instants:
    token: str
    since: datetime  # the instants are those at or after this moment
    values: list[datetime]
    complete: bool  # fewer than a batch came back: there are no more


@dataclass
class PageCache:
    """Rendered pages (or fragments) in a bounded LRU, with the clock periods of the current
    generation; safe to share between a process's threads."""

    max_entries: int = 256
    max_bytes: int = 16 * 1024 * 1024
    _entries: BoundedLRU = field(init=False)
    _instants: _Instants | None = None
    _token: str | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self._entries = BoundedLRU(self.max_entries, self.max_bytes)

    def period(self, token: str, now: datetime) -> tuple[str, datetime | None]:
        """Which stretch of time `now` is in, for this generation: ("at", t) exactly at an
        event instant t, ("before", t) between the previous instant and t, ("before", None)
        after the last one. Every `<`, `<=`, `>` or `>=` between an event instant and a moment
        of one stretch has the same answer for any moment of that stretch."""
        known = self._instants
        if known is None or known.token != token or now < known.since or (
            not known.complete and now > known.values[-1]
        ):
            values = upcoming_instants(now)
            known = _Instants(token, now, values, len(values) < BOUNDARY_BATCH)
            self._instants = known
        index = bisect.bisect_left(known.values, now)
        if index == len(known.values):
            return ("before", None)
        instant = known.values[index]
        return ("at" if instant == now else "before", instant)

    def get(self, key: tuple) -> str | None:
        return self._entries.get(key)

    def put(self, key: tuple, body: str) -> None:
        self._entries.put(key, body)

    def new_generation(self, token: str) -> None:
        """A newer token was seen: entries of other generations are stale for every request
        that reads the token from now on, so drop them rather than wait for eviction."""
        with self._lock:
            if token == self._token:
                return
            self._token = token
        self._entries.discard_where(lambda key: key[0] != token)

    def __len__(self) -> int:
        return len(self._entries)
