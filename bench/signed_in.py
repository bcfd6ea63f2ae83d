"""Issue 22, target 1: CPU per request of the signed-in pages (event page, upcoming list, My
registrations, the attendee list of 200) against the commit before this work, both measured
in this run.

The baseline commit (`BASELINE`, main where the perf branch started) is checked out into a
temporary worktree (`git worktree add --detach`, removed afterwards), seeds its own SQLite
database with its own code (the schema moves on main) and is served the same way: gunicorn, 2
sync workers, from the same virtualenv. Each page is driven by wrk with the signed-in user's
session cookie, the two servers in interleaved rounds; CPU per request is the workers'
user + system time (/proc/PID/stat) over the requests wrk completed.

wrk repeats one reader's request, so the event page and the list come from the block cache
(blueprints/core/pagecache.cached_blocks) after the first. A third server, the current tree
with PAGE_CACHE_ENTRIES=0, renders every request: its figure ("rendered each time") is what a
reader's first view after a change costs, printed beside the target's for the record.
"""
from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from contextlib import ExitStack, contextmanager
from pathlib import Path

from bench.common import ROOT, gunicorn, tempdir, worker_pids, wrk
from bench.result import Result

BASELINE = "c4c5924"  # main at the start of issue 22's work (before blueprints/core/fastbabel.py)
SHARE = 0.5
ROUNDS = 3
SECONDS = 4
TICK = os.sysconf("SC_CLK_TCK")

# Run in each tree (its own bench.common): a database of the bench data set, and the session
# cookies of the reader and the organizer, as JSON on stdout.
SEED = """
import json, sys
from bench.common import create_database, make_app, seed, sign_in
url = sys.argv[1]
create_database(url)
app = make_app(url)
with app.app_context():
    from extensions import db
    from liaison.accounts.models import User
    data = seed(2000, 300, 200)
    ids = {name: db.session.get(User, uid).get_id()
           for name, uid in (("reader", data.feed_user_id), ("organizer", data.organizer_id))}
    db.session.remove()
    db.engine.dispose()
cookies = {}
for name, uid in ids.items():
    client = app.test_client()
    sign_in(client, uid)
    assert "/auth/logout" in client.get("/events/").text, "not signed in"
    cookie = app.config["SESSION_COOKIE_NAME"]
    cookies[name] = f"{cookie}={client.get_cookie(cookie).value}"
print(json.dumps({"event": data.event_id, "big": data.big_event_id, "cookies": cookies}))
"""


@contextmanager
def baseline_tree(folder: Path):
    """The baseline commit in a temporary worktree, with its catalogs compiled."""
    path = folder / "baseline"
    subprocess.run(["git", "worktree", "add", "--detach", str(path), BASELINE], cwd=ROOT,
                   check=True, capture_output=True)
    try:
        subprocess.run([str(Path(sys.executable).with_name("pybabel")), "-q", "compile", "-d",
                        "translations"], cwd=path, check=True, capture_output=True)
        yield path
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(path)], cwd=ROOT,
                       capture_output=True)


def _seed(root: Path, url: str) -> dict:
    done = subprocess.run([sys.executable, "-c", SEED, url], cwd=root, check=True,
                          capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(root)})
    return json.loads(done.stdout.strip().splitlines()[-1])


def _cpu_ticks(master: int) -> int:
    total = 0
    for pid in worker_pids(master):
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)
    return total


def _cpu_per_request(base: str, master: int, path: str, cookie: str) -> tuple[float, int]:
    before = _cpu_ticks(master)
    result = wrk(base + path, seconds=SECONDS, connections=2, threads=1, cookie=cookie)
    spent = (_cpu_ticks(master) - before) / TICK
    return spent / max(result.requests, 1) * 1000, result.errors


def run() -> list[Result]:
    folder = tempdir()
    sha = subprocess.run(["git", "rev-parse", "--short", BASELINE], cwd=ROOT, check=True,
                         capture_output=True, text=True).stdout.strip()
    with ExitStack() as stack:
        old_root = stack.enter_context(baseline_tree(folder))
        urls = {side: f"sqlite:///{folder / (side + '.sqlite')}" for side in ("baseline", "now")}
        data = {"baseline": _seed(old_root, urls["baseline"]), "now": _seed(ROOT, urls["now"])}
        servers = (  # side, tree, database, settings; "rendered": now's data, nothing cached
            ("baseline", old_root, "baseline", {}),
            ("now", ROOT, "now", {}),
            ("rendered", ROOT, "now", {"PAGE_CACHE_ENTRIES": "0"}),
        )
        sides = {}
        for side, root, db, env in servers:
            base, master = stack.enter_context(
                gunicorn(urls[db], workers=2, root=root, extra_env=env))
            sides[side] = (base, master, data[db])
        pages = {
            "event page": lambda d: (f"/events/{d['event']}", "reader"),
            "upcoming list": lambda d: ("/events/", "reader"),
            "my registrations": lambda d: ("/registrations/mine", "reader"),
            "attendee list of 200": lambda d: (f"/events/{d['big']}/registrations", "organizer"),
        }
        figures = {(page, side): [] for page in pages for side in sides}
        errors = 0
        for where in pages.values():  # warm every worker of both
            for base, _master, data in sides.values():
                path, who = where(data)
                wrk(base + path, seconds=1, connections=2, threads=1, cookie=data["cookies"][who])
        for _round in range(ROUNDS):
            for page, where in pages.items():
                for side, (base, master, data) in sides.items():
                    path, who = where(data)
                    ms, bad = _cpu_per_request(base, master, path, data["cookies"][who])
                    figures[(page, side)].append(ms)
                    errors += bad
    results = []
    for page in pages:
        old = statistics.median(figures[(page, "baseline")])
        now = statistics.median(figures[(page, "now")])
        rendered = statistics.median(figures[(page, "rendered")])
        ratio = now / old / SHARE
        results.append(Result(
            f"22.1 {page} (signed in): CPU per request <= {SHARE:.0%} of commit {sha}'s",
            f"{now:.1f} ms now vs {old:.1f} ms at {sha} = {now / old:.0%} "
            f"(gunicorn 2 sync workers, medians of {ROUNDS} interleaved rounds); "
            f"for the record, rendered each time (page cache off) {rendered:.1f} ms = "
            f"{rendered / old:.0%}; non-2xx/socket errors {errors}",
            ratio,
            ratio <= 1 and errors == 0,
        ))
    return results


if __name__ == "__main__":
    for result in run():
        print(result.line())
