"""/api/v1 records: attendance outcomes and closing, certificates (verified without a token,
rate-limited against guessing), and training records. The rules are liaison.records'."""
from __future__ import annotations

from flask import g, jsonify
from flask_babel import gettext as _

from blueprints.api import records_schemas as rs
from blueprints.api import schemas, serializers
from blueprints.api.auth import ApiError
from blueprints.api.event_routes import EVENT_ID, not_found, require_manager, visible_event
from blueprints.api.parsing import invalid, json_body, query_args
from blueprints.api.registration_routes import REGISTRATION_ID, own_or_managed
from blueprints.api.views import PUBLIC_ENDPOINTS, bp
from blueprints.records.certificates import count_guess, guessing_blocked
from extensions import db
from liaison.accounts.models import Organization
from liaison.events import lifecycle
from liaison.records import attendance, certificates, organization_record, surveys, training
from liaison.records.attendance import OutcomeInput
from liaison.records.models import Certificate

PUBLIC_ENDPOINTS.add("api.verify_certificate")


def certificate_json(certificate: Certificate) -> dict:
    language = certificate.language
    return {
        "code": certificate.code,
        "valid": not certificate.is_revoked,
        "revoked": certificate.is_revoked,
        "name": certificate.localized("name", language),
        "organization": certificate.localized("organization", language),
        "event_title": certificate.localized("event_title", language),
        "event_start": serializers.iso(certificate.event_start),
        "hours": certificate.hours,
        "issuer": certificate.localized("issuer", language),
        "co_issuers": [zh if language == "zh" and zh else en for en, zh in certificate.co_issuers],
    }


@bp.post(f"/registrations/{REGISTRATION_ID}/attendance")
def set_attendance(registration_id: int):
    registration = own_or_managed(registration_id)
    body = json_body(rs.AttendanceIn)
    attendance.set_outcome(registration, OutcomeInput(body.attendance, body.minutes),
                           by=g.api_user)
    db.session.commit()
    return jsonify(serializers.registration_json(registration))


@bp.post(f"/events/{EVENT_ID}/attendance/close")
def close_attendance(event_id: int):
    event = visible_event(event_id, g.api_user)
    require_manager(event, g.api_user)
    before = db.session.scalar(db.select(db.func.count(Certificate.id))
                               .where(Certificate.event_id == event.id))
    absent = attendance.close_attendance(event, by=g.api_user)
    issued = db.session.scalar(db.select(db.func.count(Certificate.id))
                               .where(Certificate.event_id == event.id)) - before
    db.session.commit()
    return jsonify({"event_id": event.id, "closed_at": serializers.iso(event.attendance_closed_at),
                    "marked_absent": absent, "certificates_issued": issued})


@bp.get("/me/training-record")
def my_training_record():
    record = training.person_record(g.api_user)
    return jsonify({
        "total_hours": record.total_hours,
        "items": [{"event_id": item.event.id, "title": item.event.title,
                   "start": serializers.iso(item.event.start_at, item.event.zone),
                   "hours": item.hours, "attendance": str(item.attendance),
                   "certificate_code": item.certificate_code} for item in record.items],
    })


def _bucket(b) -> dict:
    return {"key": b.key, "label": b.label, "hours": b.hours, "sessions": b.sessions,
            "people": b.people}


@bp.get("/organizations/<int:organization_id>/training-record")
def organization_training_record(organization_id: int):
    if not 1 <= organization_id <= schemas.MAX_ID:
        raise not_found()
    org = db.session.get(Organization, organization_id)
    if org is None:
        raise not_found()
    if not organization_record.can_read_record(g.api_user, org):
        raise ApiError(403, "forbidden", _("Only the organization's focal points and "
                                           "administrators can read its training record."))
    args = query_args(rs.RecordQuery)
    problems = organization_record.check_range(args.from_, args.to)
    if problems:
        raise invalid(problems)
    record = organization_record.organization_record(org, args.from_, args.to)
    return jsonify({
        "from": args.from_.isoformat() if args.from_ else None,
        "to": args.to.isoformat() if args.to else None,
        "total_hours": record.total_hours,
        "people": [{"user_id": p.user_id, "name": p.name, "hours": p.hours,
                    "sessions": p.sessions} for p in record.people],
        "by_topic": [_bucket(b) for b in record.by_topic],
        "by_quarter": [_bucket(b) for b in record.by_quarter],
        "by_direction": [_bucket(b) for b in record.by_direction],
        "by_office": [_bucket(b) for b in record.by_office],
    })


