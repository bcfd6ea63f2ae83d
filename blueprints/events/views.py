"""Browsing: the upcoming list with filters, the month calendar, the event page, "My events"."""
from __future__ import annotations

import calendar as pycal
from datetime import date, datetime, time, timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_timezone
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from blueprints.core import params
from blueprints.core.i18n import viewer_zone
from blueprints.core.pagecache import cached_blocks, cached_for_visitors, render_page
from blueprints.events import helpers
from extensions import db
from liaison.accounts.models import Organization
from liaison.core.types import utcnow
from liaison.events import classification, queries, topics
from liaison.events import direction as directions
from liaison.events.lifecycle import can_manage
from liaison.events.models import Event, EventKind, EventStatus
from liaison.registration import lists
from liaison.registration.models import Registration, RegistrationStatus
from liaison.registration.seats import seat_counts

bp = Blueprint("events", __name__)


@bp.record_once
def _register_template_helpers(state) -> None:
    """`direction(event)`, `audience_label(event)` and the local-time filters, for every
    template (other blueprints' pages and mail use them too)."""
    helpers.init_app(state.app)


def _viewer():
    return current_user if current_user.is_authenticated else None


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=get_timezone())


FILTERS = ("kind", "direction", "topic", "host", "from", "to", "q")


@bp.get("/")
@bp.get("/events/")
@cached_for_visitors
@cached_blocks("events/index.html",
               reader=lambda: (queries.list_standing(current_user), current_user.can_organize))
def index():
    """Upcoming events the viewer may attend, as cards, with filters."""
    args = request.args
    viewer, now = _viewer(), utcnow()
    day_from, day_to = params.day_arg("from"), params.day_arg("to")
    host_id = params.id_arg("host")
    visible = queries.visible_events(viewer)
    stmt = queries.filter_events(
        queries.upcoming(visible, now),
        kind=args.get("kind"),
        direction=args.get("direction"),
        topic=args.get("topic"),
        host_id=host_id,
        starts_from=_local_midnight(day_from) if day_from else None,
        starts_before=_local_midnight(day_to + timedelta(days=1)) if day_to else None,
        q=args.get("q", "")[:200],
    )
    page = params.paginate(queries.for_cards(stmt), keep=FILTERS)
    ids = [e.id for e in page.items]
    upcoming_ids = queries.upcoming(visible, now).with_only_columns(Event.id).order_by(None)
    hosts = db.session.scalars(
        select(Organization)
        .where(Organization.id.in_(upcoming_ids.with_only_columns(Event.host_organization_id)))
        .order_by(Organization.name)
    ).all()
    selected = topics.resolve(args.get("topic")) if args.get("topic") else None
    return render_page(
        "events/index.html",
        page=page,
        counts=seat_counts(ids),
        kinds=list(EventKind),
        directions=directions.direction_choices(queries.direction_rows(viewer, now)),
        hosts=hosts,
        topics=topics.topics_in_use(upcoming_ids),
        selected_topic=selected.slug if selected else None,
        filters=args,
        filtered=any(args.get(k) for k in FILTERS),
    )


def _month() -> date:
    """?month=YYYY-MM, or this month in the viewer's zone."""
    return params.month_arg("month") or utcnow().astimezone(get_timezone()).date().replace(day=1)


@bp.get("/events/calendar")
@cached_for_visitors(by_day=True)
def calendar():
    """A month grid; each event sits on its local day(s) in the viewer's zone."""
    first = _month()
    weeks = pycal.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
    grid_start, grid_end = weeks[0][0], weeks[-1][-1] + timedelta(days=1)
    zone = viewer_zone()
    stmt = (
        queries.visible_events(_viewer())
        .where(
            Event.status != EventStatus.draft,
            Event.start_at < _local_midnight(grid_end),
            Event.end_at > _local_midnight(grid_start),
        )
        .order_by(Event.start_at, Event.id)
    )
    by_day: dict[date, list[Event]] = {}
    for event in db.session.scalars(stmt):
        day = max(event.start_at.astimezone(zone).date(), grid_start)
        last = min((event.end_at - timedelta(microseconds=1)).astimezone(zone).date(), grid_end)
        while day <= last:
            by_day.setdefault(day, []).append(event)
            day += timedelta(days=1)
    prev_month = (first - timedelta(days=1)).replace(day=1)
    next_month = (first + timedelta(days=32)).replace(day=1)
    now = utcnow()
    next_event = None
    if not any(day.month == first.month for day in by_day):
        # An empty month points to the next event rather than leaving the visitor guessing.
        next_event = db.session.scalar(
            queries.visible_events(_viewer())
            .where(Event.status == EventStatus.published,
                   Event.start_at >= max(now, _local_midnight(next_month)))
            .order_by(Event.start_at, Event.id).limit(1)
        )
    in_range = params.EARLIEST_DAY <= prev_month, next_month <= params.LATEST_DAY
    return render_template(
        "events/calendar.html",
        first=first,
        weeks=weeks,
        by_day=by_day,
        today=now.astimezone(zone).date(),
        prev_month=prev_month.strftime("%Y-%m") if in_range[0] else None,
        next_month=next_month.strftime("%Y-%m") if in_range[1] else None,
        zone=zone,
        now=now,
        next_event=next_event,
    )


