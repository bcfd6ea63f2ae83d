"""Scans from check-in devices that may have been offline: each arrives with a nonce, the
code it read (or the registration tapped) and the time it was made. The first arrival of a
nonce is applied through `checkin.check_in` (the window judged at the scan time) and stored;
a retry of the same nonce answers the stored result. Both happen under the event's seat lock,
so two arrivals of one nonce at once cannot both count."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from extensions import db
from liaison.accounts.models import User
from liaison.core.errors import DomainError, NotAllowed
from liaison.core.types import utcnow
from liaison.events.lifecycle import can_manage
from liaison.events.models import Event
from liaison.records.models import CheckinScan, ScanResult
from liaison.registration import checkin
from liaison.registration.models import Registration
from liaison.registration.seats import lock_seats

NONCE_MAX = 64


@dataclass(frozen=True)
class Scan:
    """What a device sends: a nonce, then either the QR token or the registration id."""

    nonce: str
    scanned_at: datetime
    token: str | None = None
    registration_id: int | None = None


@dataclass(frozen=True)
class ScanAnswer:
    nonce: str
    result: ScanResult
    registration: Registration | None
    message: str = ""


def apply_scans(event: Event, scans: list[Scan], *, by: User,
                now: datetime | None = None) -> list[ScanAnswer]:
    """Apply a batch in order; each answer says what happened to that scan."""
    if not can_manage(event, by):
        raise NotAllowed(_("Only the organizers of this event can check people in."))
    now = now or utcnow()
    lock_seats(event)
    return [_apply(event, scan, by, now) for scan in scans]


def _apply(event: Event, scan: Scan, by: User, now: datetime) -> ScanAnswer:
    stored = db.session.scalar(select(CheckinScan).where(CheckinScan.nonce == scan.nonce))
    if stored is not None:
        registration = (db.session.get(Registration, stored.registration_id)
                        if stored.registration_id else None)
        return ScanAnswer(scan.nonce, stored.result, registration, stored.message)
    registration = _registration(event, scan)
    # The nonce is written first: from here this transaction holds the write lock for good
    # (SQLite), so nothing can slip in between this check and the check-in below.
    row = CheckinScan(
        nonce=scan.nonce, event_id=event.id,
        registration_id=registration.id if registration is not None else None,
        by_id=by.id, scanned_at=min(scan.scanned_at, now), received_at=now,
        result=ScanResult.unknown, message="",
    )
    db.session.add(row)
    db.session.flush()
    if registration is None:
        row.message = _("This code is not a registration for this event.")
    elif registration.checked_in_at is not None:
        row.result = ScanResult.already
    else:
        try:  # check_in refuses before it writes anything
            checkin.check_in(registration, by=by, at=scan.scanned_at, now=now)
        except DomainError as error:
            row.result, row.message = ScanResult.refused, error.message[:300]
        else:
            row.result = ScanResult.checked_in
    db.session.flush()
    return ScanAnswer(scan.nonce, row.result, registration, row.message)


def _registration(event: Event, scan: Scan) -> Registration | None:
    if scan.token:
        return checkin.registration_for_token(event, scan.token)
    if scan.registration_id:
        registration = db.session.get(Registration, scan.registration_id)
        if registration is not None and registration.event_id == event.id:
            return registration
    return None
