"""Benchmarks for issue 9: `python -m bench` (or `make bench`) runs them all."""