def _reader_of_event_page() -> int | None:
    """Whose event page it is, for the block cache: the reader's own (their registration, their
    organization's places). Not kept for those who may manage events: their parts show messages,
    download counts and attendance logs, which the generation token does not follow."""
    if current_user.can_co_organize or current_user.is_admin:
        return None
    return current_user.id


@bp.get("/events/<int:event_id>")
@cached_for_visitors(quarters=True)  # the meeting part marks overdue actions by its local date
@cached_blocks("events/detail.html", reader=_reader_of_event_page, quarters=True)
def detail(event_id: int):
    """The event page; a draft is a 404 for anyone but its organizers. A visitor who is not
    logged in is sent to log in instead, alike for an event they may not see and one that
    does not exist (SPEC): a link mailed to a customs officer must not look broken."""
    viewer = _viewer()
    stmt = queries.with_details(
        queries.visible_events(viewer, direct=True).where(Event.id == event_id)
    )
    event = db.session.scalars(stmt.limit(1)).first()
    if event is None:
        if viewer is None:
            flash(_("Log in to see this event. It may be open only to some organizations."),
                  "info")
            return redirect(url_for("auth.login", next=request.path))
        abort(404)
    my_registration = None
    if viewer is not None:
        my_registration = db.session.scalar(
            select(Registration).where(
                Registration.event_id == event.id, Registration.user_id == viewer.id
            )
        )
    manages = can_manage(event, viewer)
    counts = seat_counts([event.id]).get(event.id)
    sees_link = manages or (
        my_registration is not None and my_registration.status == RegistrationStatus.confirmed
    )
    content = classification.shows_content(
        event,
        manages=manages,
        registrant=my_registration is not None and my_registration.is_active,
    )
    zone = str(viewer_zone())
    series_events = []
    if event.series_id is not None:
        series_events = db.session.scalars(
            queries.visible_events(viewer, direct=True)
            .where(Event.series_id == event.series_id)
            .order_by(Event.start_at)
        ).all()
    return render_page(
        "events/detail.html",
        event=event,
        my_registration=my_registration,
        counts=counts,
        can_manage=manages,
        show_online_link=sees_link,
        shows_content=content,
        other_zone=zone != event.timezone,
        series_events=series_events,
    )


MINE_TABS = ("upcoming", "drafts", "past")


@bp.get("/events/mine")
@login_required
def mine():
    """Organizers' own events: drafts, upcoming and past (focal points co-organize the
    trainings their exchange proposals became)."""
    if not current_user.can_co_organize:
        abort(403)
    tab = request.args.get("tab") if request.args.get("tab") in MINE_TABS else "upcoming"
    now = utcnow()
    stmt = queries.organized_by(current_user)
    if tab == "drafts":
        stmt = stmt.where(Event.status == EventStatus.draft).order_by(Event.start_at)
    elif tab == "upcoming":
        stmt = stmt.where(Event.status != EventStatus.draft, Event.end_at >= now).order_by(
            Event.start_at
        )
    else:
        stmt = stmt.where(Event.status != EventStatus.draft, Event.end_at < now).order_by(
            Event.start_at.desc()
        )
    page = params.paginate(queries.for_cards(stmt), keep=("tab",))
    return render_template(
        "events/mine.html",
        page=page,
        tab=tab,
        tabs=MINE_TABS,
        counts=seat_counts([e.id for e in page.items]),
        awaiting=lists.awaiting_organizers([e.id for e in page.items]),
    )
