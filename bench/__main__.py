"""`python -m bench` (`make bench`): every target of issue 9, each with its measured figure,
its ratio to the limit (<= 1 passes) and PASS/FAIL.

The exit status is non-zero only when a benchmark crashes: the targets are ratios measured on
a shared, noisy machine, so a FAIL is reported (and recorded in docs/BENCHMARKS.md), not
fatal. BENCH_ONLY=feeds,queries,... runs a subset."""
from __future__ import annotations

import os
import platform
import sys
import time
import traceback

from bench import (
    calendar,
    exchange,
    feeds,
    memory,
    queries,
    records,
    rush,
    scale,
    security,
    signed_in,
    throughput,
    webhooks,
)
from bench.result import Result

SUITES = {
    "feeds": feeds.run,
    "queries": queries.run,
    "throughput": throughput.run,
    "rush": rush.run,
    "memory": memory.run,
    "webhooks": webhooks.run,
    "exchange": exchange.run,
    "security": security.run,  # issue 15's measured findings
    "records": records.run,
    "calendar": calendar.run,  # issue 22's targets 2-5
    "signed_in": signed_in.run,  # issue 22's target 1, against a baseline commit
    "scale": scale.run,  # issue 22's target 6, on PostgreSQL (BENCH_SCALE_DATABASE_URL)
}


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in open("/proc/cpuinfo", encoding="utf-8"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    with open("/proc/meminfo", encoding="utf-8") as info:
        mem_kib = int(info.readline().split()[1])
    import sqlite3

    return (f"{platform.node()}: {os.cpu_count()} CPUs ({cpu}), {mem_kib // 1024} MiB RAM, "
            f"{platform.platform()}, Python {platform.python_version()}, "
            f"SQLite {sqlite3.sqlite_version}, load average {os.getloadavg()[0]:.2f}")


def main() -> int:
    chosen = [s for s in os.environ.get("BENCH_ONLY", "").split(",") if s] or list(SUITES)
    print(f"== bench: {machine()}", flush=True)
    print(f"== command: {' '.join([os.path.basename(sys.executable), '-m', 'bench'])}"
          f"{' (BENCH_ONLY=' + ','.join(chosen) + ')' if len(chosen) < len(SUITES) else ''}",
          flush=True)
    began = time.monotonic()
    results: list[Result] = []
    crashed = []
    for name in chosen:
        start = time.monotonic()
        print(f"-- {name} ...", flush=True)
        try:
            found = SUITES[name]()
        except Exception:  # noqa: BLE001 - reported, then the run goes on
            traceback.print_exc()
            crashed.append(name)
            continue
        for result in found:
            print(result.line(), flush=True)
        results += found
        print(f"   ({name}: {time.monotonic() - start:.0f} s)", flush=True)
    passed = sum(r.passed for r in results)
    print(f"== bench: {passed} of {len(results)} targets PASS, "
          f"{len(results) - passed} FAIL, {len(crashed)} crashed {crashed or ''} "
          f"in {time.monotonic() - began:.0f} s", flush=True)
    return 1 if crashed else 0


if __name__ == "__main__":
    sys.exit(main())
