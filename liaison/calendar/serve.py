"""Feeds answered from what is already known: a 304 without reading an event row, a stored
body when nothing changed, and a rebuild that builds only the events that did.

A request first reads the content generation token (one primary-key look-up), then asks
`feedcache.version` for the feed's fingerprint under that token. Only when there is none —
some tracked table was written, or the clock moved an event out of the window — does it read
the feed's rows (`feedcontent`: two queries). With the fingerprint it can answer a matching
If-None-Match, or serve the body stored under it. Only when no body is stored does it build:
each event's entry comes from the entry store when its key is there (`assembly`), and the
events whose keys are not — the ones that changed — are loaded and built, then everything is
assembled and stored, plain and gzipped.

Consistency: the token is read before the rows, so rows are at least as new as the token a
fingerprint is remembered under. Reading the rows and any build that follows in the request
(loading the changed events) share one snapshot (SQLite's transaction is one; on PostgreSQL a
REPEATABLE READ transaction begins before the token is read again), so an entry is never
stored under a key computed from other rows than it was built from, and the rows are read
once.
"""
from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime

from flask_babel import get_locale

from extensions import db
from liaison.accounts.models import User
from liaison.calendar import assembly, feedcache, feedcontent, feeds
from liaison.calendar.feedcache import Stored, Version
from liaison.calendar.feedcontent import FeedContent
from liaison.core.lru import BoundedLRU
from liaison.events.pagecache import current_token

FILTER_ARGS = ("kind", "topic", "host")


class FeedSource:
    """One feed as it is asked for now: its identity, its content and its entries."""

    identity: tuple

    def content(self) -> FeedContent:
        raise NotImplementedError

    def entries(self, ids: list[int]) -> dict[int, assembly.Entry]:
        """Built entries of those events (the ones whose keys the store lacks)."""
        raise NotImplementedError

    def last_modified(self) -> datetime | None:
        raise NotImplementedError


class PublicFeed(FeedSource):
    """The public feed for `args` (?kind=&topic=&host=) in the current language. Parsing the
    filters is part of reading the content: a DomainError from `feeds.parse_public_filters`
    means a 400, and a version remembered for these arguments means they parsed."""

    def __init__(self, args: Mapping[str, str], *, now: datetime, grace_days: int,
                 base_url: str):
        self.args, self.now, self.grace_days, self.base_url = args, now, grace_days, base_url
        raw = tuple((name, args.get(name) or "") for name in FILTER_ARGS)
        self.locale = str(get_locale())
        self.identity = ("public", raw, self.locale, base_url, grace_days)
        self._filters = None

    @property
    def filters(self) -> feeds.PublicFilters:
        if self._filters is None:
            self._filters = feeds.parse_public_filters(self.args)
        return self._filters

    def content(self) -> FeedContent:
        stmt = feeds.public_select(self.filters, now=self.now, grace_days=self.grace_days)
        return feedcontent.content(
            feedcontent.public_queries(stmt), reader=("public",),
            head=feedcontent.head(feeds.public_name(self.filters)), locale=self.locale,
            base_url=self.base_url, past_days=feeds.PUBLIC_PAST_DAYS,
            grace_days=self.grace_days,
        )

    def entries(self, ids: list[int]) -> dict[int, assembly.Entry]:
        feed = feeds.public_feed(self.filters, now=self.now, grace_days=self.grace_days,
                                 only=ids)
        return {e.id: assembly.make_entry(e, base_url=self.base_url) for e in feed.events}

    def last_modified(self) -> datetime | None:
        return feeds.public_last_modified(now=self.now, grace_days=self.grace_days)


class PersonalFeed(FeedSource):
    """A user's personal feed, in the current language (theirs)."""

    def __init__(self, user: User, *, now: datetime, grace_days: int, base_url: str):
        self.user, self.now, self.grace_days, self.base_url = user, now, grace_days, base_url
        self.locale = str(get_locale())
        self.identity = ("personal", user.id, self.locale, base_url, grace_days)

    def content(self) -> FeedContent:
        params = feedcontent.personal_params(
            self.user, now=self.now, grace_days=self.grace_days,
            past_days=feeds.PERSONAL_PAST_DAYS,
        )
        return feedcontent.content(
            feedcontent.personal_queries(feeds.personal_select_on), params=params,
            # Their role decides whether an organizer's own feed carries the online link.
            reader=("personal", bool(self.user.can_organize)),
            head=feedcontent.head(feeds.personal_name()), locale=self.locale,
            base_url=self.base_url, past_days=feeds.PERSONAL_PAST_DAYS,
            grace_days=self.grace_days,
        )

    def entries(self, ids: list[int]) -> dict[int, assembly.Entry]:
        feed = feeds.personal_feed(self.user, now=self.now, grace_days=self.grace_days,
                                   only=ids)
        return {
            e.id: assembly.make_entry(
                e, base_url=self.base_url, viewer_status=feed.viewer_statuses.get(e.id),
                show_online=e.id in feed.show_online_for,
            )
            for e in feed.events
        }

    def last_modified(self) -> datetime | None:
        return feeds.personal_last_modified(self.user, now=self.now,
                                            grace_days=self.grace_days)


