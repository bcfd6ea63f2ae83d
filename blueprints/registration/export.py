"""The attendee list as CSV text that Excel opens correctly and cannot be tricked by."""
from __future__ import annotations

import csv
import io
from datetime import datetime
from zoneinfo import ZoneInfo

from flask_babel import gettext as _

from liaison.events import classification
from liaison.events.models import Event
from liaison.registration.models import Registration

# Excel, LibreOffice and Sheets run a cell starting with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    """A cell as text; one that a spreadsheet would run as a formula gets a leading quote."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _time(value: datetime | None, zone: ZoneInfo) -> str:
    return value.astimezone(zone).strftime("%Y-%m-%d %H:%M") if value else ""


def roster_csv(rows: list[Registration], event: Event) -> str:
    """Name, email, organization, status, registered at, checked in at (event's time zone),
    starting with a byte-order mark so Excel reads UTF-8 (Chinese names). An event that is not
    public gets its classification marking as a first line of its own (classification)."""
    timezone = event.timezone
    zone = ZoneInfo(timezone)
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    if not event.is_public:
        writer.writerow([safe_cell(classification.marking(event))])
    writer.writerow([_("Name"), _("Email"), _("Organization"), _("Status"),
                     _("Registered at (%(zone)s)", zone=timezone),
                     _("Checked in at (%(zone)s)", zone=timezone)])
    for reg in rows:
        user = reg.user
        writer.writerow([safe_cell(v) for v in (
            user.name, user.email, user.organization.display_name, reg.status.label,
            _time(reg.created_at, zone), _time(reg.checked_in_at, zone),
        )])
    return out.getvalue()
