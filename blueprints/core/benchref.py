"""The benchmarks' reference page (issue 9): one event by primary key in the base layout,
nothing else. Registered only when BENCH_ROUTES is true (set by bench/, never in production
or in the test app), so it is not part of the product or of the access-control matrix."""
from __future__ import annotations

from flask import Blueprint, render_template

from extensions import db
from liaison.events.models import Event

bp = Blueprint("benchref", __name__)


@bp.get("/_bench/reference/<int:event_id>")
def reference(event_id: int):
    return render_template("bench/reference.html", event=db.get_or_404(Event, event_id))
