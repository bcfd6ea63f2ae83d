"""/api/v1 records: outcomes, closing, certificates (verified without a token, rate-limited
against guessing, PDFs read back with pypdf), training records."""
from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta

import pytest
from pypdf import PdfReader

from blueprints.api.records_schemas import CertificateOut, OrganizationRecordOut, TrainingRecordOut
from extensions import db
from liaison.accounts.models import OrgKind, Role
from liaison.records.certificate_pdf import grouped
from liaison.records.certificates import new_code, render_certificates
from liaison.records.models import Certificate
from liaison.registration.models import Registration, RegistrationStatus


def past_session(make_event, organizer, people, **fields):
    """A session yesterday 01:00–04:00 UTC with these people confirmed."""
    start = datetime.now(UTC).replace(hour=1, minute=0, second=0, microsecond=0) \
        - timedelta(days=1)
    event = make_event(organizer=organizer, start=start, hours=3, timezone="UTC",
                       venue="Hall", **fields)
    regs = [Registration(event=event, user=p, status=RegistrationStatus.confirmed)
            for p in people]
    db.session.add_all(regs)
    db.session.commit()
    return event, regs


def pdf_text(data: bytes) -> str:
    """pypdf reads fpdf2's CFF font as 1-byte codes: strip the NULs (research NOTES §2)."""
    reader = PdfReader(io.BytesIO(data))
    return "".join(page.extract_text() for page in reader.pages).replace("\x00", "")


@pytest.fixture
def people(make_org, make_user):
    customs = make_org("Shanghai Customs", OrgKind.customs, name_zh="上海海关")
    organizer = make_user("org@example.test", Role.organizer, customs)
    zh = make_user("lina@example.test", Role.participant, customs, display_name="Li Na",
                   display_name_zh="李娜", language="zh")
    en = make_user("anna@example.test", Role.participant, customs, display_name="Anna Keller")
    return organizer, zh, en


def test_outcomes_close_and_certificates_in_both_languages(api_as, client, make_event, people):
    organizer, zh, en = people
    event, (rz, re) = past_session(make_event, organizer, [zh, en], title="Postal channel")
    api = api_as(organizer)
    assert api_as(zh).post(f"/registrations/{rz.id}/attendance",
                           json={"attendance": "attended"}).status_code == 403
    bad = api.post(f"/registrations/{re.id}/attendance",
                   json={"attendance": "partial"})
    assert bad.status_code == 422 and "minutes" in bad.json["error"]["fields"]
    done = api.post(f"/registrations/{re.id}/attendance",
                    json={"attendance": "partial", "minutes": 120})
    assert done.status_code == 200
    assert (done.json["attendance"], done.json["attended_minutes"]) == ("partial", 120)
    # yesterday's check-in window has closed; the organizer records the outcome by hand
    assert api.post(f"/registrations/{rz.id}/check-in").json["error"]["code"] == "checkin_closed"
    assert api.post(f"/registrations/{rz.id}/attendance",
                    json={"attendance": "attended"}).status_code == 200
    closed = api.post(f"/events/{event.id}/attendance/close")
    assert closed.status_code == 200, closed.json
    assert (closed.json["marked_absent"], closed.json["certificates_issued"]) == (0, 2)
    assert api.post(f"/events/{event.id}/attendance/close").status_code == 409

    assert render_certificates(datetime.now(UTC)) == 2
    for user, name in ((zh, "李娜"), (en, "Anna Keller")):
        cert = db.session.scalar(db.select(Certificate).where(Certificate.user_id == user.id))
        pdf = client.get(f"/certificates/{cert.code}.pdf")
        assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
        text = pdf_text(pdf.data)
        assert name in text and grouped(cert.code) in text
        assert ("上海海关" in text) == (user is zh)  # the organization in the holder's language
        public = api_as(None).get(f"/certificates/{cert.code}")
        assert public.status_code == 200
        CertificateOut.model_validate(public.json)
        assert public.json["valid"] is True and public.json["name"] == name

    cert = db.session.scalar(db.select(Certificate).where(Certificate.user_id == en.id))
    assert cert.hours == 2.0  # 120 minutes of partial attendance
    assert api_as(zh).post(f"/certificates/{cert.code}/revoke").status_code == 403
    revoked = api.post(f"/certificates/{cert.code}/revoke")
    assert revoked.status_code == 200 and revoked.json["revoked"] is True
    answer = api_as(None).get(f"/certificates/{cert.code}").json
    assert (answer["valid"], answer["revoked"]) == (False, True)
    assert "Revoked" in client.get(f"/verify/{cert.code}").text


