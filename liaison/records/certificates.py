"""Certificates of attendance: issued when attendance closes to every confirmed registration
that qualifies (attended, or partial with at least half the credited time), verified by an
unguessable code (80 random bits), revoked or reissued by the event's organizers and admins.

Issuing writes the row and its snapshot in the closing transaction (fast); the PDF is rendered
later by the worker's `render_certificates` job, never in a request."""
from __future__ import annotations

import base64
import json
import secrets
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from extensions import db
from liaison.accounts.models import Organization, User
from liaison.core.errors import Conflict, NotAllowed
from liaison.core.types import utcnow
from liaison.events.lifecycle import can_manage
from liaison.events.models import Event
from liaison.records import signals
from liaison.records.hours import credited_hours, qualifies_for_certificate
from liaison.records.models import Certificate
from liaison.registration.models import Registration, RegistrationStatus

CODE_BYTES = 10  # 80 random bits: SPEC asks for at least 64
RENDER_BATCH = 20  # PDFs per job run: about six seconds


def new_code() -> str:
    """16 characters of base32 (A–Z, 2–7): 80 random bits, easy to read out and type."""
    return base64.b32encode(secrets.token_bytes(CODE_BYTES)).decode("ascii")


def normalize_code(raw: str) -> str:
    """What someone typed or scanned, as stored: upper case, without spaces or dashes."""
    return "".join(ch for ch in (raw or "").upper() if ch not in " -")[:40]


def certificate_for_code(raw: str) -> Certificate | None:
    """The certificate with this code, revoked or not; None when there is none."""
    code = normalize_code(raw)
    if len(code) != 16:
        return None
    return db.session.scalar(select(Certificate).where(Certificate.code == code))


def current_certificate(registration: Registration) -> Certificate | None:
    """The registration's certificate that is not revoked, if any."""
    return db.session.scalar(
        select(Certificate).where(Certificate.registration_id == registration.id,
                                  Certificate.revoked_at.is_(None))
    )


def _co_issuers(event: Event) -> list[list[str | None]]:
    """The organizations of the event's other organizers (the co-hosts), host excluded."""
    seen: dict[int, Organization] = {}
    for organizer in event.organizers:
        org = organizer.organization
        if org.id != event.host_organization_id and org.id not in seen:
            seen[org.id] = org
    return [[org.name, org.name_zh] for _id, org in sorted(seen.items())]


def issue(registration: Registration, *, now: datetime | None = None) -> Certificate:
    """A new certificate for a qualifying registration: a snapshot of who, what and when."""
    event, user = registration.event, registration.user
    certificate = Certificate(
        code=new_code(),
        registration_id=registration.id,
        event_id=event.id,
        user_id=user.id,
        language=user.language,
        name=user.display_name,
        name_zh=user.display_name_zh,
        organization=user.organization.name,
        organization_zh=user.organization.name_zh,
        event_title=event.title,
        event_title_zh=event.title_zh,
        event_start=event.start_at,
        event_timezone=event.timezone,
        hours=credited_hours(registration),
        issuer=event.host_organization.name,
        issuer_zh=event.host_organization.name_zh,
        co_issuers_json=json.dumps(_co_issuers(event), ensure_ascii=False),
        issued_at=now or utcnow(),
    )
    db.session.add(certificate)
    db.session.flush()
    signals.certificate_issued.send(certificate)
    return certificate


def issue_for_event(event: Event, *, now: datetime | None = None) -> list[Certificate]:
    """On closing: a certificate for each qualifying registration that has none, and the
    current certificate revoked where the outcome no longer qualifies (after a reopening)."""
    now = now or utcnow()
    confirmed = db.session.scalars(
        select(Registration).where(Registration.event_id == event.id,
                                   Registration.status == RegistrationStatus.confirmed)
    ).all()
    current = {
        c.registration_id: c
        for c in db.session.scalars(
            select(Certificate).where(Certificate.event_id == event.id,
                                      Certificate.revoked_at.is_(None))
        )
    }
    issued = []
    for registration in confirmed:
        held = current.get(registration.id)
        if qualifies_for_certificate(registration):
            if held is None:
                issued.append(issue(registration, now=now))
        elif held is not None:
            held.revoked_at = now
    db.session.flush()
    return issued


def _require_manager(certificate: Certificate, by: User) -> Event:
    event = db.session.get(Event, certificate.event_id)
    if event is None or not can_manage(event, by):
        raise NotAllowed(_("Only the organizers of this event and administrators can do this."))
    return event


def revoke(certificate: Certificate, *, by: User, now: datetime | None = None) -> Certificate:
    """The code reads revoked from now on; revoking twice changes nothing."""
    _require_manager(certificate, by)
    if certificate.revoked_at is None:
        certificate.revoked_at = now or utcnow()
        certificate.revoked_by_id = by.id
        db.session.flush()
    return certificate


def reissue(certificate: Certificate, *, by: User, now: datetime | None = None) -> Certificate:
    """A new certificate with a new code from the registration as it is now (a corrected name,
    say); the old code reads revoked."""
    _require_manager(certificate, by)
    registration = db.session.get(Registration, certificate.registration_id)
    if registration is None or not qualifies_for_certificate(registration):
        raise Conflict(_("This attendance no longer qualifies for a certificate."),
                       code="not_qualified")
    now = now or utcnow()
    for held in db.session.scalars(
        select(Certificate).where(Certificate.registration_id == registration.id,
                                  Certificate.revoked_at.is_(None))
    ):
        held.revoked_at = now
        held.revoked_by_id = by.id
    db.session.flush()
    return issue(registration, now=now)


def render_certificates(now: datetime, *, limit: int = RENDER_BATCH) -> int:
    """The worker's job: render the PDFs of up to `limit` certificates that have none yet
    (oldest first); returns how many. It runs inside the worker's transaction and only
    flushes; a batch is a few seconds (about 0.3 s a PDF), so SQLite's one writer is not held
    for long, and the next run, a minute later, takes the next batch. Rendering a certificate
    twice is harmless."""
    from liaison.records.certificate_pdf import render_pdf

    batch = db.session.scalars(
        select(Certificate).where(Certificate.rendered_at.is_(None))
        .order_by(Certificate.id).limit(limit)
    ).all()
    for certificate in batch:
        certificate.pdf = render_pdf(certificate)
        certificate.rendered_at = now
    db.session.flush()
    return len(batch)
