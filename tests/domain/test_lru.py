"""The bounded LRU behind the feed memo and the page and card caches."""
from __future__ import annotations

from liaison.core.lru import BoundedLRU


def test_the_least_recently_used_entry_goes_first():
    lru = BoundedLRU(max_entries=2)
    lru.put("a", "1")
    lru.put("b", "2")
    assert lru.get("a") == "1"  # now "b" is the least recent
    lru.put("c", "3")
    assert (lru.get("a"), lru.get("b"), lru.get("c")) == ("1", None, "3")
    assert len(lru) == 2


def test_the_size_bound_evicts_and_refuses_what_can_never_fit():
    lru = BoundedLRU(max_entries=10, max_size=10)
    lru.put("a", "xxxx")
    lru.put("b", "yyyy")
    lru.put("c", "zzzz")  # 12 > 10: "a" goes
    assert lru.get("a") is None and lru.get("b") == "yyyy" and lru.get("c") == "zzzz"
    lru.put("b", "y")  # replacing counts the new size only: 1 + 4
    lru.put("d", "wwww")
    assert [lru.get(k) for k in "bcd"] == ["y", "zzzz", "wwww"]
    lru.put("huge", "h" * 11)
    assert lru.get("huge") is None and len(lru) == 3


def test_discard_where_and_clear():
    lru = BoundedLRU(max_entries=10, max_size=100)
    for key in (("old", 1), ("new", 1), ("old", 2)):
        lru.put(key, "page")
    lru.discard_where(lambda key: key[0] == "old")
    assert len(lru) == 1 and lru.get(("new", 1)) == "page"
    lru.put(("x", 0), "p" * 96)  # the freed sizes were given back: 4 + 96 fits
    assert len(lru) == 2
    lru.clear()
    assert len(lru) == 0 and lru.get(("new", 1)) is None
