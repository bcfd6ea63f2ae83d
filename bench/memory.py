"""Target 5: one gunicorn worker (no recycling) serves 10,000 requests over a mix of pages;
its resident memory after 10,000 must be within 20% of what it was after 1,000.

The mix walks 500 event pages and 100 list pages, so the page and card caches fill to their
bounds within the first 1,000 requests and then evict; one of the two clients is signed in."""
from __future__ import annotations

import http.client
import sqlite3
import threading
import time

from bench.common import gunicorn, rss_kib, tempdir, worker_pids
from bench.result import Result
from bench.throughput import prepare

TOTAL = 10_000
CHECKPOINT = 1_000
GROWTH = 0.20
CLIENTS = 2
DEADLINE_S = 300


def _paths(data, event_ids: list[int]) -> list[str]:
    """The whole mix: every kind of page, and many distinct event and list pages."""
    paths = []
    for i, event_id in enumerate(event_ids):
        paths += [f"/events/{event_id}", f"/events/?page={1 + i % 100}"]
        if i % 10 == 0:
            paths += _kinds(data)
    return paths


def _public_event_ids(url: str, count: int) -> list[int]:
    with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
        rows = conn.execute(
            "SELECT id FROM event WHERE status = 'published' AND audience_csv = '' "
            "ORDER BY id LIMIT ?", (count,)
        ).fetchall()
    return [row[0] for row in rows]


def _kinds(data) -> list[str]:
    """Every kind of page once, the heavy ones included."""
    return [
        f"/events/{data.event_id}",
        "/events/",
        f"/events/{data.event_id + 7}",
        "/events/calendar?month=2031-04",
        f"/_bench/reference/{data.event_id}",
        "/calendar/public.ics?kind=training",
        f"/events/{data.event_id + 11}",
        f"/events/{data.event_id}.ics",
        "/healthz",
        f"/_bench/reference/{data.event_id + 3}",
    ]


def _drive(port: int, paths: list[str], count: int, deadline: float, failures: list,
           cookie: str) -> None:
    """`count` requests spread over CLIENTS keep-alive connections (the first signed in with
    `cookie`), bounded by `deadline`."""
    lock = threading.Lock()
    sent = [0]

    def client(headers: dict):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while time.monotonic() < deadline:
            with lock:
                if sent[0] >= count:
                    break
                n = sent[0]
                sent[0] += 1
            conn.request("GET", paths[n % len(paths)], headers=headers)
            response = conn.getresponse()
            response.read()
            if response.status != 200:
                failures.append((paths[n % len(paths)], response.status))
        conn.close()

    threads = [
        threading.Thread(target=client, args=({"Cookie": cookie} if i == 0 else {},))
        for i in range(CLIENTS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if sent[0] < count:
        raise RuntimeError(f"only {sent[0]} of {count} requests before the deadline")


def run() -> list[Result]:
    folder = tempdir()
    url, data, cookie = prepare(folder)
    paths = _paths(data, _public_event_ids(url, 500))
    failures: list = []
    deadline = time.monotonic() + DEADLINE_S
    with gunicorn(url, workers=1, threads=1) as (base, master):
        port = int(base.rsplit(":", 1)[1])
        (worker,) = worker_pids(master)
        at_start = rss_kib(worker)
        _drive(port, paths, CHECKPOINT, deadline, failures, cookie)
        at_1k = rss_kib(worker)
        _drive(port, paths, TOTAL - CHECKPOINT, deadline, failures, cookie)
        at_10k = rss_kib(worker)
        assert worker_pids(master) == [worker], "the worker was replaced mid-run"
    growth = at_10k / at_1k - 1
    return [Result(
        f"5 memory: worker RSS after {TOTAL:,} requests within {GROWTH:.0%} of after "
        f"{CHECKPOINT:,}",
        f"{at_start} KiB at start, {at_1k} KiB after {CHECKPOINT:,}, {at_10k} KiB after "
        f"{TOTAL:,} ({growth:+.1%}); non-200 answers {len(failures)}",
        max(growth, 0) / GROWTH,
        growth <= GROWTH and not failures,
    )]


if __name__ == "__main__":
    for result in run():
        print(result.line())