def test_reissue_gives_a_new_code_and_the_old_reads_revoked(api_as, make_event, people):
    organizer, zh, _en = people
    event, (reg,) = past_session(make_event, organizer, [zh])
    api = api_as(organizer)
    api.post(f"/registrations/{reg.id}/attendance", json={"attendance": "attended"})
    api.post(f"/events/{event.id}/attendance/close")
    old = db.session.scalar(db.select(Certificate.code))
    new = api.post(f"/certificates/{old}/reissue")
    assert new.status_code == 200 and new.json["code"] != old and new.json["valid"]
    assert api_as(None).get(f"/certificates/{old}").json["revoked"] is True


@pytest.mark.parametrize("app_settings", [{"RATELIMIT_ENABLED": True}])
def test_a_thousand_guesses_find_nothing_and_hit_the_limit(api_as, client, make_event, people):
    organizer, zh, _en = people
    event, (reg,) = past_session(make_event, organizer, [zh])
    api_as(organizer).post(f"/registrations/{reg.id}/attendance", json={"attendance": "attended"})
    api_as(organizer).post(f"/events/{event.id}/attendance/close")
    real = db.session.scalar(db.select(Certificate.code))
    anonymous = api_as(None)
    answers = [anonymous.get(f"/certificates/{new_code()}").status_code for _ in range(1000)]
    assert 200 not in answers
    assert answers.count(404) == 30 and answers.count(429) == 970
    # once limited, even a real code is refused from that address, on the page as well
    assert anonymous.get(f"/certificates/{real}").status_code == 429
    assert client.get(f"/verify/{real}").status_code == 429
    # another address is not held up
    other = client.get(f"/api/v1/certificates/{real}",
                       environ_base={"REMOTE_ADDR": "198.51.100.7"})
    assert other.status_code == 200


def test_unknown_and_malformed_codes_are_404(api_as, client):
    for code in ("AAAAAAAAAAAAAAAA", "x", "ABCD-EFGH"):
        assert api_as(None).get(f"/certificates/{code}").status_code == 404
        assert client.get(f"/verify/{code}").status_code == 404


def test_the_pdf_waits_for_the_worker(api_as, client, make_event, people):
    organizer, zh, _en = people
    event, (reg,) = past_session(make_event, organizer, [zh])
    api_as(organizer).post(f"/registrations/{reg.id}/attendance", json={"attendance": "attended"})
    api_as(organizer).post(f"/events/{event.id}/attendance/close")
    code = db.session.scalar(db.select(Certificate.code))
    pending = client.get(f"/certificates/{code}.pdf")
    assert pending.status_code == 503 and pending.headers["Retry-After"]


