"""The attendee list as CSV text and as an Excel workbook that spreadsheets open correctly and
cannot be tricked by, with a column per registration question."""
from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from datetime import datetime
from zoneinfo import ZoneInfo

import xlsxwriter
from flask_babel import gettext as _

from liaison.events import classification
from liaison.events.models import Event
from liaison.registration.answers import format_answer
from liaison.registration.models import QuestionKind, Registration, RegistrationQuestion

# Excel, LibreOffice and Sheets run a cell starting with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    """A cell as text; one that a spreadsheet would run as a formula gets a leading quote."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _time(value: datetime | None, zone: ZoneInfo) -> str:
    return value.astimezone(zone).strftime("%Y-%m-%d %H:%M") if value else ""


def roster_table(
    rows: list[Registration], event: Event, asked: list[RegistrationQuestion] = (),
    answers: Mapping[int, Mapping[int, object]] | None = None,
) -> tuple[list[str], list[list[object]]]:
    """The header and one row per registration: name, email, organization, status, registered
    and checked-in times (the event's zone), then each question's answer (numbers stay
    numbers; options in the reader's language)."""
    timezone = event.timezone
    zone = ZoneInfo(timezone)
    answers = answers or {}
    header = [_("Name"), _("Email"), _("Organization"), _("Status"),
              _("Registered at (%(zone)s)", zone=timezone),
              _("Checked in at (%(zone)s)", zone=timezone),
              *(q.display_label for q in asked)]
    table = []
    for reg in rows:
        user, given = reg.user, answers.get(reg.id, {})
        table.append([
            user.name, user.email, user.organization.display_name, reg.status.label,
            _time(reg.created_at, zone), _time(reg.checked_in_at, zone),
            *(given.get(q.id) if q.kind == QuestionKind.number
              else format_answer(q, given.get(q.id)) for q in asked),
        ])
    return header, table


def roster_csv(rows: list[Registration], event: Event, asked: list[RegistrationQuestion] = (),
               answers: Mapping[int, Mapping[int, object]] | None = None) -> str:
    """The roster table as CSV starting with a byte-order mark, so Excel reads UTF-8 (Chinese
    names). An event that is not public gets its classification marking as a first line of
    its own (classification)."""
    header, table = roster_table(rows, event, asked, answers)
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    if not event.is_public:
        writer.writerow([safe_cell(classification.marking(event))])
    writer.writerow([safe_cell(v) for v in header])
    for row in table:  # numbers are numbers (a negative one is no formula)
        writer.writerow([v if isinstance(v, int | float) else safe_cell(v) for v in row])
    return out.getvalue()


def roster_xlsx(rows: list[Registration], event: Event, asked: list[RegistrationQuestion] = (),
                answers: Mapping[int, Mapping[int, object]] | None = None) -> bytes:
    """The roster table as an .xlsx workbook. Text is always written as text: a name starting
    with "=" stays a name, never a formula (strings_to_formulas off, write_string)."""
    header, table = roster_table(rows, event, asked, answers)
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False,
                                        "strings_to_urls": False, "strings_to_numbers": False})
    sheet = book.add_worksheet(_("Attendees")[:31])
    bold = book.add_format({"bold": True})
    first = 0
    if not event.is_public:
        sheet.write_string(0, 0, classification.marking(event), bold)
        first = 1
    for col, title in enumerate(header):
        sheet.write_string(first, col, str(title), bold)
    for row_index, row in enumerate(table, start=first + 1):
        for col, value in enumerate(row):
            if isinstance(value, int | float) and not isinstance(value, bool):
                sheet.write_number(row_index, col, value)
            elif value not in (None, ""):
                sheet.write_string(row_index, col, str(value))
    sheet.freeze_panes(first + 1, 0)
    sheet.autofilter(first, 0, first + len(table), max(len(header) - 1, 0))
    sheet.set_column(0, 2, 28)
    sheet.set_column(3, max(len(header) - 1, 3), 20)
    book.close()
    return buffer.getvalue()
