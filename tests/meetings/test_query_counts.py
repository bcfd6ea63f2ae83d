"""The meeting pages run as many SQL statements with 2 agenda items, files, outcomes and
actions as with 30: everything they show is eager-loaded."""
from __future__ import annotations

import io
from datetime import date, timedelta

from extensions import db
from liaison.meetings import agenda, materials, minutes
from liaison.meetings.agenda import AgendaItemInput
from liaison.meetings.minutes import MinutesItemInput, OutcomeInput
from tests.events.test_query_counts import statements_for
from tests.meetings.conftest import next_meeting


def grow(cast, n: int) -> None:
    """Give the meeting n agenda items, n files and circulated minutes with n items, each
    with a decision and an action (half of them the office's, half the brand's)."""
    items = agenda.set_agenda(cast.meeting, [
        AgendaItemInput(title=f"Item {i}", presenter="Chen Jie", duration_minutes=10,
                        organization_id=(cast.office if i % 2 else cast.brand).id)
        for i in range(n)], by=cast.organizer, notify=False)
    for i in range(n):
        materials.add_to_event(cast.meeting, filename=f"file{i}.txt",
                               stream=io.BytesIO(f"notes {i}\n".encode()), by=cast.organizer,
                               visibility="registrants")
    due = date.today() + timedelta(days=5)
    minutes.save(cast.meeting, [MinutesItemInput(agenda_item_id=item.id, notes="n", outcomes=[
        OutcomeInput(kind="decision", text=f"Decision {i}"),
        OutcomeInput(kind="action", text=f"Action {i}", due_on=due,
                     owner_organization_id=(cast.office if i % 2 else cast.brand).id,
                     owner_user_id=cast.officer.id if i % 2 else None),
    ]) for i, item in enumerate(items)], by=cast.organizer)
    minutes.circulate(cast.meeting, by=cast.organizer)
    db.session.commit()


def pages(cast, nxt) -> list[str]:
    return [f"/events/{cast.meeting.id}", f"/events/{nxt.id}",
            f"/events/{cast.meeting.id}/minutes", f"/events/{cast.meeting.id}/minutes/print",
            f"/events/{cast.meeting.id}/agenda/print", "/actions", "/actions?tab=due_soon",
            "/library"]


def test_meeting_pages_do_not_grow_with_their_content(client, login, cast, make_event):
    login(cast.officer)
    nxt = next_meeting(cast)
    grow(cast, 2)
    small = [statements_for(client, url) for url in pages(cast, nxt)]
    db.session.execute(db.text("DELETE FROM agenda_item"))
    db.session.execute(db.text("DELETE FROM minutes"))
    db.session.execute(db.text("DELETE FROM action_item"))
    db.session.execute(db.text("DELETE FROM material"))
    db.session.commit()
    grow(cast, 30)
    large = [statements_for(client, url) for url in pages(cast, nxt)]
    assert small == large, list(zip(pages(cast, nxt), small, large, strict=True))


def test_the_organizers_editors_do_not_grow_either(client, login, cast):
    login(cast.organizer)
    urls = [f"/events/{cast.meeting.id}/agenda", f"/events/{cast.meeting.id}/minutes/edit",
            f"/events/{cast.meeting.id}"]
    grow(cast, 2)
    minutes.reopen(cast.meeting, by=cast.organizer)
    db.session.commit()
    small = [statements_for(client, url) for url in urls]
    grow_more = agenda.agenda_of(cast.meeting)
    agenda.set_agenda(cast.meeting, [AgendaItemInput.from_item(i) for i in grow_more] + [
        AgendaItemInput(title=f"More {i}", duration_minutes=5) for i in range(28)],
        by=cast.organizer, notify=False)
    db.session.commit()
    large = [statements_for(client, url) for url in urls]
    assert small == large, list(zip(urls, small, large, strict=True))
