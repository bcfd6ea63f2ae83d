"""Offline check-in on the web: the scans a device queued (idempotent by nonce), the page's
service worker, and each registrant's QR code (ticket page and SVG)."""
from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path

import segno
from flask import Response, abort, current_app, jsonify, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required

from blueprints.events.manage import event_to_manage
from blueprints.records.views import bp
from extensions import db
from liaison.records import scans
from liaison.registration import checkin
from liaison.registration.models import Registration, RegistrationStatus

MAX_SCANS = 200


def _bad(message: str, status: int = 422):
    return jsonify({"error": {"code": "invalid", "message": message, "fields": {}}}), status


def _parse(item) -> scans.Scan | None:
    """One queued scan, or None when it is not one."""
    if not isinstance(item, dict):
        return None
    nonce, token, reg_id, at = (item.get("nonce"), item.get("token"),
                                item.get("registration_id"), item.get("scanned_at"))
    if not isinstance(nonce, str) or not 8 <= len(nonce) <= scans.NONCE_MAX:
        return None
    if token is not None and (not isinstance(token, str) or len(token) > 64):
        return None
    if reg_id is not None and (not isinstance(reg_id, int) or isinstance(reg_id, bool)
                               or not 1 <= reg_id <= 2**31 - 1):
        return None
    if (token is None) == (reg_id is None) or not isinstance(at, str) or len(at) > 40:
        return None
    try:
        scanned_at = datetime.fromisoformat(at.replace("Z", "+00:00"))
    except ValueError:
        return None
    if scanned_at.tzinfo is None:
        return None
    return scans.Scan(nonce=nonce, scanned_at=scanned_at, token=token, registration_id=reg_id)


@bp.post("/events/<int:event_id>/check-in/sync")
@login_required
def sync_scans(event_id: int):
    """A device's queued scans: {"scans": [{"nonce", "token" | "registration_id",
    "scanned_at"}]} -> {"results": [{"nonce", "result", "registration_id", "checked_in_at",
    "message"}]}. Sending a batch again answers the same results and changes nothing."""
    event = event_to_manage(event_id)
    body = request.get_json(silent=True)
    items = body.get("scans") if isinstance(body, dict) else None
    if not isinstance(items, list) or not items or len(items) > MAX_SCANS:
        return _bad(_("Send {\"scans\": [...]} with 1 to %(n)d scans.", n=MAX_SCANS), 400)
    parsed = [_parse(item) for item in items]
    if any(scan is None for scan in parsed):
        return _bad(_("Each scan needs a nonce, a token or registration id, and scanned_at."))
    answers = scans.apply_scans(event, parsed, by=current_user)
    db.session.commit()
    return jsonify({"results": [{
        "nonce": a.nonce, "result": str(a.result),
        "registration_id": a.registration.id if a.registration else None,
        "checked_in_at": (a.registration.checked_in_at.isoformat()
                          if a.registration and a.registration.checked_in_at else None),
        "message": a.message,
    } for a in answers]})


@bp.get("/check-in-sw.js")
def checkin_worker():
    """The service worker, from a path above /events/ so it may control the check-in pages."""
    path = Path(current_app.static_folder) / "js" / "checkin-sw.js"
    return Response(path.read_text(encoding="utf-8"), mimetype="text/javascript",
                    headers={"Cache-Control": "no-cache"})


def _own_confirmed(registration_id: int) -> Registration:
    registration = db.get_or_404(Registration, registration_id)
    if registration.user_id != current_user.id:
        abort(404)
    if registration.status != RegistrationStatus.confirmed:
        abort(404)
    return registration


def qr_svg(registration: Registration, scale: int = 6) -> str:
    """The registration's check-in QR code as inline SVG (it holds the token, never the id)."""
    buffer = io.BytesIO()
    segno.make(checkin.qr_text(registration), error="m").save(
        buffer, kind="svg", scale=scale, border=3, xmldecl=False, svgns=True,
        title=_("Check-in code"))
    return buffer.getvalue().decode("utf-8")


@bp.get("/registrations/<int:registration_id>/ticket")
@login_required
def ticket(registration_id: int):
    """A printable page with the confirmed registrant's check-in QR code."""
    registration = _own_confirmed(registration_id)
    return render_template("records/ticket.html", registration=registration,
                           event=registration.event, qr=qr_svg(registration, 8))


@bp.get("/registrations/<int:registration_id>/qr.svg")
@login_required
def qr_image(registration_id: int):
    registration = _own_confirmed(registration_id)
    return Response(qr_svg(registration), mimetype="image/svg+xml")
