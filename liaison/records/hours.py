"""Credited hours (SPEC): a full attendance counts the event's `credit_hours`, or its duration
when none is set; a partial one counts its minutes; an absence counts nothing. The same rule in
Python (for one registration) and in SQL (for records and reports over many rows)."""
from __future__ import annotations

from sqlalchemy import Float, case, cast, func
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement, FunctionElement

from liaison.events.models import Event
from liaison.registration.models import AttendanceOutcome, Registration


def credited_hours(registration: Registration) -> float:
    """The hours this registration's outcome counts for."""
    if registration.attendance == AttendanceOutcome.attended:
        return round(registration.event.credited_hours, 2)
    if registration.attendance == AttendanceOutcome.partial:
        return round((registration.attended_minutes or 0) / 60, 2)
    return 0.0


def qualifies_for_certificate(registration: Registration) -> bool:
    """Attended, or partly attended for at least half the credited time."""
    if registration.attendance == AttendanceOutcome.attended:
        return True
    if registration.attendance == AttendanceOutcome.partial:
        return (registration.attended_minutes or 0) * 2 >= registration.event.credited_hours * 60
    return False


class _hours_between(FunctionElement):
    """Hours from one timestamp column to another, as a float, in the database's own words."""

    type = Float()
    inherit_cache = True


@compiles(_hours_between, "sqlite")
def _hours_between_sqlite(element, compiler, **kw):
    start, end = list(element.clauses)
    return (f"((julianday({compiler.process(end, **kw)}) - "
            f"julianday({compiler.process(start, **kw)})) * 24.0)")


@compiles(_hours_between, "postgresql")
def _hours_between_postgresql(element, compiler, **kw):
    start, end = list(element.clauses)
    return (f"(EXTRACT(EPOCH FROM ({compiler.process(end, **kw)} - "
            f"{compiler.process(start, **kw)})) / 3600.0)")


def credited_hours_sql() -> ColumnElement[float]:
    """`credited_hours` as a column expression over Registration joined to Event."""
    full = func.coalesce(Event.credit_hours, _hours_between(Event.start_at, Event.end_at))
    return case(
        (Registration.attendance == AttendanceOutcome.attended, full),
        (Registration.attendance == AttendanceOutcome.partial,
         cast(func.coalesce(Registration.attended_minutes, 0), Float) / 60.0),
        else_=0.0,
    )
