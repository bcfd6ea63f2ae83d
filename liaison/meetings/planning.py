"""Planning the next meeting of a series: "add the next meeting" (liaison.events.series
`add_next`, quarterly unless the series says otherwise) with the agenda copied as a start.
The next meeting's page then shows the open actions of the earlier ones (`actions`)."""
from __future__ import annotations

from extensions import db
from liaison.events import series
from liaison.events.models import Event
from liaison.meetings.agenda import agenda_of
from liaison.meetings.models import AgendaItem


def plan_next(event: Event, *, by, frequency=None, copy_agenda: bool = True) -> Event:
    """A draft of the next meeting after the last one of the series; its agenda starts as a
    copy of this meeting's (standing items recur; organizers edit the rest)."""
    created = series.add_next(event, by=by, frequency=frequency)
    if copy_agenda:
        for item in agenda_of(event):
            db.session.add(AgendaItem(
                event_id=created.id, position=item.position, title=item.title,
                title_zh=item.title_zh, presenter=item.presenter,
                organization_id=item.organization_id, duration_minutes=item.duration_minutes,
            ))
        db.session.flush()
    return created
