"""/reports (administrators and focal points) and an organization's training record (page,
CSV and XLSX), each chart with its table beside it."""
from __future__ import annotations

from datetime import date, timedelta

from flask import Response, abort, current_app, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required

from blueprints.core.params import day_out_of_range
from blueprints.records import charts
from blueprints.records.exports import record_csv, record_xlsx
from blueprints.records.views import bp
from extensions import db
from liaison.accounts import membership
from liaison.accounts.models import Organization
from liaison.core.types import utcnow
from liaison.records import organization_record, reports


def _day(name: str) -> tuple[date | None, str | None]:
    raw = request.args.get(name, "")
    if not raw:
        return None, None
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        return None, _("Give a date as YYYY-MM-DD.")
    message = day_out_of_range(day)
    return (None, message) if message else (day, None)


def _range(default_days: int | None = 365):
    """?from=&to= (inclusive days); the last year by default. Errors go next to the fields."""
    start, start_error = _day("from")
    end, end_error = _day("to")
    errors = {k: v for k, v in (("from", start_error), ("to", end_error)) if v}
    if not errors:
        errors.update(organization_record.check_range(start, end))
    if not request.args.get("from") and default_days and not errors:
        start = utcnow().date() - timedelta(days=default_days)
    if errors:
        start = end = None
    return start, end, errors


@bp.get("/reports")
@login_required
def reports_page():
    """Who trained whom, hours per month, coverage of offices, topics, survey scores."""
    if not (current_user.is_admin or getattr(current_user, "acts_as_focal_point", False)):
        abort(403)
    start, end, errors = _range()
    data = reports.reports(current_user, start, end)
    return render_template("records/reports.html", r=data, parts=charts.report_parts(data),
                           errors=errors, start=start, args=request.args), \
        422 if errors else 200


def _organization(org_id: int) -> Organization:
    if not 1 <= org_id <= 2**31 - 1:
        abort(404)
    org = db.get_or_404(Organization, org_id)
    if not organization_record.can_read_record(current_user, org):
        abort(403)
    return org


@bp.get("/organizations/<int:org_id>/training-record")
@login_required
def organization_page(org_id: int):
    org = _organization(org_id)
    start, end, errors = _range(None)
    record = organization_record.organization_record(org, start, end)
    page = request.args.get("page", "1")
    people = charts.ListPage.of(record.people, int(page) if page.isdigit() and len(page) < 7
                                else 1, current_app.config["PER_PAGE"])
    return render_template("records/organization.html", org=org, record=record, errors=errors,
                           parts=charts.record_parts(record), people=people,
                           args={k: v for k, v in request.args.items() if k in ("from", "to")},
                           offices=membership.descendant_offices(org)), 422 if errors else 200


@bp.get("/organizations/<int:org_id>/training-record.<fmt>")
@login_required
def organization_export(org_id: int, fmt: str):
    """The record's people and hours as CSV (Excel-safe) or XLSX."""
    if fmt not in ("csv", "xlsx"):
        abort(404)
    org = _organization(org_id)
    start, end, errors = _range(None)
    if errors:
        abort(422)
    record = organization_record.organization_record(org, start, end)
    name = f"training-record-{org.id}"
    if fmt == "csv":
        return Response(record_csv(record).encode("utf-8"), mimetype="text/csv", headers={
            "Content-Disposition": f'attachment; filename="{name}.csv"'})
    return Response(record_xlsx(record), headers={
        "Content-Disposition": f'attachment; filename="{name}.xlsx"'},
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
