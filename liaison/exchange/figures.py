"""Figures for the association: requests by status and by direction (who is asked to train
whom), the median days from a request to its scheduled session, and the open requests no
offer matches — the gaps nobody offers to fill. Each figure is one or two SQL statements."""
from __future__ import annotations

import statistics
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from extensions import db
from liaison.accounts.models import Organization, OrgKind
from liaison.exchange import matching
from liaison.exchange.columns import csv_kinds
from liaison.exchange.models import RequestStatus, TrainingRequest

GAPS_SHOWN = 20


@dataclass
class Direction:
    trainer_kinds: list[OrgKind]  # empty: any kind
    requester_kind: OrgKind
    counts: dict[RequestStatus, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass
class Figures:
    by_status: dict[RequestStatus, int]
    by_direction: list[Direction]
    median_days_to_schedule: float | None
    scheduled_count: int
    gaps_count: int
    gaps: list[TrainingRequest]


def can_see(user) -> bool:
    """Administrators and the association's people."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return user.is_admin or user.organization.kind == OrgKind.association


def _by_status_and_direction() -> tuple[dict, list[Direction]]:
    rows = db.session.execute(
        select(Organization.kind, TrainingRequest.trainer_kinds_csv, TrainingRequest.status,
               func.count())
        .join(Organization, Organization.id == TrainingRequest.organization_id)
        .group_by(Organization.kind, TrainingRequest.trainer_kinds_csv, TrainingRequest.status)
    ).all()
    by_status = {status: 0 for status in RequestStatus}
    directions: dict[tuple, Direction] = {}
    for kind, trainers, status, count in rows:
        by_status[status] += count
        key = (trainers, kind)
        if key not in directions:
            directions[key] = Direction(csv_kinds(trainers), OrgKind(kind))
        directions[key].counts[status] = directions[key].counts.get(status, 0) + count
    ordered = sorted(directions.values(), key=lambda d: (-d.total, d.requester_kind,
                                                         [str(k) for k in d.trainer_kinds]))
    return by_status, ordered


def _days_to_schedule() -> tuple[float | None, int]:
    """Median days from posting to the training's publication, over requests that got one."""
    rows = db.session.execute(
        select(TrainingRequest.created_at, TrainingRequest.scheduled_at)
        .where(TrainingRequest.scheduled_at.is_not(None),
               TrainingRequest.status.in_((RequestStatus.scheduled, RequestStatus.delivered)))
    ).all()
    days = [(scheduled - created).total_seconds() / 86400 for created, scheduled in rows]
    return (round(statistics.median(days), 1) if days else None), len(days)


def unmatched_open_requests():
    """SELECT of open requests that no open offer matches (oldest first)."""
    return (
        select(TrainingRequest)
        .where(TrainingRequest.status == RequestStatus.open, ~matching.has_match_clause())
        .order_by(TrainingRequest.created_at, TrainingRequest.id)
    )


def compute() -> Figures:
    by_status, by_direction = _by_status_and_direction()
    median, scheduled = _days_to_schedule()
    gaps_stmt = unmatched_open_requests()
    gaps_count = db.session.scalar(
        select(func.count()).select_from(gaps_stmt.order_by(None).subquery())
    )
    gaps = list(db.session.scalars(
        gaps_stmt.limit(GAPS_SHOWN).options(joinedload(TrainingRequest.organization),
                                            selectinload(TrainingRequest.topic_rows))
    ))
    return Figures(by_status, by_direction, median, scheduled, gaps_count or 0, gaps)
