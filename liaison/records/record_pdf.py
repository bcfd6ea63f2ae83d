"""A person's training record as PDF (fpdf2): their sessions, hours, topics and certificate
codes, in the reader's language, every name and title in the embedded CJK font the
certificates use (liaison/records/certificate_pdf.py), so Chinese prints on any machine."""
from __future__ import annotations

from flask_babel import format_date
from flask_babel import gettext as _
from fpdf import FPDF
from fpdf.fonts import FontFace

from liaison.core.i18n import localized
from liaison.core.types import utcnow
from liaison.records.certificate_pdf import FONT, font_path, grouped
from liaison.records.training import PersonRecord

BLUE = (31, 78, 121)
GREY = (90, 90, 90)


def render_record_pdf(record: PersonRecord) -> bytes:
    """A4 portrait: who, the totals and topics, then one row per session (latest first)."""
    pdf = FPDF(format="A4")
    pdf.set_title(_("Training record"))
    pdf.set_creator("Liaison")
    pdf.add_font(FONT, fname=font_path())
    pdf.set_auto_page_break(True, margin=18)
    pdf.add_page()
    user = record.user

    def text(value: str, size: float, height: float, color=(33, 37, 41)) -> None:
        pdf.set_font(FONT, size=size)
        pdf.set_text_color(*color)
        pdf.multi_cell(0, height, value, new_x="LMARGIN", new_y="NEXT")

    text(_("Training record"), 20, 11, BLUE)
    text(user.name, 15, 8)
    if user.organization is not None:
        text(localized(user.organization.name, user.organization.name_zh), 11, 6, GREY)
    text(_("As of %(date)s", date=format_date(utcnow().date(), "long")), 9, 6, GREY)
    pdf.ln(3)
    text(_("%(hours)s hours in %(sessions)d sessions", hours=f"{record.total_hours:g}",
           sessions=len(record.items)), 12, 7)
    if record.topics:
        text(_("Topics: %(topics)s", topics=", ".join(record.topic_labels)), 10, 6, GREY)
    pdf.ln(4)
    if not record.items:
        text(_("Sessions you attend appear here once the organizers record your attendance."),
             10, 6, GREY)
        return bytes(pdf.output())
    pdf.set_font(FONT, size=9)
    pdf.set_text_color(33, 37, 41)
    heading = FontFace(color=(255, 255, 255), fill_color=BLUE)
    with pdf.table(col_widths=(26, 58, 36, 14, 46), text_align=("LEFT", "LEFT", "LEFT", "RIGHT",
                                                                 "LEFT"),
                   headings_style=heading, line_height=5.5) as table:
        table.row([_("Date"), _("Event"), _("Attendance"), _("Hours"), _("Certificate")])
        for item in record.items:
            event = item.event
            attendance = item.attendance.label
            if item.registration.attended_minutes:
                attendance += " (" + _("%(minutes)d min",
                                       minutes=item.registration.attended_minutes) + ")"
            table.row([format_date(event.start_at.astimezone(event.zone).date(), "medium"),
                       event.display_title, attendance, f"{item.hours:g}",
                       grouped(item.certificate_code) if item.certificate_code else "—"])
    return bytes(pdf.output())
