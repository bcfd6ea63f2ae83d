"""One measured target: what it is, the figure, the ratio to its limit, PASS/FAIL."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Result:
    target: str  # e.g. "1a public feed warm <= 1.2x icalendar alone"
    measured: str  # the figure(s), human readable
    ratio: float | None  # measured / limit (<= 1 passes) or None when not a ratio
    passed: bool

    def line(self) -> str:
        ratio = f"{self.ratio:.3f}" if self.ratio is not None else "-"
        verdict = "PASS" if self.passed else "FAIL"
        return f"{verdict}  {self.target}\n      measured: {self.measured}  ratio: {ratio}"
