"""A least-recently-used map bounded by its number of entries and, optionally, by the total
size of its values; safe to share between a process's threads. The in-process memo of feed
bodies (`feedcache`) and the page and card caches (`pagecache`) are made of it."""
from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any


class BoundedLRU:
    def __init__(self, max_entries: int, max_size: int | None = None,
                 size: Callable[[Any], int] = len):
        self.max_entries = max_entries
        self.max_size = max_size
        self._size_of = size
        self._items: OrderedDict[Hashable, Any] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Any | None:
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key: Hashable, value: Any) -> None:
        """Store `value` as the most recent entry, evicting the least recent past the bounds;
        a value larger than the whole size bound is not stored."""
        size = self._size_of(value) if self.max_size is not None else 0
        if self.max_size is not None and size > self.max_size:
            return
        with self._lock:
            self._forget(key)
            self._items[key] = value
            self._size += size
            while len(self._items) > self.max_entries or (
                self.max_size is not None and self._size > self.max_size
            ):
                self._forget(next(iter(self._items)))

    def discard_where(self, doomed: Callable[[Hashable], bool]) -> None:
        """Drop every entry whose key `doomed` accepts."""
        with self._lock:
            for key in [k for k in self._items if doomed(k)]:
                self._forget(key)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._size = 0

    def __len__(self) -> int:
        return len(self._items)

    def _forget(self, key: Hashable) -> None:
        value = self._items.pop(key, None)
        if value is not None and self.max_size is not None:
            self._size -= self._size_of(value)
