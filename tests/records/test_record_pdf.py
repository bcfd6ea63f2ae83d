"""The personal training record as a PDF (fpdf2, CJK font), in the reader's language, linked
from the record page: read back with pypdf."""
from __future__ import annotations

import io

from pypdf import PdfReader

from extensions import db
from liaison.accounts.models import OrgKind
from liaison.records import attendance
from liaison.records.certificate_pdf import grouped
from liaison.records.models import Certificate
from liaison.registration.models import AttendanceOutcome, Registration, RegistrationStatus


def pdf_text(data: bytes) -> str:
    """pypdf reads fpdf2's CFF font as 1-byte codes: strip the NULs (research NOTES §2)."""
    reader = PdfReader(io.BytesIO(data))
    return "".join(page.extract_text() for page in reader.pages).replace("\x00", "")


def test_my_record_as_pdf_in_both_languages(client, login, make_org, make_user, session_with):
    customs = make_org("Shanghai Customs", kind=OrgKind.customs, name_zh="上海海关")
    me = make_user(org=customs, display_name="Li Na", display_name_zh="李娜")
    event, (other,) = session_with(1, title="Postal channel", title_zh="邮递渠道",
                                   topics=["postal"])
    mine = Registration(event=event, user=me, status=RegistrationStatus.confirmed,
                        attendance=AttendanceOutcome.attended)
    db.session.add(mine)
    second, (reg,) = session_with(1, title="Recordation clinic")
    reg.user, reg.attendance, reg.attended_minutes = me, AttendanceOutcome.partial, 90
    db.session.commit()
    attendance.close_attendance(event, by=event.organizers[0])
    db.session.commit()
    code = db.session.scalar(db.select(Certificate.code).where(Certificate.user_id == me.id))
    login(me)
    page = client.get("/me/training-record")
    assert 'href="/me/training-record.pdf"' in page.text
    english = client.get("/me/training-record.pdf")
    assert english.status_code == 200 and english.mimetype == "application/pdf"
    text = pdf_text(english.data)
    assert "Training record" in text and "Li Na" in text and "Shanghai Customs" in text
    assert "Postal channel" in text and "Recordation clinic" in text
    assert "4.5 hours in 2 sessions" in text and grouped(code) in text and "90 min" in text
    me.language = "zh"
    db.session.commit()
    chinese = pdf_text(client.get("/me/training-record.pdf?lang=zh").data)
    assert "李娜" in chinese and "上海海关" in chinese and "邮递渠道" in chinese
    assert "Training record" not in chinese and grouped(code) in chinese
    assert other.user.display_name not in chinese  # only the reader's own sessions


def test_an_empty_record_prints_too(client, login, make_user):
    login(make_user(display_name="Anna Keller"))
    text = pdf_text(client.get("/me/training-record.pdf").data)
    assert "Anna Keller" in text and "0 hours in 0 sessions" in text