def _certificate(code: str) -> Certificate:
    certificate = certificates.certificate_for_code(code)
    if certificate is None:
        raise not_found()
    return certificate


@bp.get("/certificates/<code>")
def verify_certificate(code: str):
    """Public: valid, revoked or unknown (404); unknown codes count as guesses."""
    if guessing_blocked():
        raise ApiError(429, "rate_limited", _("Too many unknown codes. Wait a few minutes."))
    certificate = certificates.certificate_for_code(code)
    if certificate is None:
        count_guess()
        raise not_found()
    return jsonify(certificate_json(certificate))


@bp.post("/certificates/<code>/revoke")
def revoke_certificate(code: str):
    certificate = certificates.revoke(_certificate(code), by=g.api_user)
    db.session.commit()
    return jsonify(certificate_json(certificate))


@bp.post("/certificates/<code>/reissue")
def reissue_certificate(code: str):
    certificate = certificates.reissue(_certificate(code), by=g.api_user)
    db.session.commit()
    return jsonify(certificate_json(certificate))


def _can_see_survey(event, user) -> bool:
    return lifecycle.can_manage(event, user) or surveys.invitation_for(event, user) is not None


def survey_json(event, questions) -> dict:
    return {"event_id": event.id, "questions": [{
        "id": q.id, "kind": str(q.kind), "label": q.label, "label_zh": q.label_zh,
        "options": [list(o) for o in q.options], "required": q.required, "key": q.key,
    } for q in questions]}


@bp.get(f"/events/{EVENT_ID}/survey")
def get_survey(event_id: int):
    event = visible_event(event_id, g.api_user)
    if not _can_see_survey(event, g.api_user):
        raise ApiError(403, "forbidden", _("Only the organizers and the invited attendees "
                                           "see this survey."))
    questions = surveys.questions(event)
    db.session.commit()  # the default survey is saved on first sight
    return jsonify(survey_json(event, questions))


@bp.put(f"/events/{EVENT_ID}/survey")
def replace_survey(event_id: int):
    event = visible_event(event_id, g.api_user)
    require_manager(event, g.api_user)
    body = json_body(rs.SurveyIn)
    items = [surveys.QuestionInput(
        kind=q.kind, label=q.label, label_zh=q.label_zh, required=q.required, key=q.key,
        options=[(o[0] or "", o[1] if len(o) > 1 else None) for o in q.options])
        for q in body.questions]
    questions = surveys.replace_questions(event, items, by=g.api_user)
    db.session.commit()
    return jsonify(survey_json(event, questions))


@bp.post(f"/events/{EVENT_ID}/survey/responses")
def answer_survey(event_id: int):
    event = visible_event(event_id, g.api_user)
    body = json_body(rs.ResponseIn)
    response = surveys.respond(event, g.api_user, body.answers, anonymous=body.anonymous)
    db.session.commit()
    return jsonify({"id": response.id, "event_id": event.id,
                    "anonymous": response.registration_id is None,
                    "submitted_at": serializers.iso(response.submitted_at)}), 201


@bp.get(f"/events/{EVENT_ID}/survey/results")
def survey_results(event_id: int):
    event = visible_event(event_id, g.api_user)
    require_manager(event, g.api_user)
    result = surveys.results(event)
    db.session.commit()
    return jsonify({
        "event_id": event.id, "invited": result.invited, "responses": result.responses,
        "response_rate": result.rate,
        "questions": [{"question_id": i.question.id, "label": i.question.label,
                       "answered": i.answered, "average": i.average,
                       "counts": [[label, n] for label, n in i.counts], "texts": i.texts}
                      for i in result.items],
    })
