"""Built feed bodies, reused while nothing they are made from has changed.

A feed body is a pure function of its inputs: the code and catalogs that render it
(`BUILD_ID`), the feed's kind, locale, name and base URL, and every column of every row it
reads (the events in the window with all their columns — `classification` among them, which
decides CLASS and whether a description is carried —, their host organizations, their
topics, and for a personal feed the owner's registration and organizer flag per event).
`fingerprint` hashes exactly those inputs, read by ONE query that applies the feed's own
WHERE (same `now`, same window, same grace period), so:

- any change to an event, topic, host organization, registration or organizer role that can
  show in the body changes the fingerprint; an event entering or leaving the date window
  changes the row set, hence the fingerprint; a rotated token finds another user (or none);
- equal fingerprints mean equal inputs, hence equal bodies, so the store is content-addressed
  and safe to share between processes, hosts and databases.

Bodies live as files `<fingerprint>.ics` in FEED_CACHE_DIR (default: the instance folder's
`feed-cache/`), written atomically; a small in-process dict only saves the file read.
The ETag is the fingerprint, so a matching If-None-Match is answered from that one query.
"""
from __future__ import annotations

import hashlib
import importlib.metadata
import os
import tempfile
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa
from flask import current_app
from sqlalchemy import Select

from extensions import db
from liaison.core.lru import BoundedLRU

MAX_FILES = 512  # the oldest half is removed past this many
_MEMORY_SLOTS = 16
_memory = BoundedLRU(_MEMORY_SLOTS)  # fingerprint -> (body, Last-Modified)
_DOMAIN = Path(__file__).resolve().parents[1]
_SOURCES = ("calendar/ical.py", "calendar/icaltz.py", "calendar/feeds.py", "calendar/feedcache.py",
            "events/direction.py", "events/models.py", "events/classification.py",
            "accounts/models.py",
            "registration/models.py", "core/types.py", "core/i18n.py")


def _build_id() -> str:
    """What renders a feed besides its rows: our source files, the compiled catalogs, the
    icalendar library and the time zone database."""
    digest = hashlib.sha256()
    for name in _SOURCES:
        digest.update((_DOMAIN / name).read_bytes())
    for mo in sorted((_DOMAIN.parent / "translations").glob("*/LC_MESSAGES/*.mo")):
        digest.update(mo.name.encode() + mo.read_bytes())
    for package in ("icalendar", "tzdata"):
        try:
            digest.update(f"{package}={importlib.metadata.version(package)}".encode())
        except importlib.metadata.PackageNotFoundError:
            pass
    for zone_dir in ("/usr/share/zoneinfo",):
        version = Path(zone_dir, "tzdata.zi")
        if version.exists():
            with version.open("rb") as handle:
                digest.update(handle.readline())
    return digest.hexdigest()


BUILD_ID = _build_id()


def _quote(column, postgresql: bool):
    """A value as an SQL literal ('it''s', 12, NULL): unambiguous, so rows parse back."""
    return sa.func.quote_nullable(column) if postgresql else sa.func.quote(column)


_lines: dict[tuple, tuple] = {}


def _line(columns: tuple, postgresql: bool):
    """`columns` quoted and joined by ","; built once per column set (building the expression
    costs more than running it)."""
    key = (postgresql, *(id(c) for c in columns))
    if key not in _lines:
        line = None
        for column in columns:
            value = _quote(column, postgresql)
            line = value if line is None else line + "," + value
        _lines[key] = (columns, line)  # the columns stay referenced, so their ids stay theirs
    return _lines[key][1]


def _aggregate(rows_query: Select, postgresql: bool):
    """All rows of `rows_query`, each as quoted values joined by ",", one per line, as one
    scalar subquery. Columns named "fp_dynamic" are per-request expressions (not memoized)."""
    columns = list(rows_query.selected_columns)
    static = tuple(c for c in columns if getattr(c, "name", None) != "fp_dynamic")
    line = _line(static, postgresql)
    for column in columns:
        if getattr(column, "name", None) == "fp_dynamic":
            line = line + "," + _quote(column, postgresql)
    ordered = rows_query.with_only_columns((line + "\n").label("line")).subquery()
    if postgresql:
        everything = sa.func.string_agg(ordered.c.line, sa.literal_column("''"))
    else:
        everything = sa.func.group_concat(ordered.c.line, "")
    return sa.select(everything).scalar_subquery()


_statements: dict[tuple, tuple] = {}


def _statement(row_queries: list[Select], postgresql: bool, static: bool):
    """One SELECT of every row query's aggregate. A static (module-level, bind-parameter)
    list is built once, so SQLAlchemy reuses its cache key and compiled SQL."""
    key = (id(row_queries), postgresql)
    if static and key in _statements and _statements[key][0] is row_queries:
        return _statements[key][1]
    statement = sa.select(*(_aggregate(q, postgresql) for q in row_queries))
    if static:
        _statements[key] = (row_queries, statement)  # the list stays referenced: ids stay
    return statement


def fingerprint(row_queries: list[Select], *parts: object, params: dict | None = None) -> str:
    """SHA-256 over BUILD_ID, `parts` (kind, locale, name, base URL...) and every row of each
    of `row_queries` (with bind `params`), encoded and concatenated by the database: one
    statement, one row back. Row order only affects speed: the encoding is unambiguous
    whatever the order, so different rows can never give the same fingerprint."""
    postgresql = db.session.get_bind().dialect.name == "postgresql"
    statement = _statement(row_queries, postgresql, static=params is not None)
    texts = db.session.execute(statement, params or {}).one()
    digest = hashlib.sha256(BUILD_ID.encode())
    digest.update(repr(parts).encode())
    for text in texts:
        digest.update(b"\x00" + (text or "").encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def _dir() -> Path:
    configured = current_app.config.get("FEED_CACHE_DIR")
    return Path(configured or os.path.join(current_app.instance_path, "feed-cache"))


def get(key: str) -> tuple[bytes, datetime | None] | None:
    """The body stored for `key` and its Last-Modified, or None."""
    remembered = _memory.get(key)
    if remembered is not None:
        return remembered
    try:
        data = (_dir() / f"{key}.ics").read_bytes()
    except (FileNotFoundError, NotADirectoryError):
        return None
    head, _sep, body = data.partition(b"\n")
    found = (body, datetime.fromisoformat(head.decode()) if head != b"-" else None)
    _memory.put(key, found)
    return found


def put(key: str, body: bytes, last_modified: datetime | None) -> tuple[bytes, datetime | None]:
    """Store a built body under `key` (atomically: readers see all of it or nothing). A store
    that cannot be written (full disk, read-only folder) is logged and skipped: the body is
    still served, only built again next time."""
    found = (body, last_modified)
    folder = _dir()
    head = last_modified.isoformat().encode() if last_modified else b"-"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, partial = tempfile.mkstemp(dir=folder, prefix=".tmp-")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(head + b"\n" + body)
            os.replace(partial, folder / f"{key}.ics")
        except BaseException:
            Path(partial).unlink(missing_ok=True)
            raise
        _prune(folder)
    except OSError:
        current_app.logger.exception("feed cache: cannot store in %s", folder)
    _memory.put(key, found)
    return found


def _prune(folder: Path) -> None:
    files = list(folder.glob("*.ics"))
    if len(files) <= MAX_FILES:
        return
    def mtime(path: Path) -> float:
        try:
            return path.stat().st_mtime
        except FileNotFoundError:
            return 0.0
    for path in sorted(files, key=mtime)[: len(files) // 2]:
        path.unlink(missing_ok=True)
