"""Registration rules 1–6: register, cancel, approve, decline, move, check in, capacity."""
from __future__ import annotations

from liaison.seats import SeatCounts, seat_counts

__all__ = ["SeatCounts", "seat_counts"]
