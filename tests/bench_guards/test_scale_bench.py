"""The scale suite without a PostgreSQL URL reports one failed target that says how to run it
(it does not crash, and does not seed anything)."""
from __future__ import annotations

from bench import scale


def test_without_a_database_url_the_suite_says_how_to_run_it(monkeypatch):
    monkeypatch.delenv("BENCH_SCALE_DATABASE_URL", raising=False)
    [result] = scale.run()
    assert not result.passed and result.ratio is None
    assert "BENCH_SCALE_DATABASE_URL=$TEST_DATABASE_URL BENCH_ONLY=scale" in result.measured


def test_a_sqlite_url_is_refused_the_same_way(monkeypatch):
    monkeypatch.setenv("BENCH_SCALE_DATABASE_URL", "sqlite:///scale.sqlite")
    [result] = scale.run()
    assert not result.passed and "scripts/with-postgres" in result.measured
