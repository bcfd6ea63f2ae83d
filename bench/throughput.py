"""Target 3: requests/s under gunicorn (2 sync workers, SQLite, the large data set) with wrk
on loopback: the event page and the upcoming list against the reference page (one event by
primary key in the base layout), measured in interleaved rounds in the same run.

wrk is an anonymous visitor, so the pages come from the page cache (blueprints/pagecache.py).
For the record, one more round runs signed in (the reader's session cookie: pages rendered for
them, event cards from the fragment cache), and one with the caches off (PAGE_CACHE_ENTRIES=0:
every page rendered in full, as for a visitor right after a write)."""
from __future__ import annotations

import statistics

from bench.common import create_database, gunicorn, make_app, seed, sign_in, tempdir, wrk
from bench.result import Result

SHARE = 0.60
ROUNDS = 3
SECONDS = 5


def prepare(folder):
    """The large data set in a SQLite file; returns (url, dataset, the reader's session
    cookie as `name=value`)."""
    from extensions import db
    from liaison.accounts.models import User

    url = f"sqlite:///{folder / 'pages.sqlite'}"
    create_database(url)
    app = make_app(url)
    with app.app_context():
        data = seed(2000, 300, 500)
        reader = db.session.get(User, data.feed_user_id).get_id()
        db.session.remove()
    client = app.test_client()
    sign_in(client, reader)
    assert "/auth/logout" in client.get("/events/").text, "the bench session is not signed in"
    name = app.config["SESSION_COOKIE_NAME"]
    cookie = f"{name}={client.get_cookie(name).value}"
    with app.app_context():
        db.engine.dispose()
    return url, data, cookie


def _share(label: str, result, ref_rps: float) -> str:
    return (f"{label} {result.rps:.0f} req/s = {result.rps / ref_rps:.0%} "
            f"(p50 {result.p50_ms:.1f} ms, p99 {result.p99_ms:.1f} ms)")


def run() -> list[Result]:
    folder = tempdir()
    url, data, cookie = prepare(folder)
    pages = {
        "reference": f"/_bench/reference/{data.event_id}",
        "event page": f"/events/{data.event_id}",
        "upcoming list": "/events/",
    }
    figures: dict[str, list] = {name: [] for name in pages}
    signed_in, rendered = {}, {}
    with gunicorn(url, workers=2) as (base, _pid):
        for path in pages.values():  # warm up every worker
            wrk(base + path, seconds=1, connections=4)
        for _round in range(ROUNDS):
            for name, path in pages.items():
                figures[name].append(wrk(base + path, seconds=SECONDS, connections=4))
        for name in ("event page", "upcoming list"):
            page = wrk(base + pages[name], seconds=SECONDS, connections=4, cookie=cookie)
            assert page.errors == 0, f"signed-in {name}: {page.errors} errors"
            signed_in[name] = page
    with gunicorn(url, workers=2, extra_env={"PAGE_CACHE_ENTRIES": "0"}) as (base, _pid):
        for name in ("event page", "upcoming list"):
            wrk(base + pages[name], seconds=1, connections=4)
            rendered[name] = wrk(base + pages[name], seconds=SECONDS, connections=4)
    summary = {
        name: (
            statistics.median(r.rps for r in runs),
            statistics.median(r.p50_ms for r in runs),
            statistics.median(r.p99_ms for r in runs),
            sum(r.errors for r in runs),
        )
        for name, runs in figures.items()
    }
    ref_rps = summary["reference"][0]
    results = []
    for name in ("event page", "upcoming list"):
        rps, p50, p99, errors = summary[name]
        ratio = rps / ref_rps
        results.append(Result(
            f"3 {name}: >= {SHARE:.0%} of the reference page's requests/s",
            f"{rps:.0f} req/s (p50 {p50:.1f} ms, p99 {p99:.1f} ms) vs reference {ref_rps:.0f} "
            f"req/s (p50 {summary['reference'][1]:.1f} ms, p99 {summary['reference'][2]:.1f} "
            f"ms) = {ratio:.0%}; non-2xx/socket errors {errors}; for the record: "
            f"{_share('signed in', signed_in[name], ref_rps)}, "
            f"{_share('caches off', rendered[name], ref_rps)}",
            SHARE / ratio,
            ratio >= SHARE and errors == 0,
        ))
    return results


if __name__ == "__main__":
    for result in run():
        print(result.line())
