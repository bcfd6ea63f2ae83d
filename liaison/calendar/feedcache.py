"""Built feed bodies (plain and gzipped), and which body each feed is at right now.

A feed body is a pure function of its inputs: the code and catalogs that render it
(`BUILD_ID`), the feed's head (kind, language, name) and base URL, and every column of every
row it reads — the events in the window with all their columns (`classification` among
them, which decides CLASS and whether a description is carried), their host organizations,
their topics, and for a personal feed the owner's registration and organizer flag per event.
`liaison.calendar.feedcontent` hashes exactly those inputs into the feed's *fingerprint*, so:

- any change to an event, topic, host organization, registration or organizer role that can
  show in the body changes the fingerprint; an event entering or leaving the date window
  changes the row set, hence the fingerprint; a rotated token finds another user (or none);
- equal fingerprints mean equal inputs, hence equal bodies, so the store is content-addressed
  and safe to share between processes, hosts and databases.

Bodies live as files `<fingerprint>.ics` (a Last-Modified line, then the body) and
`<fingerprint>.ics.gz` (the body gzipped once, deterministically: no name, no time) in
FEED_CACHE_DIR (default: the instance folder's `feed-cache/`), written atomically; a small
in-process memo only saves the file reads.

*Versions* make a conditional request O(1): per feed (its identity: kind, parameters,
language, base URL, reader), this process remembers the fingerprint it last computed with the
content generation token it read first (`liaison.core.generation`) and the moment until which
the clock alone cannot change the feed's rows. While the token is the same — no tracked table
was written by anyone, through the ORM or plain SQL — and that moment has not come, the
fingerprint is still right, and a 304 or a stored body needs no event row read at all.
"""
from __future__ import annotations

import gzip
import hashlib
import importlib.metadata
import os
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from flask import current_app

from liaison.core.lru import BoundedLRU

MAX_FILES = 512  # bodies; the oldest half is removed past this many
GZIP_LEVEL = 6
_MEMORY_SLOTS = 16
MEMORY_BYTES = 64 * 1024 * 1024
_VERSION_SLOTS = 8192
_DOMAIN = Path(__file__).resolve().parents[1]
_SOURCES = ("calendar/ical.py", "calendar/icaltz.py", "calendar/feeds.py", "calendar/feedcache.py",
            "calendar/feedcontent.py", "calendar/assembly.py", "calendar/serve.py",
            "events/direction.py", "events/models.py", "events/classification.py",
            "accounts/models.py",
            "registration/models.py", "core/types.py", "core/i18n.py")


@dataclass(frozen=True)
class Stored:
    """A built body, the same body gzipped, and its Last-Modified."""

    body: bytes
    gzip: bytes
    last_modified: datetime | None


@dataclass(frozen=True)
class Version:
    """The fingerprint a feed had when `token` was the content generation token."""

    token: str
    fingerprint: str
    valid_until: datetime | None  # None: time alone never changes it
    last_modified: datetime | None = None  # known once its body was built or read


def _stored_size(stored: Stored) -> int:
    return len(stored.body) + len(stored.gzip)


# fingerprint -> Stored; bounded in bytes too (a 20,000-event feed is 13 MB plain).
_memory = BoundedLRU(_MEMORY_SLOTS, MEMORY_BYTES, size=_stored_size)
_versions = BoundedLRU(_VERSION_SLOTS)  # feed identity -> Version


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


def _dir() -> Path:
    configured = current_app.config.get("FEED_CACHE_DIR")
    return Path(configured or os.path.join(current_app.instance_path, "feed-cache"))


def compress(body: bytes) -> bytes:
    """gzip with no file name and no time in its header: the same body, the same bytes."""
    return gzip.compress(body, GZIP_LEVEL, mtime=0)


def get(key: str) -> Stored | None:
    """The body stored for `key`, or None."""
    remembered = _memory.get(key)
    if remembered is not None:
        return remembered
    folder = _dir()
    try:
        data = (folder / f"{key}.ics").read_bytes()
    except (FileNotFoundError, NotADirectoryError):
        return None
    head, _sep, body = data.partition(b"\n")
    try:
        packed = (folder / f"{key}.ics.gz").read_bytes()
    except (FileNotFoundError, NotADirectoryError):
        packed = compress(body)  # written by an older version, or pruned half-way
    found = Stored(body, packed, datetime.fromisoformat(head.decode()) if head != b"-" else None)
    _memory.put(key, found)
    return found


def put(key: str, body: bytes, last_modified: datetime | None) -> Stored:
    """Store a built body under `key`, plain and gzipped (atomically: readers see all of a
    file or nothing; the gzipped one is written first, so a plain one found has its pair).
    A store that cannot be written (full disk, read-only folder) is logged and skipped: the
    body is still served, only built again next time."""
    found = Stored(body, compress(body), last_modified)
    folder = _dir()
    head = last_modified.isoformat().encode() if last_modified else b"-"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        _write(folder, f"{key}.ics.gz", found.gzip)
        _write(folder, f"{key}.ics", head + b"\n" + body)
        _prune(folder)
    except OSError:
        current_app.logger.exception("feed cache: cannot store in %s", folder)
    _memory.put(key, found)
    return found


def _write(folder: Path, name: str, data: bytes) -> None:
    handle, partial = tempfile.mkstemp(dir=folder, prefix=".tmp-")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(partial, folder / name)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise


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
        path.with_name(path.name + ".gz").unlink(missing_ok=True)


def version(identity: tuple, token: str | None, now: datetime) -> Version | None:
    """The fingerprint this process last computed for the feed `identity`, if it still
    holds: computed under the same content generation token, and the clock has not reached
    its `valid_until`."""
    if token is None:
        return None
    known = _versions.get(identity)
    if known is None or known.token != token:
        return None
    if known.valid_until is not None and now > known.valid_until:
        return None
    return known


def remember(identity: tuple, known: Version) -> None:
    """Record the feed's fingerprint under the token read *before* its rows were (so the rows
    are at least as new as the token); a missing token records nothing."""
    if known.token is not None:
        _versions.put(identity, known)


def forget_all() -> None:
    """Empty this process's memo of bodies and versions (tests, and the bench's cold runs)."""
    _memory.clear()
    _versions.clear()
