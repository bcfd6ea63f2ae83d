"""A certificate as PDF (fpdf2), in the recipient's language, with every name in an embedded
CJK font so Chinese names print on any machine: Noto Sans SC from the `pylopdf-fonts-zh-cn`
package (OFL-1.1), which `make run` installs with the other requirements. The QR code (segno,
as vector SVG) leads to the public `/verify/<code>` page."""
from __future__ import annotations

import io
from functools import cache

import pylopdf_fonts_zh_cn
import segno
from flask import current_app
from flask_babel import force_locale, format_date
from flask_babel import gettext as _
from fpdf import FPDF

from liaison.records.models import Certificate

FONT = "NotoSansSC"


@cache
def font_path() -> str:
    return str(pylopdf_fonts_zh_cn.sans_path())


def verify_url(code: str) -> str:
    return f"{current_app.config['BASE_URL']}/verify/{code}"


def grouped(code: str) -> str:
    """ABCD-EFGH-JKLM-NPQR: a code read out or typed in four groups."""
    return "-".join(code[i:i + 4] for i in range(0, len(code), 4))


def _qr_svg(url: str) -> io.BytesIO:
    buffer = io.BytesIO()
    # omitsize: a viewBox without width/height, which fpdf2 scales without a warning
    segno.make(url, error="m").save(buffer, kind="svg", omitsize=True, xmldecl=False, border=0)
    buffer.seek(0)
    return buffer


def render_pdf(certificate: Certificate) -> bytes:
    """The certificate's PDF, A4 landscape, in the language it was issued in."""
    language = "zh" if certificate.language == "zh" else "en"
    locale = "zh_Hans" if language == "zh" else "en"
    with force_locale(locale):
        return _render(certificate, language)


def _render(certificate: Certificate, language: str) -> bytes:
    pdf = FPDF(orientation="L", format="A4")
    pdf.set_title(_("Certificate of attendance"))
    pdf.set_creator("Liaison")
    pdf.set_auto_page_break(False)
    pdf.add_font(FONT, fname=font_path())
    pdf.add_page()
    width = pdf.w - 40

    pdf.set_draw_color(31, 78, 121)
    pdf.set_line_width(1.2)
    pdf.rect(10, 10, pdf.w - 20, pdf.h - 20)
    pdf.set_line_width(0.3)
    pdf.rect(13, 13, pdf.w - 26, pdf.h - 26)

    def line(text: str, size: float, height: float, color=(33, 37, 41)) -> None:
        pdf.set_font(FONT, size=size)
        pdf.set_text_color(*color)
        pdf.set_x(20)
        pdf.multi_cell(width, height, text, align="C", new_x="LMARGIN", new_y="NEXT")

    pdf.set_y(28)
    line(certificate.localized("issuer", language), 13, 7, (31, 78, 121))
    pdf.ln(4)
    line(_("Certificate of attendance"), 28, 14, (31, 78, 121))
    pdf.ln(6)
    line(_("This certifies that"), 12, 7, (90, 90, 90))
    pdf.ln(2)
    line(certificate.localized("name", language), 30, 15)
    line(certificate.localized("organization", language), 13, 7, (90, 90, 90))
    pdf.ln(5)
    line(_("attended the training"), 12, 7, (90, 90, 90))
    pdf.ln(1)
    line(certificate.localized("event_title", language), 18, 10)
    local_start = certificate.event_start.astimezone(_zone(certificate.event_timezone))
    line(
        _("on %(date)s, credited with %(hours)s hours",
          date=format_date(local_start.date(), "long"), hours=_hours(certificate.hours)),
        12, 7, (90, 90, 90),
    )

    issuers = [certificate.localized("issuer", language)]
    issuers += [(zh if language == "zh" and zh else en) for en, zh in certificate.co_issuers]
    pdf.set_y(pdf.h - 52)
    pdf.set_font(FONT, size=10)
    pdf.set_text_color(33, 37, 41)
    pdf.set_x(24)
    pdf.multi_cell(150, 6, _("Issued by: %(issuers)s", issuers=", ".join(issuers)),
                   new_x="LMARGIN", new_y="NEXT")
    pdf.set_x(24)
    pdf.multi_cell(150, 6, _("Verification code: %(code)s", code=grouped(certificate.code)),
                   new_x="LMARGIN", new_y="NEXT")
    pdf.set_x(24)
    pdf.set_text_color(90, 90, 90)
    pdf.multi_cell(150, 6, _("Check it at %(url)s", url=verify_url(certificate.code)),
                   new_x="LMARGIN", new_y="NEXT")
    pdf.image(_qr_svg(verify_url(certificate.code)), x=pdf.w - 62, y=pdf.h - 62, w=38, h=38)
    return bytes(pdf.output())


def _hours(hours: float) -> str:
    return f"{hours:g}"


def _zone(name: str):
    from zoneinfo import ZoneInfo

    return ZoneInfo(name)
