"""After the session, for each person: their training record (page and PDF)."""
from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from liaison.records import training

bp = Blueprint("records", __name__)


@bp.get("/me/training-record")
@login_required
def my_record():
    """Hours, sessions, topics and certificates of the signed-in person."""
    return render_template("records/my_record.html", record=training.person_record(current_user))
