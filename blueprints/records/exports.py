"""An organization's training record as CSV (UTF-8 with BOM, formula-looking cells quoted)
and as XLSX (xlsxwriter, strings never turned into formulas or links)."""
from __future__ import annotations

import csv
import io

import xlsxwriter
from flask_babel import gettext as _

from blueprints.registration.export import safe_cell
from liaison.records.organization_record import OrganizationRecord


def _sections(record: OrganizationRecord):
    yield _("People"), [_("Name"), _("Organization"), _("Hours"), _("Sessions")], [
        [p.name, p.organization, p.hours, p.sessions] for p in record.people]
    for title, buckets in ((_("By quarter"), record.by_quarter), (_("By topic"), record.by_topic),
                           (_("By direction"), record.by_direction),
                           (_("By office"), record.by_office)):
        yield title, [title, _("Hours"), _("Sessions"), _("People")], [
            [b.label, b.hours, b.sessions, b.people] for b in buckets]


def record_csv(record: OrganizationRecord) -> str:
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([safe_cell(record.organization.name), _("Total hours"), record.total_hours])
    for title, header, rows in _sections(record):
        writer.writerow([])
        writer.writerow([title])
        writer.writerow(header)
        for row in rows:
            writer.writerow([safe_cell(c) if isinstance(c, str) else c for c in row])
    return out.getvalue()


def record_xlsx(record: OrganizationRecord) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False,
                                        "strings_to_urls": False})
    bold = book.add_format({"bold": True})
    for title, header, rows in _sections(record):
        sheet = book.add_worksheet(title[:31])
        for col, name in enumerate(header):
            sheet.write_string(0, col, name, bold)
        for r, row in enumerate(rows, start=1):
            for col, value in enumerate(row):
                if isinstance(value, str):
                    sheet.write_string(r, col, value)
                else:
                    sheet.write_number(r, col, value)
        sheet.freeze_panes(1, 0)
        sheet.set_column(0, 0, 32)
    book.close()
    return buffer.getvalue()
