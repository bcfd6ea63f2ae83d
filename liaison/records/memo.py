"""The heavy record queries (reports, organization records) are kept per process, keyed by
the content generation token (liaison/core/generation.py) and their arguments: a committed
write to any tracked table (registrations, events, organizations, users, survey responses),
from any process, gives a new token and so a new key. A cache that cannot go stale, as the
feed fingerprint; nothing to invalidate."""
from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import TypeVar

from liaison.core.i18n import reader_language
from liaison.core.lru import BoundedLRU
from liaison.events.pagecache import current_token

T = TypeVar("T")
_memo = BoundedLRU(128)


def memoized(name: str, args: Hashable, compute: Callable[[], T]) -> T:
    """`compute()`, or its result for the same arguments at the same generation."""
    token = current_token()
    if token is None:
        return compute()
    key = (name, token, reader_language(), args)  # labels are in the reader's language
    found = _memo.get(key)
    if found is None:
        found = compute()
        _memo.put(key, found)
    return found


def clear() -> None:
    _memo.clear()