@dataclass
class Current:
    """Where a feed stands: its version, and its content when this request had to read it."""

    version: Version
    content: FeedContent | None = None

    @property
    def etag(self) -> str:
        return self.version.fingerprint[:40]


def current(source: FeedSource, *, now: datetime) -> Current:
    """The feed's fingerprint: remembered under the current token (one query), or read —
    then in one snapshot (`_snapshot`), which a build in this request goes on reading from."""
    token = current_token()  # first: the rows read after it are at least as new
    known = feedcache.version(source.identity, token, now)
    if known is not None:
        return Current(known)
    if _snapshot():
        token = current_token()  # a new transaction: the token again, first
    content = source.content()
    known = Version(token, content.fingerprint, content.valid_until)
    feedcache.remember(source.identity, known)
    return Current(known, content)


def body(source: FeedSource, now_at: Current) -> tuple[Current, Stored]:
    """The stored body of the feed's current version, built if there is none (see the module
    docstring); returns the version served (a build may find a newer one) and the body."""
    stored = feedcache.get(now_at.version.fingerprint)
    if stored is None:
        token, content = now_at.version.token, now_at.content
        if content is None:  # remembered, but its body is gone: read it in one snapshot
            if _snapshot():
                token = current_token()
            content = source.content()
            now_at = Current(Version(token, content.fingerprint, content.valid_until), content)
        stored = feedcache.get(content.fingerprint) or feedcache.put(
            content.fingerprint, build(source, content), source.last_modified()
        )
    known = Version(now_at.version.token, now_at.version.fingerprint,
                    now_at.version.valid_until, stored.last_modified)
    feedcache.remember(source.identity, known)
    return Current(known, now_at.content), stored


def with_last_modified(source: FeedSource, now_at: Current) -> Current:
    """The version with the Last-Modified of its stored body, when one is stored (a 304
    carries it too)."""
    if now_at.version.last_modified is not None:
        return now_at
    stored = feedcache.get(now_at.version.fingerprint)
    if stored is None:
        return now_at
    known = replace(now_at.version, last_modified=stored.last_modified)
    feedcache.remember(source.identity, known)
    return Current(known, now_at.content)


def build(source: FeedSource, content: FeedContent) -> bytes:
    """The body of `content`: stored entries where their keys are found, the others built."""
    found = {key: assembly.stored(key) for key in content.entry_keys}
    missing = [event_id for event_id, key in zip(content.event_ids, content.entry_keys,
                                                 strict=True) if found[key] is None]
    if missing:
        built = source.entries(missing)
        for event_id, key in zip(content.event_ids, content.entry_keys, strict=True):
            if found[key] is None:
                found[key] = built[event_id]
                assembly.store(key, built[event_id])
    return assembly.assemble(content.head, (found[key] for key in content.entry_keys))


def _snapshot() -> bool:
    """Read what follows from one snapshot; True when a new transaction began for it.
    SQLite's transaction (begun at this request's first query) already is one; PostgreSQL's
    READ COMMITTED gives each statement its own, so there the (read-only) transaction so far
    is ended and the next one is REPEATABLE READ."""
    if db.session.get_bind().dialect.name != "postgresql":
        return False
    db.session.rollback()
    db.session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
    return True


# --- one event's .ics ---------------------------------------------------------------------------

DOWNLOAD_SLOTS = 4096
DOWNLOAD_BYTES = 32 * 1024 * 1024
_downloads = BoundedLRU(DOWNLOAD_SLOTS, DOWNLOAD_BYTES,
                        size=lambda found: 200 + len(found[2].body) + len(found[2].gzip))


@dataclass(frozen=True)
class Download:
    """One event's .ics as one reader gets it: its ETag and its body, plain and gzipped."""

    etag: str
    stored: Stored


def remembered_download(identity: tuple, token: str | None) -> Download | None:
    """The .ics this process built for `identity` (event, reader, language, base URL) under
    the content generation token `token`, if any: while no tracked table was written, the
    event, the reader's role, registration and organization are what they were, so the
    visibility check and the body would come out the same."""
    if token is None:
        return None
    found = _downloads.get(identity)
    if found is None or found[0] != token:
        return None
    return Download(found[1], found[2])


def remember_download(identity: tuple, token: str | None, body: bytes,
                      last_modified: datetime | None) -> Download:
    """Keep a built .ics under the token read *before* its rows were."""
    download = Download(hashlib.sha256(body).hexdigest()[:40],
                        Stored(body, feedcache.compress(body), last_modified))
    if token is not None:
        _downloads.put(identity, (token, download.etag, download.stored))
    return download


def forget_downloads() -> None:
    _downloads.clear()
