"""After the session, for each person: their training record (page and PDF)."""
from __future__ import annotations

from flask import Blueprint, Response, render_template
from flask_login import current_user, login_required

from liaison.records import training
from liaison.records.record_pdf import render_record_pdf

bp = Blueprint("records", __name__)


@bp.get("/me/training-record")
@login_required
def my_record():
    """Hours, sessions, topics and certificates of the signed-in person."""
    return render_template("records/my_record.html", record=training.person_record(current_user))


@bp.get("/me/training-record.pdf")
@login_required
def my_record_pdf():
    """The same record as a PDF, in the reader's language."""
    pdf = render_record_pdf(training.person_record(current_user))
    return Response(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": 'inline; filename="training-record.pdf"',
        "Cache-Control": "private, no-store"})
