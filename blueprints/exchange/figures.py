"""Figures for the association (`/exchange/figures`), with bar charts drawn on the server as
SVG: no script, nothing to load, readable by screen readers through their table twins."""
from __future__ import annotations

from dataclasses import dataclass

from flask import abort, render_template
from flask_babel import gettext as _
from flask_login import current_user, login_required

from blueprints.exchange.views import bp
from liaison.accounts.models import ORG_KIND_LABELS, ORG_KIND_PLURALS
from liaison.events.direction import TRAINING_ARROW
from liaison.exchange import figures

BAR_HEIGHT = 18
ROW = 44  # a label line above each bar, then the bar
CHART_WIDTH = 560


@dataclass
class Bar:
    label: str
    value: int
    y: int
    width: float


@dataclass
class Chart:
    title: str
    bars: list[Bar]
    height: int
    width: int = CHART_WIDTH
    bar_height: int = BAR_HEIGHT


def bar_chart(title: str, rows: list[tuple[str, int]]) -> Chart:
    """Horizontal bars scaled to the largest value, each under its label, so long labels
    ("Criminal justice, Law enforcement → Customs") fit on a phone too (pure: laid out here,
    drawn by the page)."""
    top = max((value for _label, value in rows), default=0) or 1
    room = CHART_WIDTH - 60
    bars = [Bar(label, value, i * ROW, room * value / top) for i, (label, value) in
            enumerate(rows)]
    return Chart(title, bars, max(len(bars), 1) * ROW)


def direction_label(direction: figures.Direction) -> str:
    trainers = (", ".join(str(ORG_KIND_PLURALS[k]) for k in direction.trainer_kinds)
                or _("Anyone"))
    return f"{trainers}{TRAINING_ARROW}{ORG_KIND_LABELS[direction.requester_kind]}"


@bp.get("/figures")
@login_required
def figures_page():
    if not figures.can_see(current_user):
        abort(403)
    found = figures.compute()
    by_status = bar_chart(_("Requests by status"),
                          [(status.label, count) for status, count in found.by_status.items()])
    by_direction = bar_chart(_("Requests by direction (who is asked to train whom)"),
                             [(direction_label(d), d.total) for d in found.by_direction])
    return render_template("exchange/figures.html", found=found, by_status=by_status,
                           by_direction=by_direction, direction_label=direction_label)
