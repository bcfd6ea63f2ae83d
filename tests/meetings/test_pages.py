"""The meeting pages over HTTP: the event page's part, the agenda editor (with the keyboard's
move buttons), the minutes editor and its steps, Our actions, printouts, upload and download."""
from __future__ import annotations

import io
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from extensions import db
from liaison.events.models import Classification
from liaison.meetings import agenda, minutes
from liaison.meetings.models import ActionItem, Material, MinutesStatus
from tests.meetings.conftest import next_meeting
from tests.meetings.test_materials import HTML, PDF


@pytest.fixture
def store(app, tmp_path):
    app.config["MATERIALS_DIR"] = str(tmp_path / "materials")
    return tmp_path / "materials"


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


def test_the_event_page_shows_agenda_materials_minutes_and_carried_actions(
    client, login, cast, written, store
):
    minutes.circulate(cast.meeting, by=cast.organizer)
    minutes.approve(cast.meeting, by=cast.organizer)
    db.session.commit()
    nxt = next_meeting(cast)
    login(cast.brand_person)
    page = text_of(client.get(f"/events/{cast.meeting.id}"))
    assert "Seizures at Shanghai port" in page and "Chen Jie" in page
    assert "Read the minutes" in page and "Approved" in page
    page = text_of(client.get(f"/events/{nxt.id}"))
    assert "Open actions from earlier meetings" in page
    assert "Send the list of suspicious consignees." in page
    assert page.count("Mark done") == 1  # the brand owns one of the two
    login(cast.officer)  # a Chinese reader gets the Chinese title
    assert "上海口岸查扣情况" in text_of(client.get(f"/events/{cast.meeting.id}"))


def test_the_agenda_editor_saves_and_the_move_buttons_reorder_without_saving(
    client, login, cast
):
    login(cast.organizer)
    assert client.get(f"/events/{cast.meeting.id}/agenda").status_code == 200
    form = {
        "item-a-title": "Opening", "item-a-duration": "10",
        "item-b-title": "Seizures", "item-b-organization_id": str(cast.office.id),
        "item-c-title": "", "item-c-presenter": "",  # an empty row: ignored
    }
    moved = client.post(f"/events/{cast.meeting.id}/agenda", data={**form, "move": "b:up"})
    assert moved.status_code == 200 and agenda.agenda_of(cast.meeting) == []
    html = moved.get_data(as_text=True)
    assert html.index('value="Seizures"') < html.index('value="Opening"')
    saved = client.post(f"/events/{cast.meeting.id}/agenda",
                        data={**form, "order": "b,a", "save": "1"})
    assert saved.status_code == 302
    assert [i.title for i in agenda.agenda_of(cast.meeting)] == ["Seizures", "Opening"]


def test_a_bad_agenda_row_gets_its_message_and_nothing_is_saved(client, login, cast):
    login(cast.organizer)
    response = client.post(f"/events/{cast.meeting.id}/agenda", data={
        "item-a-title": "Opening", "item-a-duration": "a lot"})
    assert response.status_code == 422
    assert "Give the duration in minutes, from 1 to 1440." in response.get_data(as_text=True)
    assert agenda.agenda_of(cast.meeting) == []


def test_the_minutes_editor_writes_a_decision_and_two_actions(client, login, cast, written):
    items, _draft = written
    login(cast.organizer)
    page = client.get(f"/events/{cast.meeting.id}/minutes/edit")
    assert page.status_code == 200
    due = (date.today() + timedelta(days=30)).isoformat()
    data = {
        "it-a-agenda_item_id": str(items[0].id), "it-a-title": "Seizures", "it-a-notes": "n",
        "it-a-o-x-kind": "decision", "it-a-o-x-text": "Share data monthly.",
        "it-a-o-y-kind": "action", "it-a-o-y-text": "Send the list.",
        "it-a-o-y-owner_organization_id": str(cast.office.id), "it-a-o-y-due_on": due,
        "it-a-o-z-kind": "action", "it-a-o-z-text": "Print guides.",
        "it-a-o-z-owner_organization_id": str(cast.brand.id), "it-a-o-z-due_on": due,
    }
    assert client.post(f"/events/{cast.meeting.id}/minutes/edit", data=data).status_code == 302
    current = minutes.with_content(minutes.current(cast.meeting).id)
    assert [o.kind.value for o in current.items[0].outcomes] == ["decision", "action", "action"]
    bad = dict(data, **{"it-a-o-z-due_on": "soon"})
    response = client.post(f"/events/{cast.meeting.id}/minutes/edit", data=bad)
    assert response.status_code == 422
    assert "Give the due date (YYYY-MM-DD)." in response.get_data(as_text=True)


