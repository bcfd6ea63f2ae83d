"""Certificates on the web: the public verify page, the PDF, and the organizers' revoke and
reissue buttons. Unknown codes count against the caller's address (CERTIFICATE_GUESS_LIMIT),
and once the limit is reached every look-up from it is refused for the rest of the window, so
guessing cannot find a code."""
from __future__ import annotations

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from limits import parse

from blueprints.core.redirects import safe_next
from blueprints.records.views import bp
from extensions import db, limiter
from liaison.core.errors import DomainError
from liaison.records import certificates
from liaison.records.certificate_pdf import grouped
from liaison.records.models import Certificate

GUESS_KEY = "certificate-guess"


def _guess_limit():
    return parse(current_app.config["CERTIFICATE_GUESS_LIMIT"])


def guessing_blocked() -> bool:
    """The caller's address has used up its unknown-code look-ups for now."""
    if not limiter.enabled:
        return False
    return not limiter.limiter.test(_guess_limit(), GUESS_KEY, request.remote_addr or "")


def count_guess() -> None:
    if limiter.enabled:
        limiter.limiter.hit(_guess_limit(), GUESS_KEY, request.remote_addr or "")


def lookup(code: str) -> Certificate | None:
    """The certificate for a code from the URL, counting an unknown one as a guess; 429 when
    the address has guessed too often."""
    if guessing_blocked():
        abort(429)
    certificate = certificates.certificate_for_code(code)
    if certificate is None:
        count_guess()
    return certificate


@bp.get("/verify/<code>")
def verify(code: str):
    """Anyone with a code sees whether it is valid, revoked or unknown."""
    certificate = lookup(code)
    status = 404 if certificate is None else 200
    return render_template("records/verify.html", certificate=certificate,
                           code=certificates.normalize_code(code), grouped=grouped), status


@bp.get("/certificates/<code>.pdf")
def certificate_pdf(code: str):
    """The PDF, for whoever holds the code (it is printed on the PDF itself)."""
    certificate = lookup(code)
    if certificate is None:
        abort(404)
    pdf = db.session.scalar(db.select(Certificate.pdf).where(Certificate.id == certificate.id))
    if pdf is None:  # the worker renders it; never in a request
        return render_template("records/certificate_pending.html", certificate=certificate), \
            503, {"Retry-After": "30"}
    return Response(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="certificate-{certificate.code}.pdf"',
    })


def _act(code: str, action, done: str):
    certificate = certificates.certificate_for_code(code)
    if certificate is None:
        abort(404)
    try:
        result = action(certificate)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        result = certificate
    else:
        db.session.commit()
        flash(done, "success")
    return redirect(safe_next(request.form.get("next"))
                    or url_for("records.verify", code=result.code))


@bp.post("/certificates/<code>/revoke")
@login_required
def revoke(code: str):
    return _act(code, lambda c: certificates.revoke(c, by=current_user),
                _("The certificate is revoked; its code now reads revoked."))


@bp.post("/certificates/<code>/reissue")
@login_required
def reissue(code: str):
    return _act(code, lambda c: certificates.reissue(c, by=current_user),
                _("A new certificate was issued with a new code; the old code reads revoked."))