def test_training_records(api_as, make_event, make_org, make_user, people):
    organizer, zh, en = people
    national = zh.organization
    office = make_org("Pudong Office", OrgKind.customs, parent_id=national.id)
    officer = make_user("officer@example.test", Role.participant, office, display_name="Zhao")
    brand = make_org("Brand", OrgKind.rights_holder)
    trainer = make_user("brand@example.test", Role.organizer, brand)
    event, regs = past_session(make_event, trainer, [zh, officer], topics=["product id"])
    api = api_as(trainer)
    for reg in regs:
        api.post(f"/registrations/{reg.id}/attendance", json={"attendance": "attended"})
    api.post(f"/events/{event.id}/attendance/close")

    mine = api_as(zh).get("/me/training-record")
    assert mine.status_code == 200
    TrainingRecordOut.model_validate(mine.json)
    assert mine.json["total_hours"] == 3.0 and mine.json["items"][0]["certificate_code"]

    assert api_as(zh).get(f"/organizations/{national.id}/training-record").status_code == 403
    focal = make_user("focal@example.test", Role.participant, national, focal_point=True)
    assert api_as(focal).get(f"/organizations/{national.id}/training-record").status_code == 200
    assert api_as(focal).get(f"/organizations/{office.id}/training-record").status_code == 200
    office_focal = make_user("of@example.test", Role.participant, office, focal_point=True)
    assert api_as(office_focal).get(
        f"/organizations/{national.id}/training-record").status_code == 403  # not upwards
    admin = make_user("admin@example.test", Role.admin, brand)
    record = api_as(admin).get(f"/organizations/{national.id}/training-record")
    assert record.status_code == 200, record.json
    OrganizationRecordOut.model_validate(record.json)
    body = record.json
    assert body["total_hours"] == 6.0
    assert {p["name"] for p in body["people"]} == {"Li Na", "Zhao"}
    assert [(b["key"], b["label"]) for b in body["by_topic"]] == [("product-id", "product id")]
    assert [b["key"] for b in body["by_direction"]] == ["rights_holder>customs"]
    assert {b["label"] for b in body["by_office"]} == {"Shanghai Customs", "Pudong Office"}
    office_only = api_as(admin).get(f"/organizations/{office.id}/training-record").json
    assert office_only["total_hours"] == 3.0
    yesterday = event.start_at.date()
    quarter = f"{yesterday.year}-Q{(yesterday.month + 2) // 3}"
    assert [b["key"] for b in body["by_quarter"]] == [quarter]
    later = (yesterday + timedelta(days=1)).isoformat()
    assert api_as(admin).get(f"/organizations/{national.id}/training-record",
                             query_string={"from": later}).json["total_hours"] == 0
    for bad in ({"from": "0.5"}, {"to": "2025-13-01"}, {"from": "2025-05-02", "to": "2025-05-01"}):
        answer = api_as(admin).get(f"/organizations/{national.id}/training-record",
                                   query_string=bad)
        assert answer.status_code == 422, bad
    assert date.fromisoformat(later)


def test_survey_api(api_as, make_event, people):
    organizer, zh, en = people
    event, (rz, re) = past_session(make_event, organizer, [zh, en])
    api = api_as(organizer)
    for reg in (rz, re):
        api.post(f"/registrations/{reg.id}/attendance", json={"attendance": "attended"})
    assert api_as(zh).get(f"/events/{event.id}/survey").status_code == 403  # not invited yet
    api.post(f"/events/{event.id}/attendance/close")
    survey = api_as(zh).get(f"/events/{event.id}/survey")
    assert survey.status_code == 200
    q = {item["key"]: item["id"] for item in survey.json["questions"]}
    body = {"answers": {str(q["overall"]): 5, str(q["usefulness"]): 4}, "anonymous": True}
    first = api_as(zh).post(f"/events/{event.id}/survey/responses", json=body)
    assert first.status_code == 201 and first.json["anonymous"] is True
    assert api_as(zh).post(f"/events/{event.id}/survey/responses", json=body).status_code == 409
    bad = api_as(en).post(f"/events/{event.id}/survey/responses",
                          json={"answers": {str(q["overall"]): 9}})
    assert bad.status_code == 422 and str(q["overall"]) in bad.json["error"]["fields"]
    assert api_as(en).get(f"/events/{event.id}/survey/results").status_code == 403
    results = api.get(f"/events/{event.id}/survey/results").json
    assert (results["invited"], results["responses"], results["response_rate"]) == (2, 1, 50)
    assert results["questions"][0]["average"] == 5.0
    edit = api.client.put(f"/api/v1/events/{event.id}/survey", json={"questions": [
        {"kind": "rating", "label": "Overall", "key": "overall"}]},
        headers={"Authorization": f"Bearer {api.token}"})
    assert edit.status_code == 409  # answered already