def test_circulate_approve_lock_reopen_through_the_pages(client, login, cast, written):
    login(cast.organizer)
    base = f"/events/{cast.meeting.id}/minutes"
    assert client.post(f"{base}/approve").status_code == 302  # refused with a message
    assert minutes.current(cast.meeting).status == MinutesStatus.draft
    client.post(f"{base}/circulate")
    client.post(f"{base}/approve")
    assert minutes.current(cast.meeting).status == MinutesStatus.approved
    locked = client.get(f"{base}/edit")
    assert locked.status_code == 302 and locked.headers["Location"].endswith("/minutes")
    client.post(f"{base}/reopen")
    assert minutes.current(cast.meeting).version == 2
    history = text_of(client.get(f"{base}?version=1"))
    assert "Version 2" in history and "Approved" in history
    assert client.get(f"{base}?version=9").status_code == 404


def test_draft_minutes_are_the_organizers_alone(client, login, cast, written):
    login(cast.brand_person)
    page = text_of(client.get(f"/events/{cast.meeting.id}/minutes"))
    assert "Share seizure data monthly." not in page and "No minutes yet." in page
    assert client.get(f"/events/{cast.meeting.id}/minutes?version=1").status_code == 404
    assert client.post(f"/events/{cast.meeting.id}/minutes/circulate").status_code == 403


def test_our_actions_lists_and_the_owner_closes_one(client, login, cast, written):
    minutes.circulate(cast.meeting, by=cast.organizer)
    db.session.commit()
    consignees = db.session.scalars(select(ActionItem).order_by(ActionItem.id)).first()
    login(cast.officer)
    page = text_of(client.get("/actions"))
    assert "Send the list of suspicious consignees." in page
    assert "Send 20 printed guides" not in page  # the brand's, not ours
    response = client.post(f"/actions/{consignees.id}/status",
                           data={"status": "done", "next": "/actions"})
    assert response.status_code == 302 and response.headers["Location"] == "/actions"
    assert consignees.closed_by_id == cast.officer.id
    assert "Send the list" in text_of(client.get("/actions?tab=closed"))
    login(cast.brand_person)
    assert client.post(f"/actions/{consignees.id}/status",
                       data={"status": "open"}).status_code == 404


def test_printouts_carry_the_marking(client, login, cast, written):
    cast.meeting.classification = Classification.restricted
    db.session.commit()
    minutes.circulate(cast.meeting, by=cast.organizer)
    db.session.commit()
    login(cast.brand_person)
    for path in ("agenda/print", "minutes/print"):
        page = text_of(client.get(f"/events/{cast.meeting.id}/{path}"))
        assert page.count("RESTRICTED — for the registered participants") == 2, path


def test_upload_and_download_through_the_access_check(client, login, cast, store):
    login(cast.organizer)
    response = client.post(f"/events/{cast.meeting.id}/materials", data={
        "file": (io.BytesIO(PDF), "guide.pdf"), "title": "ID guide", "visibility": "attendees"},
        content_type="multipart/form-data")
    assert response.status_code == 302
    material = db.session.scalar(select(Material))
    download = client.get(f"/materials/{material.id}/download")
    assert download.status_code == 200 and download.data == PDF
    assert download.headers["Content-Disposition"] == "attachment; filename=guide.pdf"
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert download.headers["Content-Type"] == "application/pdf"
    login(cast.officer)
    assert client.get(f"/materials/{material.id}/download").status_code == 200
    login(cast.outsider)
    assert client.get(f"/materials/{material.id}/download").status_code == 404
    db.session.expire_all()
    assert material.current.download_count == 2


def test_a_refused_upload_shows_the_message_next_to_the_field(client, login, cast, store):
    login(cast.organizer)
    response = client.post(f"/events/{cast.meeting.id}/materials", data={
        "file": (io.BytesIO(HTML), "invoice.pdf"), "visibility": "registrants"},
        content_type="multipart/form-data")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'class="invalid-feedback" id="file-feedback">HTML and other markup' in html
    assert db.session.scalar(select(Material.id)) is None and not store.exists()


def test_a_body_over_the_upload_limit_is_refused_before_it_is_read(app, client, login, cast,
                                                                   store):
    login(cast.organizer)
    big = PDF + b"0" * (25 * 1024 * 1024 + 10)  # over 25 MiB, within the form's room
    response = client.post(f"/events/{cast.meeting.id}/materials", data={
        "file": (io.BytesIO(big), "big.pdf")}, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "the limit is 25 MB" in response.get_data(as_text=True)
    huge = b"0" * (27 * 1024 * 1024)  # over the limit and the form's room: 413 at once
    response = client.post(f"/events/{cast.meeting.id}/materials", data={
        "file": (io.BytesIO(huge), "huge.pdf")}, content_type="multipart/form-data")
    assert response.status_code == 413
    assert "larger than the 25 MB limit" in response.get_data(as_text=True)
    assert not store.exists()


def test_add_the_next_meeting_from_the_page(client, login, cast):
    login(cast.organizer)
    response = client.post(f"/events/{cast.meeting.id}/next", data={"frequency": "quarterly"})
    assert response.status_code == 302
    assert cast.meeting.series is not None and len(cast.meeting.series.events) == 2
